"""The clinic's own small checks of a rule file's values: placeholders in wording, a consistent
order of seriousness among a question's options, and ids the web form keeps for itself.
"""

from __future__ import annotations

import string

from ..engine.model import Question
from .spelling import did_you_mean

PLACEHOLDERS = (
    "after_hours_phone",
    "call_back_minutes",
    "care_team",
    "care_team_phone",
    "emergency_number",
    "emergency_room",
)
# Question ids the web form needs for itself (a question may not take their place).
RESERVED_IDS = frozenset(
    {
        "csrf_token",
        "data",
        "errors",
        "form_errors",
        "hidden_tag",
        "is_submitted",
        "meta",
        "populate_obj",
        "post_process",
        "process",
        "validate",
        "validate_on_submit",
    }
)


def placeholder_problems(words: str) -> list[str]:
    """Return what is wrong with the placeholders in one wording, e.g. "{care_tem}"."""
    if "{" not in words and "}" not in words:
        return []
    try:
        parsed = list(string.Formatter().parse(words))
    except ValueError:
        return [
            "a '{' without its '}' (or a '}' without its '{'); write placeholders like "
            "{care_team}, and write {{ or }} to show a brace itself"
        ]
    problems = []
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            problems.append(
                f"'{{{name}}}' is not a known placeholder"
                + did_you_mean(name, PLACEHOLDERS, lambda n: f"'{{{n}}}'")
                + f"; use one of {known}"
            )
        elif spec or conversion:
            problems.append(f"write it as {{{name}}}, with nothing else inside the braces")
    return problems


def order_problems(question: Question, pairs: list) -> list[tuple[int, str]]:
    """Check that `not_comparable` pairs leave a consistent order of seriousness.

    The order is `Question.more_serious_pairs` (the one the safety proofs use). If a < b and
    b < c, then a < c must hold too, so (a, c) cannot be declared not comparable unless (a, b)
    or (b, c) is.
    """
    problems = []
    values, above = question.values, question.more_serious_pairs
    for i, pair in enumerate(pairs):
        if len(set(pair)) < 2:
            problems.append(
                (
                    i,
                    f"question '{question.id}': a not_comparable pair needs two "
                    f"different options, not {pair[0]!r} twice",
                )
            )
            continue
        if not all(value in values for value in pair):
            continue
        low, high = sorted(pair, key=values.index)
        between = [
            v
            for v in values[values.index(low) + 1 : values.index(high)]
            if (low, v) in above and (v, high) in above
        ]
        if between:
            middle = between[0]
            problems.append(
                (
                    i,
                    f"question '{question.id}': '{low}' and '{high}' cannot be not "
                    f"comparable, because '{middle}' is listed between them and is "
                    f"comparable with both (so '{low}' < '{middle}' < '{high}'); "
                    f"also declare [{low}, {middle}] or [{middle}, {high}] not "
                    "comparable, or reorder the options",
                )
            )
    return problems
