"""The self-check form, built once from the rule file's questions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from .model import RuleSet


def build_form(ruleset: RuleSet, language: str = "en") -> type[FlaskForm]:
    """Return a FlaskForm subclass with one field per question, in the file's order."""

    class CheckForm(FlaskForm):
        pass

    for question in ruleset.questions:
        label = question.text.in_language(language)
        hint = question.hint.in_language(language) if question.hint else ""
        if question.number:
            low, high = question.minimum, question.maximum
            field = IntegerField(label, description=hint, validators=[
                Optional(),
                NumberRange(low, high, message=f"Enter a whole number from {low} to {high}, "
                            "or leave it blank"),
            ])
        else:
            field = RadioField(
                label, description=hint,
                choices=[SelectChoice(option.value, option.label.in_language(language))
                         for option in question.options],
                validators=[InputRequired(message=f"Choose an answer for: {label}")],
                validate_choice=True)
        setattr(CheckForm, question.id, field)
    return CheckForm
