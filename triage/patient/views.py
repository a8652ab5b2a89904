"""The patient's pages: start, the questions, the result, and friendly error pages."""

from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, make_response, render_template, request
from flask_wtf.csrf import CSRFError

from ..engine.model import Level
from ..web import fragments, shells
from ..web.errors import error_page
from ..web.i18n import language, lazy_gettext, repost_fields, switch
from ..web.shared import (
    LEVEL_ICONS,
    action_html,
    capfirst,
    clinic_now,
    contacts,
    csrf,
    loaded,
    phone_link,
    tel_href,
)
from . import flow, result_card

bp = Blueprint("check", __name__)

UNREADABLE = (
    lazy_gettext("Some of your answers could not be read"),
    lazy_gettext(
        "Some answers that were sent are not ones this check offers, so they "
        "were not counted. Please start the check again."
    ),
)
CSRF_REFUSED = (
    lazy_gettext("Your answers were not sent"),
    lazy_gettext(
        "This page was open too long, was sent twice, or your browser blocks "
        "cookies, so we could not safely accept it. Pump Check needs one cookie "
        "to send the form safely; it holds none of your answers. Please start "
        "the check again."
    ),
)


@bp.get("/")
def start():
    return shells.page("start", "start.html", lambda: {"question_count": len(loaded().ruleset.questions)})


@bp.route("/check", methods=["GET", "POST"])
def questions():
    """The check, step by step (see triage/flow.py): emergency signs first, then short steps."""
    steps = loaded().plan
    if request.method != "POST":
        return step_page(steps, None, 1)
    reading = flow.read(steps, request.form)
    g.language_repost = [*reading.values, ("step", str(reading.position or "")), ("go", reading.go)]
    page = flow.decide(steps, reading)
    if page.kind == "unreadable":
        return unreadable_page(reading)
    if page.kind == "result":
        return result_page(steps, reading)
    if page.kind == "summary":
        return summary_page(steps, reading)
    return step_page(steps, reading, page.number, errors=page.errors)


def _so_far(reading):
    """Return the result so far where it is urgent: it is said at the top of every later page."""
    return reading.result if reading and reading.result.level == Level.URGENT else None


def blank_form(steps):
    """Return the form with nothing answered, as every GET of the first step shows it.

    Built once per app and shared: it is only ever read (never given data or validated), its
    labels are looked up in each request's language when shown, and every post builds a form
    of its own.
    """
    store = current_app.extensions.setdefault("pump_check_blank_form", {})
    form = store.get(id(steps))
    if form is None:
        form = store[id(steps)] = steps.forms[0](formdata=None)
    return form


def step_page(steps, reading, number: int, errors: bool = False):
    if reading is None and number == 1:  # the first step before any answer: fixed per language
        context = functools.partial(_step_context, steps, None, 1)
        return shells.page(("first-step", id(steps)), "questions.html", context, blank_form(steps))
    if reading is not None and not errors and _so_far(reading) is None and shells.keeping():
        # No error and no advice so far: the page with nothing answered, kept, and filled in.
        context = functools.partial(_shell_context, steps, number)
        shell = shells.kept(("step", id(steps), number), "questions.html", context)
        carried = _step_context(steps, reading, number)
        pairs = {"hidden": carried["hidden"], "kept": carried["kept"], "repost": repost_fields()}
        return make_response(shell.fill(pairs, reading.form))
    page = render_template("questions.html", **_step_context(steps, reading, number, errors))
    return make_response(page, 400 if errors else 200)


def _shell_context(steps, number: int) -> dict:
    """A step's page with nothing answered, with stand-ins for the carried answers."""
    return _with_carried(_step_context(steps, None, number), "hidden", "kept")


def _step_context(steps, reading, number: int, errors: bool = False) -> dict:
    form = reading.form if reading else blank_form(steps)
    step = steps.step(number)
    values = reading.values if reading else []
    return dict(
        form=form,
        ruleset=steps.ruleset,
        step=step,
        number=number,
        count=steps.count,
        title=flow.step_title(step, number),
        so_far=_so_far(reading),
        hidden=[(name, value) for name, value in values if name not in step.questions],
        kept=values,
        missing=[q for q in step.questions if reading and q in reading.missing],
        errors=errors,
    )


