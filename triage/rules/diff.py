"""`flask rules diff OLD NEW`: what a change to the rule file does, for the medical director who
signs it: rules and questions added, removed and changed, with the old and new words in every
language, each level or red-flag change as "urgent → soon", and every example case whose result
changes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields

from ..engine.model import Level, Option, Question, Rule, RuleSet
from . import cases as case_runner
from .diff_pages import page_changes
from .diff_words import ARROW, INDENT, _languages, _wrapped, worded
from .review import rule_sentence


def level_name(level: Level | None) -> str:
    """Return a level's id, or "none" where an answer has no red flag."""
    return level.id if level is not None else "none"


def rule_words(before: Rule, after: Rule, old: RuleSet, new: RuleSet) -> list[str]:
    """Return the lines under a changed rule: level, category, title, advice and source."""
    languages = _languages(old, new)
    lines = []
    if before.level != after.level:
        lines.append(f"{INDENT}level: {before.level.id} {ARROW} {after.level.id}")
    if before.category != after.category:
        lines.append(f"{INDENT}category: {before.category} {ARROW} {after.category}")
    lines += worded("title", before.title, after.title, languages)
    lines += worded("advice", before.advice, after.advice, languages)
    if before.source != after.source:
        lines += _wrapped("source old: ", before.source) + _wrapped("source new: ", after.source)
    return lines


def _option_words(question: Question, option: Option, languages) -> Iterator[str]:
    flag = f"  (red flag: {level_name(option.red_flag)})" if option.red_flag is not None else ""
    for language in languages:
        yield f"{INDENT}option '{option.value}' [{language}]: {option.label.get(language, '(none)')}{flag}"


def question_words(before: Question, after: Question, old: RuleSet, new: RuleSet) -> list[str]:
    """Return the lines under a changed question: its wording and each option's label, hint,
    nurse wording and red flag, old and new."""
    languages = _languages(old, new)
    lines = []
    for name in ("text", "caregiver_text", "hint", "caregiver_hint", "ask", "unit"):
        lines += worded(name.replace("_", " "), getattr(before, name), getattr(after, name), languages)
    old_options = {o.value: o for o in before.options}
    for option in after.options:
        previous = old_options.get(option.value)
        if previous is None:
            lines += [
                line.replace("option", "+ option", 1) for line in _option_words(after, option, languages)
            ]
            continue
        if previous.red_flag != option.red_flag:
            lines.append(
                f"{INDENT}option '{option.value}' red flag: "
                f"{level_name(previous.red_flag)} {ARROW} {level_name(option.red_flag)}"
            )
        for name in ("label", "caregiver_label", "hint", "ask"):
            what = f"option '{option.value}' {name.replace('_', ' ')}"
            lines += worded(what, getattr(previous, name), getattr(option, name), languages)
    new_values = set(after.values)
    for option in before.options:
        if option.value not in new_values:
            lines += [
                line.replace("option", "- option", 1) for line in _option_words(before, option, languages)
            ]
    return lines


def new_question_words(question: Question, ruleset: RuleSet) -> list[str]:
    """Return a new question's wording and its options with their red flags."""
    lines = []
    for language in ruleset.languages:
        lines += _wrapped(f"text [{language}]: ", question.text.get(language, "(none)"))
    for option in question.options:
        lines += list(_option_words(question, option, ruleset.languages))
    return lines


def category_words(category: str, old: RuleSet, new: RuleSet) -> list[str]:
    """Return a category's change: added, removed, or its names old and new."""
    before, after = old.categories.get(category), new.categories.get(category)
    languages = _languages(old, new)
    if after is None:
        return [f"category '{category}' removed"]
    if before is None:
        names = "; ".join(f"[{language}] {after.title.get(language, '(none)')}" for language in languages)
        return [f"category '{category}' added: {names}"]
    return [f"category '{category}' renamed", *worded("name", before.title, after.title, languages)]


def level_words(level: Level, old: RuleSet, new: RuleSet) -> list[str]:
    """Return a level's changed heading, action, nurse action and call line, old and new."""
    before, after = old.levels.get(level), new.levels.get(level)
    languages = _languages(old, new)
    lines = [f"level '{level.id}' wording changed"]
    for name in ("heading", "action", "nurse_action", "say"):
        lines += worded(name, getattr(before, name, None), getattr(after, name, None), languages)
    return lines


@dataclass(frozen=True)
class CaseChange:
    case: case_runner.Case
    old: str  # "URGENT [site_infection]" or the reason the case cannot run
    new: str


@dataclass(frozen=True)
class Diff:
    old: RuleSet
    new: RuleSet
    rules_added: tuple[Rule, ...]
    rules_removed: tuple[Rule, ...]
    rules_changed: tuple[tuple[Rule, Rule, tuple[str, ...]], ...]  # (old, new, fields)
    questions_added: tuple[str, ...]
    questions_removed: tuple[str, ...]
    questions_changed: tuple[tuple[str, tuple[str, ...]], ...]  # (id, what changed)
    other_changes: tuple[str, ...]
    case_changes: tuple[CaseChange, ...]
    cases_run: int

    @property
    def empty(self) -> bool:
        return not (
            self.rules_added
            or self.rules_removed
            or self.rules_changed
            or self.questions_added
            or self.questions_removed
            or self.questions_changed
            or self.other_changes
            or self.case_changes
        )


_RULE_FIELDS = ("category", "level", "when", "title", "advice", "source", "review")


def _rule_fields_changed(old: Rule, new: Rule) -> tuple[str, ...]:
    return tuple(name for name in _RULE_FIELDS if getattr(old, name) != getattr(new, name))


