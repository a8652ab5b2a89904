"""What a person has given on the check's pages, and the answers the engine reads from it.

Pure Python (no Flask): the pages, the flow and the tests share it. A person gives three kinds of
thing, page by page:

- `asked`: the answers to questions asked on a page (a step's own questions, and those a ticked
  sign opened), as the form sent them (a choice's value, a band such as "0-30", "unknown");
- `ticked`: for each area answered, the signs ticked (none: "None of these");
- `done`: the steps answered in full, in the order answered.

`answers()` turns that into the engine's answers: a ticked sign gives what it sets; a sign left
unticked in an area that was answered gives each of its questions the first, mildest answer
(that is what the person said); a question opened by a ticked sign has the answer given on the
details page, or none yet. Questions of pages not reached are left out: the engine counts a
choice left out as its mildest answer, and the result says what was not asked.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..engine import evaluate
from ..engine.model import Answer, Level, RuleSet, Step

UNKNOWN = "unknown"  # "I do not know", for a number asked in bands
WHO_IS_ANSWERING = "answerer"  # the question whose first answer is "I am the person with the pump"


@dataclass
class Given:
    asked: dict[str, str] = field(default_factory=dict)
    ticked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    past: Level = Level.NONE  # the level the person chose to answer past ("the remaining questions")

    def to_json(self) -> dict:
        ticked = {area: list(signs) for area, signs in self.ticked.items()}
        return {"a": self.asked, "t": ticked, "d": self.done, "p": int(self.past)}

    @classmethod
    def from_json(cls, ruleset: RuleSet, data: object) -> Given:
        """Read what a session kept, keeping only what this rule set still understands."""
        if not isinstance(data, dict):
            return cls()
        asked, ticked, done = data.get("a"), data.get("t"), data.get("d")
        asked = asked if isinstance(asked, dict) else {}
        ticked = ticked if isinstance(ticked, dict) else {}
        done = done if isinstance(done, list) else []
        areas = {area.id: area for step in ruleset.steps for area in step.areas}
        steps = {step.id for step in ruleset.steps}
        given = cls(
            asked={q: v for q, v in asked.items() if isinstance(v, str) and valid(ruleset, q, v)},
            ticked={
                a: tuple(s for s in signs if s in {sign.id for sign in areas[a].signs})
                for a, signs in ticked.items()
                if a in areas and isinstance(signs, list) and all(isinstance(s, str) for s in signs)
            },
            done=[s for s in done if isinstance(s, str) and s in steps],
        )
        past = data.get("p")
        given.past = (
            Level(past) if isinstance(past, int) and past in {level.value for level in Level} else Level.NONE
        )
        return given


def for_caregiver(ruleset: RuleSet, given: Given) -> bool:
    """Whether someone is answering for the patient (any answer to "who is answering" but the
    first, "I am the person with the pump"): the pages then say "the person", not "you"."""
    answer = given.asked.get(WHO_IS_ANSWERING)
    question = ruleset.questions_by_id.get(WHO_IS_ANSWERING)
    return bool(answer and question and answer != question.values[0])


def valid(ruleset: RuleSet, question_id: str, value: str) -> bool:
    """Whether `value` is an answer the pages offer for the question (a band, or "unknown")."""
    question = ruleset.questions_by_id.get(question_id)
    if question is None:
        return False
    if question.number and question_id in ruleset.bands:
        return value == UNKNOWN or any(band.value == value for band in ruleset.bands[question_id])
    if question.number:  # typed: a whole number within the question's limits
        return (
            value.isascii()
            and value.isdigit()
            and len(value) <= 12
            and (question.minimum is None or int(value) >= question.minimum)
            and (question.maximum is None or int(value) <= question.maximum)
        )
    return value in question.values


def engine_answer(ruleset: RuleSet, question_id: str, value: str) -> Answer:
    """The engine's answer for a value a page sent: a number in a chosen band, or the choice."""
    if not ruleset.question(question_id).number:
        return value
    if question_id not in ruleset.bands:
        return int(value) if value.isdigit() else None
    band = next((band for band in ruleset.bands[question_id] if band.value == value), None)
    return band.answer if band else None


def opened(step: Step, given: Given) -> list[str]:
    """The questions the step's ticked signs open, in order: its details page asks these."""
    found: list[str] = []
    for area in step.areas:
        ticked = set(given.ticked.get(area.id, ()))
        for sign in area.signs:
            if sign.id in ticked:
                found += [q for q in sign.opens if q not in found]
    return found


def answers(ruleset: RuleSet, given: Given) -> dict[str, Answer]:
    """Return the engine's answers for what was given (see the module's note)."""
    found: dict[str, Answer] = {}
    candidates: dict[str, list[str]] = {}  # question -> answers its ticked signs set
    for step in ruleset.steps:
        for question_id in step.questions:
            if question_id in given.asked:
                found[question_id] = engine_answer(ruleset, question_id, given.asked[question_id])
        for area in step.areas:
            if area.id not in given.ticked:
                continue
            ticked = set(given.ticked[area.id])
            for sign in area.signs:
                for question_id, value in sign.sets:
                    mildest = ruleset.question(question_id).values[0]
                    candidates.setdefault(question_id, [mildest])
                    if sign.id in ticked:
                        candidates[question_id].append(value)
                for question_id in sign.opens:
                    question = ruleset.question(question_id)
                    if sign.id not in ticked:
                        if not question.number:  # a number left out is "not known"
                            found.setdefault(question_id, question.values[0])
                    elif question_id in given.asked:
                        found[question_id] = engine_answer(ruleset, question_id, given.asked[question_id])
    for question_id, values in candidates.items():
        found[question_id] = values[-1] if len(values) <= 2 else values[1]
    for question_id, values in candidates.items():
        if len(values) > 2:  # several signs of one question ticked: the most serious for this person
            found[question_id] = _most_serious(ruleset, found, question_id, values[1:])
    return found


def _most_serious(ruleset: RuleSet, found: Mapping[str, Answer], question_id: str, values: list[str]) -> str:
    """The answer that gives the most urgent result with the rest; on a tie, the one listed last."""
    order = ruleset.question(question_id).values.index
    return max(values, key=lambda v: (evaluate(ruleset, {**found, question_id: v}).level, order(v)))


def said_by_signs(ruleset: RuleSet, given: Given) -> list[tuple[str, str]]:
    """The signs ticked, as (area id, sign id), in the order the pages show them."""
    return [
        (area.id, sign.id)
        for step in ruleset.steps
        for area in step.areas
        for sign in area.signs
        if sign.id in given.ticked.get(area.id, ())
    ]


def could_raise(ruleset: RuleSet, found: Mapping[str, Answer], pending: list[str], level: Level) -> bool:
    """Whether some answers to the `pending` questions would make the result more urgent.

    Every combination is tried while there are few (a details page asks one to four questions);
    beyond that, assume they could.
    """
    choices = [ruleset.question(q).values for q in pending]
    if len(list(itertools.islice(itertools.product(*choices), 257))) > 256:
        return True
    return any(
        evaluate(ruleset, {**found, **dict(zip(pending, combination, strict=True))}).level > level
        for combination in itertools.product(*choices)
    )