def summary_page(steps, reading):
    groups = [
        (number, flow.step_title(step, number), [reading.form[q] for q in step.questions])
        for number, step in enumerate(steps.ruleset.steps, start=1)
    ]
    context = {
        "groups": groups,
        "ruleset": steps.ruleset,
        "kept": reading.values,
        "count": steps.count,
        "so_far": _so_far(reading),
        "answered": reading.answers,
        "answer_words": flow.answer_words,
    }
    if context["so_far"] is None and shells.keeping():
        shell = shells.kept(("summary", id(steps)), "summary.html", lambda: _with_carried(context, "kept"))
        pairs = {"kept": reading.values, "repost": repost_fields()}
        return make_response(shell.fill(pairs, reading.form, context))
    return make_response(render_template("summary.html", **context))


def result_page(steps, reading):
    skipped, not_asked = flow.counts(steps, reading)
    result = reading.result
    context = result_context(
        result,
        steps.ruleset,
        skipped=skipped,
        not_asked=not_asked,
        answer_labels=flow.band_words(steps, reading),
    )
    if shells.keeping():
        # The page but its own parts is fixed per language and level: kept, and filled in.
        shell = shells.kept(
            ("result", id(steps), result.level), "result.html", lambda: _with_carried(context)
        )
        values = {**context, "language": language(), "contacts": contacts()}
        return make_response(shell.fill({"repost": repost_fields()}, None, values))
    return make_response(render_template("result.html", **context))


def result_context(result, ruleset, *, skipped=0, not_asked=0, answer_labels=None, checked_at=None) -> dict:
    """Return what result.html is rendered with (for the request's language)."""
    return {
        "result": result,
        "card": result_card.build(result, ruleset, language()),
        "emergency": result.level == Level.EMERGENCY,
        "ruleset": ruleset,
        "checked_at": checked_at or clinic_now(),
        "Level": Level,
        "skipped": skipped,
        "not_asked": not_asked,
        "answer_labels": answer_labels or {},
    }


def _with_carried(context: dict, *names: str) -> dict:
    """A page's context for its shell: the answers the language switch and `names` carry are
    stand-ins."""
    carried = {name: fragments.Carried(name) for name in names}
    return {**context, **carried, "language_switch": {**switch(), "fields": fragments.Carried("repost")}}


def unreadable_page(reading):
    """Some hidden answers cannot be read: say so, with any advice the others already call for."""
    advice = reading.result if reading.result.level > Level.NONE else None
    page = render_template(
        "error.html",
        title=UNREADABLE[0],
        message=UNREADABLE[1],
        advice=advice,
        advice_ruleset=loaded().ruleset,
    )
    return make_response(page, 400)


def init_app(app) -> None:
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.add_template_filter(tel_href, "tel")
    app.add_template_filter(phone_link, "phone_link")
    app.add_template_filter(action_html, "action_html")
    app.add_template_filter(capfirst, "capfirst")
    app.add_template_global(fragments.kept, "fragment")
    app.add_template_global(fragments.hidden_inputs, "hidden_inputs")
    # After CSRFProtect set Flask-WTF's own: a page shell needs a hole, wherever it is called.
    app.add_template_global(fragments.csrf_token, "csrf_token")
    app.add_template_global(fragments.rule_part, "rule_part")
    app.add_template_global(fragments.question, "question_html")
    app.add_template_global(fragments.call_question, "call_question_html")
    app.add_template_global(fragments.summary_row, "summary_row_html")
    app.add_template_global(fragments.because_line, "because_line_html")
    app.add_template_global(fragments.request_part, "request_part")
    app.jinja_env.globals["LEVEL_ICONS"] = LEVEL_ICONS
    # Browsers and crawlers ask for /favicon.ico whatever a page links: answer, do not 404.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))

    @app.context_processor
    def numbers():
        # csrf_token here too: Flask-WTF also gives pages its own in their context.
        return {"contacts": contacts(), "csrf_token": fragments.csrf_token}

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        # Say nothing of what was sent: the refused answers are not shown again.
        return error_page(400, *CSRF_REFUSED)
