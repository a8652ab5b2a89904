"""The bands of a number question, computed at load time from the rules' own limits.

A patient seldom knows the exact number of days since surgery, but the rules only ask
whether it is above or below a few limits. Between two neighbouring limits every rule decides
every number alike, so the number can be asked as a choice between those ranges ("31 to 90 days")
with nothing lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..engine import conditions
from ..engine.model import Band, Question, Rule


def _comparisons(condition) -> Iterator[conditions.Compare]:
    if isinstance(condition, (conditions.AllOf, conditions.AnyOf)):
        for part in condition.parts:
            yield from _comparisons(part)
    elif isinstance(condition, conditions.Not):
        yield from _comparisons(condition.part)
    elif isinstance(condition, conditions.Compare):
        yield condition


# Where each comparison splits the whole numbers: the first number of the upper part.
_CUT = {"above": 1, "at_most": 1, "at_least": 0, "below": 0}


def bands(question: Question, rules: Sequence[Rule]) -> tuple[Band, ...]:
    """Return the ranges of a number question within which every rule decides alike.

    Empty when no rule compares the number (then there is nothing to choose between).
    """
    low, high = question.minimum, question.maximum
    cuts = sorted(
        {
            c.limit + _CUT[c.comparison]
            for rule in rules
            for c in _comparisons(rule.when)
            if c.question == question.id
        }
    )
    cuts = [cut for cut in cuts if (low is None or cut > low) and (high is None or cut <= high)]
    if not cuts:
        return ()
    starts = [low, *cuts]
    ends = [cut - 1 for cut in cuts] + [high]
    return tuple(Band(start, end) for start, end in zip(starts, ends, strict=True))


def all_bands(questions: Sequence[Question], rules: Sequence[Rule]) -> dict[str, tuple[Band, ...]]:
    """Return the bands of every number question that some rule compares with a limit."""
    found = {q.id: bands(q, rules) for q in questions if q.number}
    return {question_id: found_bands for question_id, found_bands in found.items() if found_bands}
