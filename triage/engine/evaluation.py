"""Turn a patient's answers into a result: the level, and every warning with its reasons."""

from __future__ import annotations

from collections.abc import Mapping

from .model import Answer, FiredWarning, Level, Result, RuleSet

ECHO = 80  # characters of a client's own key or value repeated in a message (as web/errors.py)


class AnswerProblems(ValueError):
    """Some answers are not allowed; `problems` holds (question id, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


def check_answers(ruleset: RuleSet, answers: Mapping[str, object]) -> dict[str, Answer]:
    """Return complete, checked answers; a left-out choice means its first (mildest) option."""
    problems = []
    for field in answers:
        if not isinstance(field, str) or field not in ruleset.questions_by_id:
            known = ", ".join(q.id for q in ruleset.questions)
            name = str(field) if len(str(field)) <= ECHO else str(field)[:ECHO] + "..."
            problems.append((str(field), f"there is no question '{name}'; the questions are: {known}"))
    checked: dict[str, Answer] = {}
    for question in ruleset.questions:
        value = answers.get(question.id)
        if question.number:
            low, high = question.minimum, question.maximum
            allowed = f"a whole number from {low} to {high}, or null if not known"
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                problems.append((question.id, f"must be {allowed}"))
            elif value is not None and not (
                (low is None or value >= low) and (high is None or value <= high)
            ):
                digits = str(abs(value))  # never repeat a client's huge number whole
                shown = value if len(digits) <= 20 else f"a {len(digits)}-digit number"
                problems.append((question.id, f"{shown} is out of range; must be {allowed}"))
            else:
                checked[question.id] = value
        elif question.id not in answers:
            checked[question.id] = question.options[0].value
        elif value not in question.values:
            shown = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
            problems.append(
                (
                    question.id,
                    f"{shown[:ECHO]} is not an allowed answer; use one of: {', '.join(question.values)}",
                )
            )
        else:
            checked[question.id] = value
    if problems:
        raise AnswerProblems(problems)
    return checked


def evaluate(ruleset: RuleSet, answers: Mapping[str, object]) -> Result:
    """Apply every rule; the result's level is the most urgent level of any matching rule."""
    answers = check_answers(ruleset, answers)
    order = ruleset.question_order
    warnings = []
    for rule in ruleset.rules:
        if rule.when.holds(answers):
            because = sorted(rule.when.because(answers), key=order.__getitem__)
            warnings.append(FiredWarning(rule, tuple((q, answers[q]) for q in because)))
    # Most urgent first; within a level, the file's order (sort is stable).
    warnings.sort(key=lambda warning: -warning.level)
    level = warnings[0].level if warnings else Level.NONE
    return Result(
        level=level,
        warnings=tuple(warnings),
        answers=answers,
        rules_version=ruleset.version,
        rules_digest=ruleset.digest,
    )
