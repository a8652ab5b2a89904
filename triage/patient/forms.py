"""The check's forms, built once from the rule file: one per step, one per step's details page.

A step's form has a field per question it asks (a choice, or a number asked in the bands the
rules tell apart) and a checklist per area. A details form has a field per question the step's
signs can open, showing the question's answers but its first (that is what leaving the sign
unticked says); a page shows and checks only the questions this person's ticks opened.
"""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from ..engine.model import Area, Question, RuleSet, Step
from ..web.forms import (
    NONE_OF_THESE,
    BlankIsNotKnown,
    ChecklistField,
    NoCSRFForm,
    RadioField,
    WholeNumberField,
    band_choices,
)
from ..web.i18n import RuleText, lazy_gettext


def question_field(ruleset: RuleSet, question: Question, details: bool = False):
    """Return the field asking one question (on a details page: without its first answer)."""
    label = RuleText(question.text, question.caregiver_text)
    bands = ruleset.bands.get(question.id, ())
    # A number asked in bands: its hint is about typing it ("a rough number is fine"), not needed.
    hint = RuleText(question.hint, question.caregiver_hint) if question.hint and not bands else ""
    if question.number and not bands:
        return WholeNumberField(
            label, question.minimum, question.maximum, number_messages(question), description=hint
        )
    if question.number:
        choices = band_choices(question, bands)
    else:
        options = question.options[1:] if details else question.options
        choices = [
            SelectChoice(option.value, RuleText(option.label, option.caregiver_label)) for option in options
        ]
    return RadioField(
        label,
        description=hint,
        choices=choices,
        validators=[
            BlankIsNotKnown()
            if question.number
            else InputRequired(message=lazy_gettext("Choose an answer for: %(question)s", question=label))
        ],
        validate_choice=True,
        invalid_choice_message=RadioField.unreadable,
    )


def checklist_field(area: Area) -> ChecklistField:
    """Return an area's checklist: its signs, then "None of these"."""
    label = RuleText(area.title, area.caregiver_title)
    choices = [SelectChoice(sign.id, RuleText(sign.label, sign.caregiver_label)) for sign in area.signs]
    choices.append(SelectChoice(NONE_OF_THESE, lazy_gettext("None of these")))
    hint = RuleText(area.hint) if area.hint else ""
    message = lazy_gettext("Tick each sign you have, or “None of these”: %(area)s", area=label)
    return ChecklistField(label, choices, message, description=hint)


def step_form(ruleset: RuleSet, step: Step) -> type[NoCSRFForm]:
    class StepForm(NoCSRFForm):
        pass

    for question_id in step.questions:
        setattr(StepForm, question_id, question_field(ruleset, ruleset.question(question_id)))
    for area in step.areas:
        setattr(StepForm, area.id, checklist_field(area))
    return StepForm


def details_form(ruleset: RuleSet, step: Step) -> type[NoCSRFForm] | None:
    opens = list(dict.fromkeys(q for sign in step.signs for q in sign.opens))
    if not opens:
        return None

    class DetailsForm(NoCSRFForm):
        pass

    for question_id in opens:
        setattr(
            DetailsForm, question_id, question_field(ruleset, ruleset.question(question_id), details=True)
        )
    return DetailsForm


def build(ruleset: RuleSet) -> dict[tuple[str, bool], type[NoCSRFForm]]:
    """Return every page's form class, by (step id, details?)."""
    forms: dict[tuple[str, bool], type[NoCSRFForm]] = {}
    for step in ruleset.steps:
        forms[step.id, False] = step_form(ruleset, step)
        found = details_form(ruleset, step)
        if found is not None:
            forms[step.id, True] = found
    return forms


def number_messages(question: Question) -> dict:
    """Return the messages for a typed number that is not whole, too low or too high."""
    low, high = question.minimum, question.maximum
    unit = RuleText(question.unit) if question.unit else lazy_gettext("number")
    return {
        "whole": lazy_gettext(
            "Enter the number of %(unit)s as a whole number, like 14, or leave it blank if you do not know",
            unit=unit,
        ),
        "low": lazy_gettext("The number of %(unit)s must be %(low)s or more", unit=unit, low=low),
        "high": lazy_gettext("The number of %(unit)s must be %(high)s or less", unit=unit, high=high),
    }
