"""Review dates: warn about rules whose clinical review is missing or overdue."""

from __future__ import annotations

import datetime

from .model import Rule, RuleSet


def rule_where(rule: Rule, ruleset: RuleSet) -> str:
    """Return where a rule is written: "file:line", or "line N" for a rule set built in code."""
    return f"{ruleset.file}:{rule.line}" if ruleset.file else f"line {rule.line}"


def review_warnings(ruleset: RuleSet, today: datetime.date) -> list[str]:
    """Return a warning for each rule whose review is missing or overdue on `today`."""
    warnings = []
    for rule in ruleset.rules:
        where = rule_where(rule, ruleset)
        if rule.review is None:
            warnings.append(f"rule '{rule.id}' ({where}) has no review: add review: {{by, on, next_due}}")
            continue
        due = datetime.date.fromisoformat(rule.review.next_due)
        if due < today:
            warnings.append(
                f"rule '{rule.id}' ({where}) was due for review on {rule.review.next_due} "
                f"(last reviewed {rule.review.on} by {rule.review.by})"
            )
    return warnings
