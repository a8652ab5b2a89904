"""The self-check form, built once from the rule file's questions.

No answer is assumed: every choice question must be answered (each has an explicit "no" or
"none" option, listed first), nothing is preselected, and the only optional question is the
number of days since surgery.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import TextInput

from .i18n import RuleText, lazy_gettext
from .model import Question, RuleSet

# Plain ASCII digits with an optional sign: "-1" is a number (out of range), "1.5" is not.
WHOLE_NUMBER = re.compile(r"([+-]?)0*([0-9]+)")
MAX_DIGITS = 12  # more digits than this is out of range anyway; never int() a huge string


class WholeNumberField(Field):
    """An optional whole number within limits, typed as text (GOV.UK's advice for numbers)."""

    widget = TextInput()

    def __init__(self, label, minimum: int, maximum: int, messages: dict[str, str], **kwargs):
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


def number_messages(question: Question) -> dict:
    """Return the messages for a number that is not whole, too low or too high.

    They are lazy: each is worded in the patient's language when it is shown.
    """
    low, high = question.minimum, question.maximum
    if question.unit:
        unit = RuleText(question.unit)
        return {
            "whole": lazy_gettext("Enter the number of %(unit)s as a whole number, like 14, or leave "
                                  "it blank if you do not know", unit=unit),
            "low": lazy_gettext("The number of %(unit)s must be %(low)s or more", unit=unit, low=low),
            "high": lazy_gettext("The number of %(unit)s must be %(high)s or less", unit=unit, high=high),
        }
    return {
        "whole": lazy_gettext("Enter the number as a whole number, like 14, or leave it blank if you "
                              "do not know"),
        "low": lazy_gettext("The number must be %(low)s or more", low=low),
        "high": lazy_gettext("The number must be %(high)s or less", high=high),
    }


def build_form(ruleset: RuleSet) -> type[FlaskForm]:
    """Return a FlaskForm subclass with one field per question, in the file's order.

    Labels, hints and messages are looked up when shown, in the patient's language.
    """

    class CheckForm(FlaskForm):
        pass

    for question in ruleset.questions:
        label = RuleText(question.text)
        hint = RuleText(question.hint) if question.hint else ""
        if question.number:
            field = WholeNumberField(label, question.minimum, question.maximum,
                                     number_messages(question), description=hint)
        else:
            field = RadioField(
                label, description=hint,
                choices=[SelectChoice(option.value, RuleText(option.label))
                         for option in question.options],
                validators=[InputRequired(message=lazy_gettext(
                    "Choose an answer for: %(question)s", question=label))],
                validate_choice=True,
                invalid_choice_message=lazy_gettext(
                    "Choose one of the answers shown for: %(question)s", question=label))
        setattr(CheckForm, question.id, field)
    return CheckForm
