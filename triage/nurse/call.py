"""Call mode for clinic nurses: every question on one page, the result and a chart note.

Nothing typed here is stored or logged, and nothing goes into a URL: the form is posted, the
result page is sent with no-store, and the patient reference and the call's details appear only
in the chart note on that same page. So call mode needs no login: it shows nothing that was not
typed on the page itself.

Every question needs an answer before the result is shown, unless the nurse chooses to end the
call early (the emergency banner offers it, and so does the error summary): then the questions
not asked say "not asked", and a "none" result says "no warning signs in the answers given". A
blank number ("days since surgery") means "not known", which the rules treat as the more
careful case.

What is fixed once the rule set is loaded is written at start-up, for every question and every
answer at once (so nothing kept tells what anyone answered): the chart note's lines for each
question with each answer and for each rule (note.note_parts), each answer as a "because the
patient said" item, each rule's part of a warning (kept on first use, fragments.rule_part), and
the question list of a call not yet posted. A request writes only its own part: the answers
carried, the level, the summary, the call's details, the time and the CSRF token.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from .. import engine
from ..engine.model import Answer, FiredWarning, Level, Question, Result, RuleSet
from ..web import fhir, fragments
from ..web.shared import clinic_now, contacts, loaded
from . import note
from .callform import ACTIONS, WHO_ANSWERED, build_call_form, details, given_answers, unanswered_only

bp = Blueprint("call", __name__, url_prefix="/call")
EXTENSION = "pump_check_call_form"  # the form class (security.py reads its multi-value fields)
NOTE_PARTS = "pump_check_note_parts"  # the chart note's fixed text, written at start-up
SAID = "pump_check_call_said"  # each answer as a warning's "because the patient said" item
SAID_ITEM = Markup("<li>{} <strong>{}</strong></li>")


@bp.before_request
def only_form_bodies():
    """Read only what a browser's form sends (issue 25, M1): Flask-WTF would read a JSON body
    into the form too, and a number or a list where the form expects text was a 500."""
    if request.method == "POST" and request.mimetype not in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        abort(400)


def _form() -> FlaskForm:
    return current_app.extensions[EXTENSION]()


def warning_part(ruleset: RuleSet) -> Callable[..., Markup]:
    """Return the template's helper for a warning's rule part, kept per (rule, language read
    aloud) for every rule at once (fragments.rule_part); `render` is the template's macro."""

    def part(warning: FiredWarning, render: Callable[..., Markup], read_aloud: str | None) -> Markup:
        return fragments.rule_part(
            f"call-{read_aloud or ''}", warning, lambda each: render(each, read_aloud), ruleset
        )

    return part


def said_items(ruleset: RuleSet) -> dict[tuple[str, Answer], Markup]:
    """Write every answer of every question as a "because the patient said" item, in the
    nurse's words (every answer at once, so what is kept tells nothing of who gave which)."""
    return {(q.id, value): _said_item(q, value) for q in ruleset.questions for value in q.values}


def _said_item(question: Question, answer: Answer) -> Markup:
    return SAID_ITEM.format(note.asked(question), note.answer_text(question, answer))


def because_items(ruleset: RuleSet, result: Result) -> Callable[[FiredWarning], Markup]:
    """Return the template's helper: the items saying why a warning fired, with this result's answers."""
    kept = current_app.extensions[SAID]

    def because(warning: FiredWarning) -> Markup:
        items = []
        for question_id, _ in warning.because:
            answer = result.answers[question_id]
            item = kept.get((question_id, answer))
            items.append(item if item is not None else _said_item(ruleset.question(question_id), answer))
        return Markup("\n      ").join(items)  # each item is Markup: nothing is escaped twice

    return because


def evaluate_given(ruleset: RuleSet, given: dict) -> Result:
    """Evaluate the answers given; a question not answered is None in the result, not "No"."""
    result = engine.evaluate(ruleset, given)
    return dataclasses.replace(result, answers={q.id: given.get(q.id) for q in ruleset.questions})


