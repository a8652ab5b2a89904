"""What to watch for, in plain words, derived from the loaded rules (no web framework here).

Two lists, each by level, most urgent first, computed once per rule set and language:
- `red_flags`: the answers the rule file marks `red_flag: urgent` or `emergency`, each named by
  the title of the rule it sets off on its own. A "no warning signs" result ends with these
  ("Call ... if you notice"), the safety-netting every NHS care card carries; the less urgent
  ones are on the sheet.
- `watch_for`: every rule's title, for the printable "When to call" sheet, leaving out a rule
  whose every firing another listed rule at the same or a more urgent level already announces
  (e.g. "Fever with confusion" when "Confused or very sleepy" alone is an emergency). The
  paper sheet and the app read the same rules, so they cannot disagree.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from . import conditions
from .evaluation import evaluate
from .model import Answer, Answers, Level, Rule, RuleSet

Groups = tuple[tuple[Level, tuple[str, ...]], ...]

# (file, digest of its bytes, language, list) -> the list: the same bytes give the same rules,
# so the test suite's many apps on one file compute each list once.
_CACHE: dict[tuple[str, str, str, str], Groups] = {}


def red_flags(ruleset: RuleSet, language: str) -> Groups:
    """Return the urgent and emergency red flags by level, most urgent first, in plain words."""
    return _cached(ruleset, language, "red_flags", _red_flags)


def watch_for(ruleset: RuleSet, language: str) -> Groups:
    """Return the signs to watch for at home by level (every level above none)."""
    return _cached(ruleset, language, "watch_for", _watch_for)


def _cached(ruleset: RuleSet, language: str, kind: str, build) -> Groups:
    key = (ruleset.file, ruleset.digest or str(id(ruleset)), language, kind)
    groups = _CACHE.get(key)
    if groups is None:
        if len(_CACHE) >= 64:  # an app serves one rule set; tests and reloads make more
            _CACHE.clear()
        groups = _CACHE[key] = build(ruleset, language)
    return groups


def mildest(ruleset: RuleSet) -> dict:
    """Return the answers of someone with no symptoms: the first option, no number given."""
    return {q.id: (None if q.number else q.values[0]) for q in ruleset.questions}


def _grouped(signs: list[tuple[Level, str]]) -> Groups:
    by_level: dict[Level, list[str]] = {}
    for level, words in signs:
        if words not in by_level.setdefault(level, []):
            by_level[level].append(words)
    return tuple((level, tuple(by_level[level])) for level in sorted(by_level, reverse=True))


def _red_flags(ruleset: RuleSet, language: str) -> Groups:
    signs = []
    for question in ruleset.questions:
        for option in question.options:
            if option.red_flag is None or option.red_flag < Level.URGENT:
                continue
            result = evaluate(ruleset, {**mildest(ruleset), question.id: option.value})
            found = [w for w in result.warnings if w.level >= option.red_flag]
            alone = [w for w in found if {q for q, _ in w.because} == {question.id}] or found
            if alone:
                # Listed at the level the rules give it, which may be above its red-flag floor.
                signs += [(w.level, w.rule.title.in_language(language)) for w in alone[:1]]
            else:  # no rule fires on it alone (`rules check` reports that): its own words
                signs.append(
                    (
                        option.red_flag,
                        f"{question.text.in_language(language)} {option.label.in_language(language)}",
                    )
                )
    return _grouped(signs)


def _watch_for(ruleset: RuleSet, language: str) -> Groups:
    rules = [rule for rule in ruleset.rules if rule.level > Level.NONE]
    limits = _limits(ruleset)
    firing = {rule.id: [a for a in _states(ruleset, rule, limits) if rule.when.holds(a)] for rule in rules}
    kept = list(rules)
    # Most specific first (most questions), so a combination gives way to a plainer sign. Only a
    # rule on the same questions or fewer can stand in: its firing then depends on nothing else.
    for rule in sorted(rules, key=lambda r: -len(r.when.questions())):
        others = [
            other
            for other in kept
            if other is not rule
            and other.level >= rule.level
            and other.when.questions() <= rule.when.questions()
        ]
        if firing[rule.id] and all(any(o.when.holds(a) for o in others) for a in firing[rule.id]):
            kept.remove(rule)
    # Check the result once more: every state that sets off a left-out rule sets off a kept one.
    for rule in rules:
        if rule not in kept and not all(
            any(k.when.holds(a) and k.level >= rule.level for k in kept) for a in firing[rule.id]
        ):
            kept.append(rule)
    kept.sort(key=rules.index)
    return _grouped([(rule.level, rule.title.in_language(language)) for rule in kept])


def _limits(ruleset: RuleSet) -> dict[str, set[int]]:
    """Return, per number question, the values either side of every limit a rule compares with."""
    limits: dict[str, set[int]] = {}
    for rule in ruleset.rules:
        for part in _parts(rule.when):
            if isinstance(part, conditions.Compare):
                limits.setdefault(part.question, set()).update((part.limit - 1, part.limit, part.limit + 1))
    return limits


def _states(ruleset: RuleSet, rule: Rule, limits: dict[str, set[int]]) -> Iterator[Answers]:
    """Yield every combination of answers to the rule's own questions (numbers: not known, and
    either side of every limit), with every other question at its mildest answer."""
    base = mildest(ruleset)
    ids = sorted(rule.when.questions())
    choices: list[list[Answer]] = []
    for question_id in ids:
        question = ruleset.question(question_id)
        if question.number:
            low = question.minimum if question.minimum is not None else 0
            high = question.maximum if question.maximum is not None else 10**6
            choices.append([None, *sorted(n for n in limits.get(question_id, {low}) if low <= n <= high)])
        else:
            choices.append([*question.values])
    for combination in itertools.product(*choices):
        yield {**base, **dict(zip(ids, combination, strict=True))}


def _parts(condition) -> Iterator[object]:
    yield condition
    for child in getattr(condition, "parts", ()):
        yield from _parts(child)
    if isinstance(condition, conditions.Not):
        yield from _parts(condition.part)
