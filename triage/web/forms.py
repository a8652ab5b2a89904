"""The self-check forms, built once from the rule file's questions and steps.

No answer is assumed: every choice question must be answered before the check moves past its
step (each has an explicit "no" or "none" option, listed first), and nothing is preselected. A
choice left out would count as its mildest answer, so it is never skipped quietly. The only
optional questions are numbers (days since surgery): a number left out means "not known", which
the rules treat at least as carefully as any number (`flask rules check` proves it).

A number that rules compare with limits is asked as a choice between bands whose edges are
exactly those limits (see triage/steps.py), plus "I do not know"; a whole number is taken too and
counted in its band, so every answer decides every rule as the number itself would.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field
from wtforms import RadioField as WTFormsRadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import TextInput

from ..engine.model import Answer, Band, Question, RuleSet
from .i18n import RuleText, lazy_gettext

# Plain ASCII digits with an optional sign: "-1" is a number (out of range), "1.5" is not.
WHOLE_NUMBER = re.compile(r"([+-]?)0*([0-9]+)")
MAX_DIGITS = 12  # more digits than this is out of range anyway; never int() a huge string
UNKNOWN = "unknown"  # "I do not know", for a number asked in bands
NOTHING_SENT: MultiDict = MultiDict()


# Where an unbound field keeps (name, prefix, the field as first bound): see NoCSRFForm.Meta.
# (On the unbound field itself: a WeakKeyDictionary lookup makes a weak reference each time,
# and cost a third of reading a post.)
FIRST_BOUND = "_pump_check_first_bound"


class NoCSRFForm(FlaskForm):
    """A FlaskForm without its own CSRF field: Flask-WTF's CSRFProtect checks every post before
    a view runs (views.py), so the form's second check of the same token only cost time. The
    pages write the token with `csrf_token()`.

    Its fields are bound from a copy: what a field is (its label, choices, validators, flags,
    messages, all fixed by the rule file and worded in the request's language only when shown)
    is built once per form class, the first time; each request's form then gets a copy of that
    and fills in its own data, errors and translations as WTForms always does. Binding 37
    fields anew took about 1 ms a request.
    """

    class Meta:
        csrf = False

        def bind_field(self, form, unbound_field, options):
            name, prefix = options.get("name"), options.get("prefix", "")
            first = unbound_field.__dict__.get(FIRST_BOUND)
            if first is None or first[:2] != (name, prefix):
                bound = unbound_field.bind(form=form, **options)
                bound.process(NOTHING_SENT)  # as a post that does not send it: see process()
                # Kept without its form or translations: nothing of the first request stays.
                bound._form = bound.meta = None
                bound.__dict__.pop("_translations", None)
                first = (name, prefix, bound, _nothing_to_check_unsent(bound))
                setattr(unbound_field, FIRST_BOUND, first)
            field = object.__new__(type(first[2]))
            field._nothing_to_check_unsent = first[3]
            field.__dict__.update(first[2].__dict__)
            field._form, field.meta = form, form.meta
            if options.get("translations") is not None:
                field._translations = options["translations"]
            return field

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """Process a post's fields; a field the post does not send is left as bound.

        What a field is after a post that does not send it is fixed by the rule file: every
        field is bound from a copy already processed that way (Meta.bind_field). So a post's
        form processes only the fields it sends, as WTForms would; any other use (no post,
        data or an object given) is WTForms' own.
        """
        formdata = self.meta.wrap_formdata(self, formdata)
        if formdata is None or obj is not None or data is not None or extra_filters or kwargs:
            super().process(formdata, obj, data, extra_filters, **kwargs)
            return
        for name, field in self._fields.items():
            if name in formdata:
                field.process(formdata)
        self.post_process(formdata)

    def validate(self, extra_validators=None) -> bool:
        """Validate every field that was sent or must be answered (WTForms' own checks).

        A field not sent whose checks all pass when nothing is sent (see _nothing_to_check_unsent)
        is not checked again on every post. Forms here have no `validate_<name>` methods.
        """
        success = True
        for name, field in self._fields.items():
            if field.raw_data or field.process_errors or not field._nothing_to_check_unsent:
                extra = (extra_validators or {}).get(name, ())
                success = field.validate(self, extra) and success
            else:
                field.errors = []
        return success


def _nothing_to_check_unsent(field) -> bool:
    """Whether WTForms' checks of `field` always pass when a post does not send it: it has an
    Optional() validator (which then clears every error and stops), or it is a whole number
    with no validators (nothing sent is "not known")."""
    return any(isinstance(check, Optional) for check in field.validators) or (
        isinstance(field, WholeNumberField) and not field.validators
    )


class RadioField(WTFormsRadioField):
    """WTForms' RadioField, checking the answer against a set of the allowed values.

    WTForms 3.3 checks a choice by building every option (with its label, looked up in the
    patient's language) and comparing each; the answer is valid exactly when it is one of the
    values, so a set lookup says the same. The message is the field's own, as before.
    Keeps the name RadioField: the templates tell fields apart by `field.type`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = frozenset(choice.value for choice in self.choices or ())

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.validate_choice:
            return
        if self.data not in self.allowed:
            if self.invalid_choice_message is None:
                super().pre_validate(form)  # WTForms' own check and its own message
            raise ValidationError(self.invalid_choice_message)


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


def number_messages(question: Question) -> dict:
    """Return the messages for a number that is not whole, too low or too high.

    They are lazy: each is worded in the patient's language when it is shown.
    """
    low, high = question.minimum, question.maximum
    if question.unit:
        unit = RuleText(question.unit)
        return {
            "whole": lazy_gettext(
                "Enter the number of %(unit)s as a whole number, like 14, or leave "
                "it blank if you do not know",
                unit=unit,
            ),
            "low": lazy_gettext("The number of %(unit)s must be %(low)s or more", unit=unit, low=low),
            "high": lazy_gettext("The number of %(unit)s must be %(high)s or less", unit=unit, high=high),
        }
    return {
        "whole": lazy_gettext(
            "Enter the number as a whole number, like 14, or leave it blank if you do not know"
        ),
        "low": lazy_gettext("The number must be %(low)s or more", low=low),
        "high": lazy_gettext("The number must be %(high)s or less", high=high),
    }


class BandField(RadioField):
    """A number asked as a choice of bands, plus "I do not know"; optional.

    A whole number within the question's limits is taken too, as the band it falls in.
    """

    def __init__(self, label, question: Question, bands: tuple[Band, ...], **kwargs):
        self.bands = {band.value: band for band in bands}
        self.minimum, self.maximum = question.minimum, question.maximum
        choices = [SelectChoice(band.value, band_label(question, band)) for band in bands]
        choices.append(SelectChoice(UNKNOWN, lazy_gettext("I do not know")))
        super().__init__(
            label,
            choices=choices,
            validators=[Optional()],
            validate_choice=True,
            invalid_choice_message=lazy_gettext(
                "Choose one of the answers shown for: %(question)s", question=label
            ),
            **kwargs,
        )

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = text or None
        match = WHOLE_NUMBER.fullmatch(text)
        if match and len(match.group(2)) <= MAX_DIGITS:
            number = int(match.group(1) + match.group(2))
            self.data = next((band.value for band in self.bands.values() if number in band), text)

    @property
    def answer(self) -> Answer:
        """Return the answer for the engine: a number in the chosen band, or None."""
        band = self.bands.get(self.data or "")  # no band's value is empty
        return band.answer if band else None


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


def choice_values(ruleset: RuleSet, question: Question) -> tuple[str, ...]:
    """Return every value the form takes as a choice for a question (none for a typed number)."""
    bands = ruleset.bands.get(question.id)
    if question.number:
        return (*(band.value for band in bands), UNKNOWN) if bands else ()
    return question.values


def answer_of(field) -> Answer:
    """Return a valid field's answer as the engine takes it."""
    return field.answer if isinstance(field, BandField) else field.data


def build_form(ruleset: RuleSet, required: set[str] | None = None) -> type[FlaskForm]:
    """Return a FlaskForm subclass with one field per question, in the file's order.

    `required`: the choice questions that must be answered (default: all of them); any other
    answer may be left out, but if given it must be one of the answers allowed.
    Labels, hints and messages are looked up when shown, in the patient's language.
    """

    class CheckForm(NoCSRFForm):
        pass

    for question in ruleset.questions:
        label = RuleText(question.text)
        hint = RuleText(question.hint) if question.hint else ""
        bands = ruleset.bands.get(question.id)
        if question.number and bands:
            field = BandField(label, question, bands, description=lazy_gettext("Choose the closest answer."))
        elif question.number:
            field = WholeNumberField(
                label, question.minimum, question.maximum, number_messages(question), description=hint
            )
        else:
            must = required is None or question.id in required
            field = RadioField(
                label,
                description=hint,
                choices=[SelectChoice(option.value, RuleText(option.label)) for option in question.options],
                validators=[
                    InputRequired(message=lazy_gettext("Choose an answer for: %(question)s", question=label))
                    if must
                    else Optional()
                ],
                validate_choice=True,
                invalid_choice_message=lazy_gettext(
                    "Choose one of the answers shown for: %(question)s", question=label
                ),
            )
        setattr(CheckForm, question.id, field)
    return CheckForm


def build_step_forms(ruleset: RuleSet) -> tuple[type[FlaskForm], ...]:
    """Return one form class per number of steps done: the k-th requires steps 1 to k.

    (The 0th requires nothing: for Back, and for showing a step again.)
    """
    classes, required = [build_form(ruleset, set())], set()
    for step in ruleset.steps:
        required |= set(step.questions)
        classes.append(build_form(ruleset, set(required)))
    return tuple(classes)