def _question_changes(old: Question, new: Question) -> tuple[str, ...]:
    changes = [
        f"{f.name} changed"
        for f in fields(Question)
        if f.name not in ("options", "id", "line") and getattr(old, f.name) != getattr(new, f.name)
    ]
    old_options = {o.value: o for o in old.options}
    new_options = {o.value: o for o in new.options}
    changes += [f"option '{v}' added" for v in new_options if v not in old_options]
    changes += [f"option '{v}' removed" for v in old_options if v not in new_options]
    for value in (v for v in new_options if v in old_options):
        for name in ("label", "caregiver_label", "hint", "red_flag", "ask"):
            if getattr(old_options[value], name) != getattr(new_options[value], name):
                changes.append(f"option '{value}' {name.replace('_', ' ')} changed")
    if [v for v in old.values if v in new_options] != [v for v in new.values if v in old_options]:
        changes.append("options reordered")
    return tuple(changes)


def _outcome_text(ruleset: RuleSet, case: case_runner.Case) -> str:
    outcome = case_runner.run_case(ruleset, case)
    if outcome.error:
        return f"cannot run: {outcome.error.split('; the questions are:')[0]}"
    return f"{(outcome.level or '').upper()} [{', '.join(sorted(outcome.categories))}]"


def diff(old: RuleSet, new: RuleSet, example_cases: Iterable[case_runner.Case] = ()) -> Diff:
    """Compare two rule sets, and run every example case under both."""
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    changed = tuple(
        (old_rules[i], r, _rule_fields_changed(old_rules[i], r))
        for i, r in new_rules.items()
        if i in old_rules and _rule_fields_changed(old_rules[i], r)
    )
    old_q, new_q = old.questions_by_id, new.questions_by_id
    other = []
    for level in sorted(Level, reverse=True):
        if old.levels.get(level) != new.levels.get(level):
            other += level_words(level, old, new)
    for category in sorted(set(old.categories) | set(new.categories)):
        if old.categories.get(category) != new.categories.get(category):
            other += category_words(category, old, new)
    if [q for q in old_q if q in new_q] != [q for q in new_q if q in old_q]:
        other.append("the questions are asked in a different order")
    other += page_changes(old, new)
    case_changes, count = [], 0
    for case in example_cases:
        count += 1
        before, after = _outcome_text(old, case), _outcome_text(new, case)
        if before != after:
            case_changes.append(CaseChange(case, before, after))
    result = Diff(
        old=old,
        new=new,
        rules_added=tuple(r for i, r in new_rules.items() if i not in old_rules),
        rules_removed=tuple(r for i, r in old_rules.items() if i not in new_rules),
        rules_changed=changed,
        questions_added=tuple(q for q in new_q if q not in old_q),
        questions_removed=tuple(q for q in old_q if q not in new_q),
        questions_changed=tuple(
            (q, _question_changes(old_q[q], new_q[q]))
            for q in new_q
            if q in old_q and _question_changes(old_q[q], new_q[q])
        ),
        other_changes=tuple(other),
        case_changes=tuple(case_changes),
        cases_run=count,
    )
    if not result.empty and old.version == new.version:
        warning = f"the version is still {new.version}: change it so every result shows which rules gave it"
        result = dataclasses.replace(result, other_changes=result.other_changes + (warning,))
    return result


def diff_text(result: Diff, language: str = "en") -> str:
    """Return the diff as plain text for `flask rules diff`."""
    old, new = result.old, result.new
    lines = [
        f"Old: {old.file}  version {old.version} ({old.digest})",
        f"New: {new.file}  version {new.version} ({new.digest})",
        "",
    ]
    if result.empty:
        return "\n".join(lines + ["No differences in rules, questions or example-case results."])

    def section(title: str, items: list[str], count: int | None = None) -> None:
        if items:
            lines.extend([f"{title} ({len(items) if count is None else count}):", *items, ""])

    section(
        "Rules added",
        [f"  + {r.id} [{r.level.id.upper()}]: {rule_sentence(r, new, language)}" for r in result.rules_added],
    )
    section(
        "Rules removed",
        [
            f"  - {r.id} [{r.level.id.upper()}]: {rule_sentence(r, old, language)}"
            for r in result.rules_removed
        ],
    )
    changed = []
    for before, after, names in result.rules_changed:
        changed.append(f"  ~ {after.id}: {', '.join(names)} changed")
        changed += rule_words(before, after, old, new)
        if "when" in names:
            changed.append(f"      old: {rule_sentence(before, old, language)}")
            changed.append(f"      new: {rule_sentence(after, new, language)}")
    section("Rules changed", changed, len(result.rules_changed))
    section(
        "Questions added",
        [
            line
            for q in result.questions_added
            for line in [f"  + {q}", *new_question_words(new.question(q), new)]
        ],
        len(result.questions_added),
    )
    section("Questions removed", [f"  - {q}" for q in result.questions_removed])
    section(
        "Questions changed",
        [
            line
            for q, what in result.questions_changed
            for line in [
                f"  ~ {q}: {'; '.join(what)}",
                *question_words(old.question(q), new.question(q), old, new),
            ]
        ],
        len(result.questions_changed),
    )
    section(
        "Other changes",
        [f"  * {text}" if not text.startswith(" ") else text for text in result.other_changes],
        sum(not text.startswith(" ") for text in result.other_changes),
    )
    effect = [
        f"  {c.case.name} ({c.case.file}:{c.case.line})\n      {c.old} {ARROW} {c.new}"
        for c in result.case_changes
    ]
    lines.append(
        f"Example cases run under both files: {result.cases_run}; "
        f"{len(result.case_changes)} change level or categories."
    )
    section("Cases whose result changes", effect)
    return "\n".join(lines).rstrip() + "\n"
