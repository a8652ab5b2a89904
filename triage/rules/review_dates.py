"""Review dates: warn about rules whose clinical review is missing or overdue."""

from __future__ import annotations

import datetime

from ..engine.model import RuleSet


def review_warnings(ruleset: RuleSet, today: datetime.date) -> list[str]:
    """Return a warning for each rule whose review is missing or overdue on `today`."""
    warnings = []
    for rule in ruleset.rules:
        where = ruleset.where(rule)
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
