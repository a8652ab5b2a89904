"""Review dates: read a rule's review, and warn about rules whose clinical review is missing or
overdue."""

from __future__ import annotations

import datetime

from ..engine.model import Review, RuleSet


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


def read_review(builder, review, path, rule_id: str) -> Review | None:
    """Return a rule's review, each date checked to be real and in order (problems go to the builder)."""
    if review is None or not builder.clean(path):
        return None
    dates = {}
    for key in ("on", "next_due"):
        try:
            dates[key] = datetime.date.fromisoformat(review[key])
        except ValueError:
            builder.problem(
                path + (key,),
                f"rule '{rule_id}': review {key} {review[key]!r} is not a real date (YYYY-MM-DD)",
            )
    if len(dates) == 2 and dates["next_due"] < dates["on"]:
        builder.problem(
            path + ("next_due",),
            f"rule '{rule_id}': the next review "
            f"({review['next_due']}) is before the last one ({review['on']})",
        )
    return Review(review["by"], review["on"], review["next_due"], review.get("digest", ""))
