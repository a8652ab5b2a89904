"""The patient's steps and the bands of a number question, checked and built at load time.

Steps (`steps:` in rules.yaml) group the questions into short pages, in order. The rules for a
valid list of steps:

- every question is in exactly one step (a question in no step, or in two, is refused);
- a step names only questions the file has ("did you mean ...?" where one is close);
- every question with an answer marked `red_flag: emergency` comes before every question
  without one, so the signs of an emergency are always asked first and the check can stop as
  soon as they are met. They may fill several short steps; the last of those may go on with
  other questions.

A file without `steps:` gets two: the emergency questions, then all the others.

Bands: a patient seldom knows the exact number of days since surgery, but the rules only ask
whether it is above or below a few limits. Between two neighbouring limits every rule decides
every number alike, so the number can be asked as a choice between those ranges ("31 to 90 days")
with nothing lost. The bands are computed here from the rules' own limits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..engine import conditions
from ..engine.model import Band, Level, Question, Rule, Step
from . import yamlfile
from .spelling import did_you_mean


def emergency_questions(questions: Sequence[Question]) -> list[str]:
    """Return the ids of the questions with an answer marked `red_flag: emergency`."""
    return [q.id for q in questions if any(o.red_flag == Level.EMERGENCY for o in q.options)]


def default_steps(questions: Sequence[Question]) -> tuple[Step, ...]:
    """Return the steps of a file that declares none: the emergency signs, then the rest."""
    first = emergency_questions(questions)
    rest = tuple(q.id for q in questions if q.id not in first)
    steps = [Step("emergency_signs", None, tuple(first))] if first else []
    if rest:
        steps.append(Step("symptoms", None, rest))
    return tuple(steps)


def build(builder, items, questions: Sequence[Question], unchecked: set[str]) -> tuple[Step, ...]:
    """Check the file's `steps:` with the loader's `builder` and return them (or the default)."""
    if items is None:
        return default_steps(questions)
    if not builder.clean(("steps",)) and not isinstance(items, list):
        return ()
    known = {q.id: q for q in questions}
    steps: list[Step] = []
    seen: dict[str, tuple[str, tuple]] = {}
    for i, item in enumerate(items):
        path = ("steps", i)
        if not builder.clean(path):
            continue
        for j, question_id in enumerate(item["questions"]):
            where = path + ("questions", j)
            if question_id in seen:
                first_step, first_path = seen[question_id]
                builder.problem(
                    where,
                    f"step '{item['id']}': question '{question_id}' is already in "
                    f"step '{first_step}' (line "
                    f"{yamlfile.line_of(builder.lines, first_path)}); put each "
                    "question in exactly one step",
                )
            elif question_id not in known and question_id not in unchecked:
                builder.problem(
                    where,
                    f"step '{item['id']}': there is no question '{question_id}'"
                    + did_you_mean(question_id, known)
                    + f"; the questions are: {', '.join(known)}",
                )
            seen.setdefault(question_id, (item["id"], where))
        steps.append(
            Step(item["id"], builder.text(item["title"], path + ("title",)), tuple(item["questions"]))
        )
    builder.unique(
        [
            (item["id"], ("steps", i, "id"))
            for i, item in enumerate(items)
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ],
        "step id",
    )
    if len(steps) != len(items):
        return ()  # a broken step is reported already; the checks below need them all
    for question in questions:
        if question.id not in seen:
            builder.problem(
                ("steps",),
                f"question '{question.id}' is in no step; add it to one "
                f"of the steps ({', '.join(s.id for s in steps)}): every "
                "question must be in exactly one step",
            )
    order = [(question_id, step.id) for step in steps for question_id in step.questions]
    emergency = set(emergency_questions(questions))
    for index, (question_id, step_id) in enumerate(order):
        earlier = next(((q, s) for q, s in order[:index] if q not in emergency and q in known), None)
        if question_id in emergency and earlier:
            builder.problem(
                seen[question_id][1],
                f"step '{step_id}': question '{question_id}' has "
                "an answer marked red_flag: emergency, so it must come before every "
                f"question without one ('{earlier[0]}' in step '{earlier[1]}' comes "
                "first): the signs of an emergency are asked first",
            )
    return tuple(steps)


# ------------------------------------------------------------------ bands of a number question


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
