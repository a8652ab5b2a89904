"""The form fields the patient's pages and call mode share, worded when shown.

Labels, hints and messages are lazy: each is looked up in the request's language (and, on the
patient's pages, in the caregiver's wording) when a page shows it, so one form class serves
everyone. Nothing is preselected and no answer is assumed.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field, SelectMultipleField
from wtforms import RadioField as WTFormsRadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from ..engine.model import Band, Question
from .i18n import RuleText, lazy_gettext

# Plain ASCII digits with an optional sign: "-1" is a number (out of range), "1.5" is not.
WHOLE_NUMBER = re.compile(r"([+-]?)0*([0-9]+)")
MAX_DIGITS = 12  # more digits than this is out of range anyway; never int() a huge string
UNKNOWN = "unknown"  # "I do not know", for a number asked in bands
NONE_OF_THESE = "none"  # a checklist's "None of these" (no sign may take this id)


class NoCSRFForm(FlaskForm):
    """A FlaskForm without a CSRF field of its own: Flask-WTF's CSRFProtect checks every post
    before a view runs, and the pages write the token with `csrf_token()`."""

    class Meta:
        csrf = False


class RadioField(WTFormsRadioField):
    """One answer from a list. The same field sent twice with two different answers cannot be
    read (a browser never sends that); sent twice with the same answer, it is that answer."""

    unreadable = lazy_gettext("An answer that was sent could not be read. Choose again.")

    def process_formdata(self, valuelist) -> None:
        if len(set(valuelist)) > 1:
            self.data = None
            raise ValueError(self.unreadable)
        super().process_formdata(valuelist[:1])


class BlankIsNotKnown:
    """For an answer that may be left out ("not known"): a blank stops the checks, but only a
    blank sent alone (WTForms' Optional also passes a blank sent beside an answer, dropping the
    answer without a word)."""

    field_flags = {"optional": True}

    def __call__(self, form, field) -> None:
        if len(set(field.raw_data)) <= 1 and not "".join(field.raw_data).strip():
            field.errors[:] = []
            raise StopValidation()


class ChecklistField(SelectMultipleField):
    """An area's checklist: the signs ticked, or "None of these" alone (GOV.UK's checkboxes with
    an exclusive "None"). Without JavaScript the server refuses "None" with a sign ticked."""

    def __init__(self, label, choices, required_message, **kwargs):
        super().__init__(label, choices=choices, validate_choice=False, **kwargs)
        self.required_message = required_message
        self.allowed = frozenset(choice.value for choice in choices)

    def process_formdata(self, valuelist) -> None:
        self.data = list(dict.fromkeys(valuelist))  # a tick sent twice is one tick

    def pre_validate(self, form) -> None:
        values = self.data or []
        if not values:
            raise ValidationError(self.required_message)
        if any(value not in self.allowed for value in values):
            raise ValidationError(RadioField.unreadable)
        if NONE_OF_THESE in values and len(values) > 1:
            raise ValidationError(
                lazy_gettext(
                    "You ticked “None of these” and a sign. Untick one of them: %(area)s",
                    area=self.label.text,
                )
            )

    @property
    def signs(self) -> tuple[str, ...]:
        """The signs ticked that this checklist has (none for "None of these"). A sign ticked
        beside "None of these", or beside a value that cannot be read, is still a sign the
        person ticked: the cautious reading, kept even while the field asks again."""
        return tuple(value for value in self.data or () if value in self.allowed and value != NONE_OF_THESE)


class WholeNumberField(Field):
    """An optional whole number within limits, typed as text (GOV.UK's advice for numbers)."""

    widget = TextInput()

    def __init__(self, label, minimum: int | None, maximum: int | None, messages: dict[str, str], **kwargs):
        super().__init__(label, **kwargs)
        self.minimum, self.maximum, self.messages = minimum, maximum, messages

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        match = WHOLE_NUMBER.fullmatch(text)
        if not match:
            raise ValueError(self.messages["whole"])
        sign, digits = match.groups()
        if len(digits) > MAX_DIGITS:
            digits = "9" * MAX_DIGITS
        self.data = int(sign + digits)

    def pre_validate(self, form) -> None:
        if self.process_errors or self.data is None:
            return
        if self.minimum is not None and self.data < self.minimum:
            raise ValidationError(self.messages["low"])
        if self.maximum is not None and self.data > self.maximum:
            raise ValidationError(self.messages["high"])


def band_choices(question: Question, bands: tuple[Band, ...]) -> list[SelectChoice]:
    """A number asked as a choice of the bands the rules tell apart, then "I do not know"."""
    choices = [SelectChoice(band.value, band_label(question, band)) for band in bands]
    return [*choices, SelectChoice(UNKNOWN, lazy_gettext("I do not know"))]


def band_label(question: Question, band: Band) -> str:
    """Word a band in the patient's language: "30 days or less", "31 to 90 days"."""
    unit = RuleText(question.unit) if question.unit else ""
    low_open = band.low is None or band.low == question.minimum
    high_open = band.high is None or band.high == question.maximum
    if band.low == band.high:
        return lazy_gettext("%(low)s %(unit)s", low=band.low, unit=unit)
    if low_open:
        return lazy_gettext("%(high)s %(unit)s or less", high=band.high, unit=unit)
    if high_open:
        return lazy_gettext("%(low)s %(unit)s or more", low=band.low, unit=unit)
    return lazy_gettext("%(low)s to %(high)s %(unit)s", low=band.low, high=band.high, unit=unit)