def _unanswered(ruleset: RuleSet, given: dict) -> int:
    return sum(1 for q in ruleset.questions if not q.number and q.id not in given)


def _call_page(form, ruleset: RuleSet, status: int = 200):
    given = given_answers(form, ruleset) if form.is_submitted() else {}
    so_far = evaluate_given(ruleset, given) if given else None
    page = render_template(
        "call.html",
        form=form,
        ruleset=ruleset,
        so_far=so_far,
        unanswered=_unanswered(ruleset, given),
        Level=Level,
        nurse_action=lambda level: note.nurse_action(ruleset, level, contacts()),
    )
    return make_response(page, status)


@bp.route("", methods=["GET", "POST"])
def call():
    ruleset = loaded().ruleset
    form = _form()
    if not form.is_submitted():
        form.started.data = clinic_now().isoformat(timespec="seconds")  # the call starts now
        return _call_page(form, ruleset)
    action = request.form.get("action")
    if action == "edit":
        # "Change answers" on the result page: the same answers back in the form, not evaluated.
        return _call_page(form, ruleset)
    complete = form.validate_on_submit()
    ended_early = not complete and action == "end" and unanswered_only(form, ruleset)
    if not (complete or ended_early):
        return _call_page(form, ruleset, 400)
    result = evaluate_given(ruleset, given_answers(form, ruleset))
    numbers = contacts()
    parts = current_app.extensions[NOTE_PARTS]
    summary = note.summary(ruleset, result, numbers, parts)
    chart_note = note.chart_note(
        ruleset,
        result,
        numbers,
        written_at=clinic_now(),
        details=details(form, numbers),
        parts=parts,
        block=summary,
    )
    page = render_template(
        "call_result.html",
        result=result,
        ruleset=ruleset,
        form=form,
        chart_note=chart_note,
        note_html=escape(chart_note),  # once, for the box and the printout
        Level=Level,
        complete=complete,
        summary=summary,
        actions=ACTIONS,
        because=because_items(ruleset, result),
        carried=fragments.hidden_inputs(
            (q.id, "" if result.answers[q.id] is None else str(result.answers[q.id]))
            for q in ruleset.questions
        ),
        warning_part=warning_part(ruleset),
        who_answered=WHO_ANSWERED,
    )
    return make_response(page)


@bp.post("/level")
def level_so_far():
    """Return the alert for the answers given so far (the page's script asks after each answer)."""
    ruleset = loaded().ruleset
    form = _form()
    form.validate()  # fills the fields; the CSRF token was checked before this view ran
    given = given_answers(form, ruleset)
    so_far = evaluate_given(ruleset, given) if given else None
    page = render_template(
        "_call_alert.html",
        so_far=so_far,
        ruleset=ruleset,
        Level=Level,
        unanswered=_unanswered(ruleset, given),
        nurse_action=lambda level: note.nurse_action(ruleset, level, contacts()),
    )
    return make_response(page)


@bp.post("/fhir")
def download_fhir():
    """Return the answers and result as a FHIR R4 Bundle file (no reference, no date typed)."""
    ruleset = loaded().ruleset
    form = _form()
    if not form.validate_on_submit():
        return _call_page(form, ruleset, 400)
    result = engine.evaluate(ruleset, given_answers(form, ruleset))
    now = clinic_now()
    bundle = fhir.check_bundle(ruleset, result, now, contacts())
    response = make_response(json.dumps(bundle, ensure_ascii=False, indent=2))
    response.mimetype = fhir.MEDIA_TYPE
    response.headers["Content-Disposition"] = (
        f'attachment; filename="pump-check-{now.strftime("%Y%m%d-%H%M")}.fhir.json"'
    )
    return response


def init_app(app) -> None:
    ruleset = app.extensions["pump_check"].ruleset
    app.extensions[EXTENSION] = build_call_form(ruleset)
    app.extensions[NOTE_PARTS] = note.note_parts(ruleset)
    app.extensions[SAID] = said_items(ruleset)
    app.register_blueprint(bp)
