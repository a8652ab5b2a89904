"""Call mode for clinic nurses: every question on one page, the result and a chart note.

Nothing typed here is stored or logged, and nothing goes into a URL: the form is posted, the
result page is sent with no-store, and the patient reference and the call's details appear only
in the chart note on that same page. So call mode needs no login: it shows nothing that was not
typed on the page itself.

The page asks in the order of a phone call (order.py): the patient reference, who is
answering (the rule file's `answerer` question, asked once), the language of the call, then the
check's questions step by step. Every question needs an answer before the result is shown,
unless the nurse chooses to end the call early (the emergency banner offers it, and so does the
error summary): then the questions not asked say "not asked", and a "none" result says "no
warning signs in the answers given". A blank number ("days since surgery") means "not known",
which the rules treat as the more careful case.

The result (level, the nurse's action, the line to say) comes at once; the chart note and the
FHIR download come only once the patient is identified: a reference typed, or "no reference"
chosen on purpose. The server withholds them (no script needed), so a note is never copied
under "(none given)" into the wrong chart.

Read aloud in another language (Spanish): each question's and answer's nurse wording (`ask`,
else the patient's words), each warning's advice, and the level's `say` line filled with that
language's contacts (FLASK_CARE_TEAM_NAME_ES, else "su equipo médico"): never an English
fill-in inside a Spanish sentence. The pages are plain Jinja, rendered per request (design
guide, "Simple before fast").
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from flask import Blueprint, current_app, make_response, render_template, request
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from .. import engine
from ..engine.model import FiredWarning, Level, Result, RuleSet
from ..web import fhir
from ..web.shared import clinic_now, contacts, loaded
from . import note, order
from .callform import ACTIONS, CARRIED_DETAILS, build_call_form, details, given_answers, unanswered_only
from .details import identified

bp = Blueprint("call", __name__, url_prefix="/call")
EXTENSION = "pump_check_call_form"  # the form class (security.py reads its multi-value fields)
SAID_ITEM = Markup("<li>{} <strong>{}</strong></li>")


def _form() -> FlaskForm:
    return current_app.extensions[EXTENSION]()


def because_items(result: Result) -> Callable[[FiredWarning], Markup]:
    """Return the template's helper: the items saying why a warning fired, in the nurse's words."""

    def because(warning: FiredWarning) -> Markup:
        items = []
        for question_id, answer in warning.because:
            question = loaded().ruleset.question(question_id)
            items.append(SAID_ITEM.format(note.asked(question), note.answer_text(question, answer)))
        return Markup("\n      ").join(items)  # each item is Markup: nothing is escaped twice

    return because


def evaluate_given(ruleset: RuleSet, given: dict) -> Result:
    """Evaluate the answers given; a question not answered is None in the result, not "No"."""
    result = engine.evaluate(ruleset, given)
    return dataclasses.replace(result, answers={q.id: given.get(q.id) for q in ruleset.questions})


def _unanswered(ruleset: RuleSet, given: dict) -> int:
    return sum(1 for q in ruleset.questions if not q.number and q.id not in given)


def _words(ruleset: RuleSet) -> dict:
    """What every call-mode template reads: the order of the call and the nurse's action."""
    return {
        "ruleset": ruleset,
        "Level": Level,
        "who_question": order.answerer(ruleset),
        "groups": order.groups(ruleset),
        "numbers": order.numbers(ruleset),
        "nurse_action": lambda level: note.nurse_action(ruleset, level, contacts()),
    }


def _call_page(form, ruleset: RuleSet, status: int = 200):
    given = given_answers(form, ruleset) if form.is_submitted() else {}
    so_far = evaluate_given(ruleset, given) if given else None
    page = render_template(
        "call.html",
        form=form,
        so_far=so_far,
        unanswered=_unanswered(ruleset, given),
        carried_details=CARRIED_DETAILS,
        **_words(ruleset),
    )
    return make_response(page, status)


def _result_page(form, ruleset: RuleSet, complete: bool, status: int = 200):
    """The result at once; the chart note and FHIR only once the patient is identified."""
    result = evaluate_given(ruleset, given_answers(form, ruleset))
    numbers = contacts()
    about = details(form, numbers)
    ready = identified(about)
    summary = note.summary(ruleset, result, numbers)
    chart_note = (
        note.chart_note(ruleset, result, numbers, written_at=clinic_now(), details=about, block=summary)
        if ready
        else ""
    )
    page = render_template(
        "call_result.html",
        result=result,
        form=form,
        identified=ready,
        chart_note=chart_note,
        note_html=escape(chart_note),  # once, for the box and the printout
        complete=complete,
        summary=summary,
        actions=ACTIONS,
        carried_details=CARRIED_DETAILS,
        because=because_items(result),
        say=lambda code: note.say_line(ruleset, result.level, contacts(code), code),
        contacts_in=contacts,  # a language's own fill-ins for what is read aloud in it
        **_words(ruleset),
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
    return _result_page(form, ruleset, complete)


@bp.post("/level")
def level_so_far():
    """Return the alert for the answers given so far (the page's script asks after each answer)."""
    ruleset = loaded().ruleset
    form = _form()
    form.validate()  # fills the fields; the CSRF token was checked before this view ran
    given = given_answers(form, ruleset)
    so_far = evaluate_given(ruleset, given) if given else None
    page = render_template(
        "_call_alert.html", so_far=so_far, unanswered=_unanswered(ruleset, given), **_words(ruleset)
    )
    return make_response(page)


@bp.post("/fhir")
def download_fhir():
    """Return the answers and result as a FHIR R4 Bundle file (no reference, no date typed),
    once the patient is identified: else the result page again, asking who the patient is."""
    ruleset = loaded().ruleset
    form = _form()
    if not form.validate_on_submit():
        return _call_page(form, ruleset, 400)
    if not identified(details(form, contacts())):
        return _result_page(form, ruleset, True, 400)
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
    app.register_blueprint(bp)
