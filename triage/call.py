"""Call mode for clinic nurses: every question on one page, the result and a chart note.

Nothing typed here is stored or logged, and nothing goes into a URL: the form is posted, the
result page is sent with no-store, and the patient reference and call date appear only in the
chart note on that same page. So call mode needs no login: it shows nothing that was not typed
on the page itself.

Every question must be answered: call mode, like the patient's check, never assumes an answer
(see README, "Call mode"). A blank number ("days since surgery") means "not known", which the
rules treat as the more careful case.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, make_response, render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from . import engine, fhir, note, review
from .model import Level, RuleSet
from .views import clinic_now, contacts, loaded, no_store

bp = Blueprint("call", __name__, url_prefix="/call")
review_bp = Blueprint("review", __name__)
EXTENSION = "pump_check_call_form"


class DaysField(IntegerField):
    """A whole number, with the form's own message for text that is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.description) from None


def build_call_form(ruleset: RuleSet, language: str = "en") -> type[FlaskForm]:
    """Return the call form: the nurse's wording of every question, plus reference and date."""

    class CallForm(FlaskForm):
        reference = StringField("Patient reference", validators=[
            Optional(), Length(max=note.REFERENCE_MAX, message=f"Keep the patient reference to "
                                                               f"{note.REFERENCE_MAX} characters or fewer")])
        call_date = DateField("Call date", validators=[Optional()], format="%Y-%m-%d")

    for number, question in enumerate(ruleset.questions, start=1):
        label = (question.ask or question.text).in_language(language)
        if question.number:
            low, high = question.minimum, question.maximum
            message = (f"Question {number}: enter a whole number from {low} to {high}, "
                       "or leave it blank if not known")
            field = DaysField(label, description=message,
                              validators=[Optional(), NumberRange(low, high, message=message)])
        else:
            field = RadioField(label, validate_choice=True, choices=[
                SelectChoice(option.value, option.label.in_language(language))
                for option in question.options],
                validators=[InputRequired(message=f"Question {number}: choose an answer "
                                                  f"({label})")])
        setattr(CallForm, question.id, field)
    return CallForm


def _form():
    return current_app.extensions[EXTENSION]()


def _answers(form, ruleset: RuleSet) -> dict:
    return {question.id: form[question.id].data for question in ruleset.questions}


@bp.route("", methods=["GET", "POST"])
def call():
    ruleset = loaded().ruleset
    form = _form()
    if request.form.get("action") == "edit":
        # "Change answers" on the result page: the same answers back in the form, not evaluated.
        return no_store(make_response(render_template("call.html", form=form, ruleset=ruleset)))
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        page = render_template("call.html", form=form, ruleset=ruleset)
        return no_store(make_response(page, status))
    result = engine.evaluate(ruleset, _answers(form, ruleset))
    written_at = clinic_now()
    chart_note = note.chart_note(ruleset, result, contacts(), written_at=written_at,
                                 reference=form.reference.data or "", call_date=form.call_date.data)
    page = render_template("call_result.html", result=result, ruleset=ruleset, form=form,
                           chart_note=chart_note, Level=Level)
    return no_store(make_response(page))


@bp.post("/fhir")
def download_fhir():
    """Return the answers and result as a FHIR R4 Bundle file (no reference, no date typed)."""
    ruleset = loaded().ruleset
    form = _form()
    if not form.validate_on_submit():
        page = render_template("call.html", form=form, ruleset=ruleset)
        return no_store(make_response(page, 400))
    result = engine.evaluate(ruleset, _answers(form, ruleset))
    now = clinic_now()
    bundle = fhir.check_bundle(ruleset, result, now, contacts())
    response = make_response(json.dumps(bundle, ensure_ascii=False, indent=2))
    response.mimetype = fhir.MEDIA_TYPE
    response.headers["Content-Disposition"] = (
        f'attachment; filename="pump-check-{now.strftime("%Y%m%d-%H%M")}.fhir.json"')
    return no_store(response)


@review_bp.get("/rules")
def rules_sheet():
    """Show the whole rule set as a clinician reviews it, ready to print and sign."""
    ruleset = loaded().ruleset
    return render_template("rules_sheet.html", ruleset=ruleset, groups=review.grouped_rules(ruleset),
                           sentence=review.rule_sentence, Level=Level)


def init_app(app) -> None:
    app.extensions[EXTENSION] = build_call_form(app.extensions["pump_check"].ruleset)
    app.register_blueprint(bp)
    app.register_blueprint(review_bp)
