"""The patient's check, one short step at a time, every answer carried in the form itself.

Every page posts all the answers given so far (those of other steps as hidden fields), the
step it shows (`step`) and the button pressed (`go`). Nothing is kept on the server between
pages: each post is checked again in full with the same form, and the answers given so far are
evaluated by the engine on every post, so that:

- answers that already make an emergency end the check at once, with the emergency result and
  how many questions were not answered or not asked;
- answers that already make it urgent are said at the top of every later page, with the number;
- nothing (a missing answer, an answer that cannot be read, Back, the language switch) ever
  shows less than the answers given call for.

A post without `step` is the whole check at once, as from the summary page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import Markup

from .. import engine
from ..engine.model import Level, Result, RuleSet, Step
from ..web.forms import BandField, answer_of, build_step_forms, choice_values
from ..web.fragments import HIDDEN
from ..web.i18n import language

NEXT, BACK, SHOW = "next", "back", "step-"  # SHOW + "3": show step 3 (the summary's Change)


@dataclass(frozen=True)
class Plan:
    """What the check needs from a rule set, worked out once at start-up."""

    ruleset: RuleSet
    forms: tuple[type[FlaskForm], ...]  # forms[k] requires the answers of steps 1 to k
    # The hidden input carrying each answer a choice can have, written once: a page carries
    # every answer given so far, three times (its form, Back, the language switch).
    carried: Mapping[tuple[str, str], Markup] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.ruleset.steps)

    @property
    def summary(self) -> int:
        """The summary page's position, after the last step."""
        return self.count + 1

    def step(self, number: int) -> Step:
        return self.ruleset.steps[number - 1]


def plan(ruleset: RuleSet) -> Plan:
    carried = {
        (question.id, value): HIDDEN.format(question.id, value)
        for question in ruleset.questions
        for value in choice_values(ruleset, question)
    }
    return Plan(ruleset, build_step_forms(ruleset), carried)


@dataclass
class Reading:
    """One post, read and checked: where it came from, what it asks, and every answer."""

    position: int | None  # the page posted from: a step (1..count) or the summary; None: unreadable
    go: str
    form: FlaskForm
    answers: dict  # question id -> the engine's answer, for each question answered validly
    values: list[tuple[str, str]]  # (question id, the form's value) for each valid answer
    unreadable: list[str]  # hidden answers that cannot be read (not from our own pages)
    missing: list[str]  # required questions with no answer
    invalid: list[str]  # questions on the page posted with an answer not among those shown
    result: Result  # the engine's result for the answers given

    def questions_without_answer(self, plan: Plan, steps: range) -> list[str]:
        return [
            question_id
            for number in steps
            for question_id in plan.step(number).questions
            if question_id not in self.answers
        ]


def _position(plan: Plan, text: str | None) -> int | None:
    if text is None:
        return plan.summary
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= plan.summary:
        return int(text)
    return None


def _given(field) -> bool:
    return bool(field.raw_data and str(field.raw_data[0]).strip())


def read(plan: Plan, formdata) -> Reading:
    """Read and check a post; evaluate the answers that can be read."""
    position = _position(plan, formdata.get("step"))
    go = formdata.get("go") or NEXT
    done = min(position or 0, plan.count) if go == NEXT else 0
    form = plan.forms[done]()
    form.validate()
    shown = set(plan.step(position).questions) if position and position <= plan.count else set()
    answers, values, unreadable, missing, invalid = {}, [], [], [], []
    for question in plan.ruleset.questions:
        field = form[question.id]
        if field.errors:
            if not _given(field):
                missing.append(question.id)
            elif question.id in shown and go == NEXT:
                invalid.append(question.id)
            else:
                unreadable.append(question.id)
        elif field.data is not None:
            answers[question.id] = answer_of(field)
            values.append((question.id, str(field.data)))
    result = engine.evaluate(plan.ruleset, answers)
    return Reading(position, go, form, answers, values, unreadable, missing, invalid, result)


@dataclass(frozen=True)
class Page:
    """What to show for a post: a step, the summary, the result, or "cannot be read"."""

    kind: str  # "step", "summary", "result" or "unreadable"
    number: int = 0  # the step shown
    errors: bool = False  # show the missing answers of the step shown


def decide(plan: Plan, reading: Reading) -> Page:
    """Return the page a post leads to; never one that shows less than the answers call for."""
    if reading.position is None or reading.unreadable:
        return Page("unreadable")
    if reading.result.level == Level.EMERGENCY:
        return Page("result")
    position, go = reading.position, reading.go
    if go == NEXT and (reading.missing or reading.invalid):
        first = min(plan.ruleset.step_of[q] for q in reading.missing + reading.invalid)
        return Page("step", first, errors=True)
    if go == NEXT:
        following = position + 1
        if following > plan.summary:
            return Page("result")
        return Page("summary") if following == plan.summary else Page("step", following)
    if go == BACK:
        return Page("step", max(1, min(position - 1, plan.count)))
    if go.startswith(SHOW) and go[len(SHOW) :].isdigit() and 1 <= int(go[len(SHOW) :]) <= plan.count:
        return Page("step", int(go[len(SHOW) :]))
    # Anything else (e.g. the same page again in another language): the page posted from.
    return Page("summary") if position == plan.summary else Page("step", position)


def counts(plan: Plan, reading: Reading) -> tuple[int, int]:
    """Return (questions skipped on the steps reached, questions never asked) for a result."""
    reached = min(reading.position or plan.count, plan.count)
    skipped = reading.questions_without_answer(plan, range(1, reached + 1))
    not_asked = reading.questions_without_answer(plan, range(reached + 1, plan.count + 1))
    return len(skipped), len(not_asked)


def answer_words(field) -> str:
    """Return the patient's wording of a valid answer, as the form showed it."""
    if isinstance(field, BandField) or field.type == "RadioField":
        return next((str(choice.label) for choice in field.choices if choice.value == field.data), "")
    return field._value()


def band_words(plan: Plan, reading: Reading) -> dict[str, str]:
    """Return the wording of each band answer (the engine sees a number in the band)."""
    return {
        question_id: answer_words(reading.form[question_id])
        for question_id in plan.ruleset.bands
        if question_id in reading.answers
    }


def step_title(step: Step, number: int) -> str:
    """Return a step's heading in the patient's language (the file's, or ours for a default)."""
    if step.title is not None:
        return step.title.in_language(language())
    return (
        gettext("First, signs of an emergency")
        if number == 1 and step.id == "emergency_signs"
        else gettext("Your symptoms")
    )
