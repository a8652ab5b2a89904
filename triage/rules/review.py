"""The rule set as a clinician reads it (what changes between two files is in rules_diff.py).

Pure Python (no Flask): used by the /rules review sheet, `rules show` and `rules diff`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import conditions
from ..engine.model import Level, Review, Rule, RuleSet
from . import review_digest

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
    digests = review_digest.current_digests(ruleset)
    changed = {item.rule.id: item for item in review_digest.changed_since_review(ruleset, digests)}
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
    if changed:
        lines += [wrapped(f"CHANGED SINCE ITS REVIEW ({len(changed)}): {', '.join(changed)}.", "", ""), ""]
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
            if rule.id in changed:
                lines.append(wrapped(changed[rule.id].sentence(ruleset), "    CHANGED: ", " " * 13))
            else:
                lines.append(f"    Content digest {digests.get(rule.id, '')}, as reviewed.")
            lines.append("")
    lines += [
        "Reviewed and approved for clinical use:",
        "",
        "  Reviewer's name: ______________________________",
        "  Signature:       ______________________________",
        "  Date:            ______________________________",
    ]
    return "\n".join(lines)
