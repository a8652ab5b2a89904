"""The call-mode form: the patient reference, every question in the nurse's words, the details.

Built once at start-up from the rule file, the questions in the order a call asks them
(order.py: who is answering first, then the check's steps). Who answered is that question's
answer: there is no second "who answered" field. The days field is the patient form's own
`WholeNumberField` (plain ASCII digits only), with the messages in call mode's English.
Nothing here is stored: the details go into the chart note on the result page and nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, Optional

from ..engine.model import Question, RuleSet
from ..web.forms import NoCSRFForm, RadioField, WholeNumberField
from . import details as call_details
from . import note
from .order import call_order

LANGUAGE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, as the switch shows
# Actions taken, in the note's words; {emergency_number} is the clinic's.
ACTIONS = {
    "advised_emergency": "Advised to call {emergency_number} now",
    "escalated": "Escalated to the on-call clinician",
    "review_booked": "Review booked",
    "safety_net": "Safety-net advice given",
    "teach_back": "Patient or caregiver repeated the advice back",
}
# Typed on the result page and carried by each of its forms (the reference is on both pages).
CARRIED_DETAILS = ("call_date", "initials", "comments")


def question_number_messages(number: int, question: Question) -> dict[str, str]:
    """Messages for the days field, naming the question's number as the error summary does."""
    low, high = question.minimum, question.maximum
    text = f"Question {number}: enter a whole number from {low} to {high}, or leave it blank if not known"
    return {"whole": text, "low": text, "high": text}


def parse_started(text: str | None) -> datetime | None:
    """Read the hidden start time (ISO 8601 with offset); anything else is ignored."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _limited(field, label: str, what: str, most: int):
    """An optional text field of at most `most` characters, saying so in the nurse's words."""
    return field(
        label,
        validators=[Optional(), Length(max=most, message=f"Keep the {what} to {most} characters or fewer")],
    )


class CallDetailsForm(NoCSRFForm):
    """The call's own fields, beside the questions: no question may take one of their names
    (`details_field_names`; create_app and `flask rules verify` refuse such a rule file)."""

    started = HiddenField()
    reference = _limited(StringField, "Patient reference", "patient reference", call_details.REFERENCE_MAX)
    no_reference = BooleanField("No reference: I cannot identify the patient")
    call_date = DateField("Call date", validators=[Optional()], format="%Y-%m-%d")
    initials = _limited(StringField, "Nurse's initials", "initials", call_details.INITIALS_MAX)
    comments = _limited(TextAreaField, "Comments", "comments", call_details.COMMENTS_MAX)
    actions = SelectMultipleField(
        "Actions taken", validate_choice=True, choices=[SelectChoice(k, v) for k, v in ACTIONS.items()]
    )


def details_field_names() -> frozenset[str]:
    """Every name call mode posts that is not a question's: its own fields and the token."""
    names = {
        name for name in dir(CallDetailsForm) if isinstance(getattr(CallDetailsForm, name), UnboundField)
    }
    return frozenset(names | {"call_language", "csrf_token"})


def build_call_form(ruleset: RuleSet) -> type[FlaskForm]:
    """Return the call form: the nurse's wording of every question, then the call's details."""

    class CallForm(CallDetailsForm):
        call_language = RadioField(
            "Language of the call",
            default="en",
            validate_choice=True,
            choices=[SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in ruleset.languages],
        )

    for number, question in enumerate(call_order(ruleset), start=1):
        label = note.asked(question)
        if question.number:
            field = WholeNumberField(
                label, question.minimum, question.maximum, question_number_messages(number, question)
            )
        else:
            field = RadioField(
                label,
                validate_choice=True,
                choices=[
                    SelectChoice(option.value, (option.ask or option.label).in_language("en"))
                    for option in question.options
                ],
                validators=[InputRequired(message=f"Question {number}: choose an answer ({label})")],
            )
        setattr(CallForm, question.id, field)
    return CallForm


def given_answers(form, ruleset: RuleSet) -> dict:
    """Return the valid answers on the form, leaving out every unanswered or invalid one."""
    given = {}
    for question in ruleset.questions:
        field = form[question.id]
        value = field.data
        if question.number:
            low, high = question.minimum, question.maximum
            if (
                isinstance(value, int)
                and not field.process_errors
                and (low is None or value >= low)
                and (high is None or value <= high)
            ):
                given[question.id] = value
        elif value in question.values:
            given[question.id] = value
    return given


def unanswered_only(form, ruleset: RuleSet) -> bool:
    """Return True when every problem on the form is a choice question left unanswered."""
    for name, _ in form.errors.items():
        field = form[name]
        question = ruleset.questions_by_id.get(name)
        if question is None or question.number or any(field.raw_data or ()):
            return False
    return True


def details(form, contacts) -> call_details.CallDetails:
    """Return the call's details as the note says them (empty where not given)."""
    return call_details.CallDetails(
        reference=form.reference.data or "",
        no_reference=bool(form.no_reference.data),
        call_date=form.call_date.data,
        initials=form.initials.data or "",
        started=parse_started(form.started.data),
        language=form.call_language.data or "en",
        actions=tuple(ACTIONS[key].format(**contacts) for key in ACTIONS if key in (form.actions.data or ())),
        comments=form.comments.data or "",
    )
