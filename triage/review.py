"""The rule set as a clinician reads it, and what changes between two versions of the file.

Pure Python (no Flask): used by the /rules review sheet, `rules show` and `rules diff`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, fields

from . import cases as case_runner
from . import conditions
from .model import Level, Question, Review, Rule, RuleSet

# ---------------------------------------------------------------- rules as sentences


def condition_text(condition: conditions.Condition, ruleset: RuleSet, language: str = "en") -> str:
    """Say a condition in the clinic's words, with each answer as the patient sees it."""
    return condition.text(ruleset.questions_by_id, language)


def rule_sentence(rule: Rule, ruleset: RuleSet, language: str = "en", arrow: str = "->") -> str:
    """Return one rule as a sentence: 'If fever is "Yes" and ... -> URGENT, <category>.'"""
    category = ruleset.categories[rule.category].title.in_language(language)
    return f"If {condition_text(rule.when, ruleset, language)} {arrow} {rule.level.id.upper()}, {category}."


@dataclass(frozen=True)
class Group:
    category: str
    title: str
    rules: tuple[Rule, ...]


def grouped_rules(ruleset: RuleSet, language: str = "en") -> list[Group]:
    """Return the rules grouped by category (the file's order), most urgent first in each."""
    groups = []
    for category_id, category in ruleset.categories.items():
        members = sorted(
            (r for r in ruleset.rules if r.category == category_id), key=lambda rule: -rule.level
        )
        groups.append(Group(category_id, category.title.in_language(language), tuple(members)))
    return groups


@dataclass(frozen=True)
class ReviewStatus:
    """The rule file's review records, said once: the common one, and the rules that differ."""

    common: Review | None  # the Review most rules share
    common_count: int
    total: int
    exceptions: tuple[Rule, ...]  # rules with another review record
    unreviewed: tuple[Rule, ...]
    draft: bool  # a record says draft/awaiting, or a rule has none: not signed off


def review_status(ruleset: RuleSet) -> ReviewStatus:
    """Return the review records of the rule set, grouped so the sheet says each only once."""
    reviewed = [rule for rule in ruleset.rules if rule.review]
    counts: dict[Review, int] = {}
    for rule in reviewed:
        if rule.review:
            counts[rule.review] = counts.get(rule.review, 0) + 1
    common = max(counts, key=counts.__getitem__) if counts else None
    draft = any(word in review.by.lower() for review in counts for word in ("draft", "awaiting"))
    unreviewed = tuple(rule for rule in ruleset.rules if not rule.review)
    return ReviewStatus(
        common,
        counts[common] if common else 0,
        len(ruleset.rules),
        tuple(rule for rule in reviewed if rule.review != common),
        unreviewed,
        draft or bool(unreviewed),
    )


def sheet_text(ruleset: RuleSet, language: str = "en", width: int = 78) -> str:
    """Return the review sheet as plain text (`flask rules show`)."""
    import textwrap

    def wrapped(text: str, first: str = "    ", rest: str = "    ") -> str:
        return textwrap.fill(
            text, width=width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
        )

    counts = ", ".join(
        f"{sum(r.level == level for r in ruleset.rules)} {level.id}" for level in sorted(Level, reverse=True)
    )
    status = review_status(ruleset)
    lines = [
        f"Pump Check rule set, version {ruleset.version} (digest {ruleset.digest})",
        f"{len(ruleset.rules)} rules ({counts}), {len(ruleset.questions)} questions",
        f"File: {ruleset.file}",
        "",
    ]
    if status.draft:
        lines.append("DRAFT: not signed off for clinical use (sign-off is at the end).")
    if status.common:
        lines += [
            wrapped(
                f"Review record of {status.common_count} of {status.total} rules: "
                f"{status.common.by}, {status.common.on}; next due "
                f"{status.common.next_due}. Rules with another record say so.",
                "",
                "",
            ),
            "",
        ]
    for group in grouped_rules(ruleset, language):
        lines += [f"== {group.title} ({group.category}): {len(group.rules)} rules", ""]
        for rule in group.rules:
            lines.append(f"  [{rule.level.id.upper()}] {rule.id}: {rule.title.in_language(language)}")
            lines.append(wrapped(rule_sentence(rule, ruleset, language)))
            lines.append(wrapped(rule.advice.in_language(language), "    Advice: ", " " * 12))
            lines.append(wrapped(rule.source, "    Source: ", " " * 12))
            if rule.review and rule.review != status.common:
                lines.append(
                    f"    Review record: {rule.review.by}, {rule.review.on}; next due {rule.review.next_due}"
                )
            elif not rule.review:
                lines.append("    Review record: none")
            lines.append("")
    lines += [
        "Reviewed and approved for clinical use:",
        "",
        "  Reviewer's name: ______________________________",
        "  Signature:       ______________________________",
        "  Date:            ______________________________",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- diff of two rule files


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
        if f.name not in ("options", "id") and getattr(old, f.name) != getattr(new, f.name)
    ]
    old_options = {o.value: o for o in old.options}
    new_options = {o.value: o for o in new.options}
    changes += [f"option '{v}' added" for v in new_options if v not in old_options]
    changes += [f"option '{v}' removed" for v in old_options if v not in new_options]
    for value in (v for v in new_options if v in old_options):
        for name in ("label", "hint", "red_flag", "ask"):
            if getattr(old_options[value], name) != getattr(new_options[value], name):
                changes.append(f"option '{value}' {name.replace('_', ' ')} changed")
    if [v for v in old.values if v in new_options] != [v for v in new.values if v in old_options]:
        changes.append("options reordered")
    return tuple(changes)


def _outcome_text(ruleset: RuleSet, case: case_runner.Case) -> str:
    outcome = case_runner.run_case(ruleset, case)
    if outcome.error:
        return f"cannot run: {outcome.error}"
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
            other.append(f"level '{level.id}' wording changed")
    for category in sorted(set(old.categories) | set(new.categories)):
        if old.categories.get(category) != new.categories.get(category):
            other.append(f"category '{category}' added, removed or renamed")
    if [q for q in old_q if q in new_q] != [q for q in new_q if q in old_q]:
        other.append("the questions are asked in a different order")
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
        if "level" in names:
            changed.append(f"      level: {before.level.id.upper()} -> {after.level.id.upper()}")
        if "when" in names:
            changed.append(f"      old: {rule_sentence(before, old, language)}")
            changed.append(f"      new: {rule_sentence(after, new, language)}")
    section("Rules changed", changed, len(result.rules_changed))
    section("Questions added", [f"  + {q}" for q in result.questions_added])
    section("Questions removed", [f"  - {q}" for q in result.questions_removed])
    section("Questions changed", [f"  ~ {q}: {'; '.join(what)}" for q, what in result.questions_changed])
    section("Other changes", [f"  * {text}" for text in result.other_changes])
    effect = [
        f"  {c.case.name} ({c.case.file}:{c.case.line})\n      {c.old} -> {c.new}"
        for c in result.case_changes
    ]
    lines.append(
        f"Example cases run under both files: {result.cases_run}; "
        f"{len(result.case_changes)} change level or categories."
    )
    section("Cases whose result changes", effect)
    return "\n".join(lines).rstrip() + "\n"
