"""Questions the rule file no longer asks, as API clients may still send them.

A reworked question gets a new id; the old one is listed under `retired:` in the rule file with
each of its answers as answers to today's questions, so that a client written for the old
question gets the advice it always meant (README "API compatibility").
"""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.model import RuleSet


def translate(ruleset: RuleSet, answers: Mapping[str, object]) -> tuple[dict, list[tuple[str, str]]]:
    """Return the answers with each retired question replaced by today's, and any problems."""
    today = {key: value for key, value in answers.items() if key not in ruleset.retired}
    problems: list[tuple[str, str]] = []
    for old, meanings in ruleset.retired.items():
        if old not in answers:
            continue
        value = answers[old]
        if not isinstance(value, str) or value not in meanings:
            shown = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
            problems.append(
                (old, f"{shown[:80]} is not an allowed answer; use one of: {', '.join(meanings)}")
            )
            continue
        for question_id, answer in meanings[value].items():
            if question_id in today and today[question_id] != answer:
                problems.append(
                    (
                        old,
                        f"'{old}' is retired and its answer '{value}' means {question_id}: {answer}, "
                        f"but {question_id} was also sent as {today[question_id]!r}; send {question_id} only",
                    )
                )
            else:
                today[question_id] = answer
    return today, problems
