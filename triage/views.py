"""The patient's pages: start, the questions, the result, and friendly error pages."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

from flask import Blueprint, current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup

from . import flow, fragments, result_card
from .i18n import language, lazy_gettext
from .model import Level

bp = Blueprint("check", __name__)
csrf = CSRFProtect()

# Error pages in plain words: (title, what happened and what to do), in the patient's language.
PAGE_ERRORS = {
    400: (
        lazy_gettext("Your answers could not be read"),
        lazy_gettext(
            "Something in what was sent could not be read, so no advice was given. "
            "Please start the check again."
        ),
    ),
    404: (
        lazy_gettext("Page not found"),
        lazy_gettext("There is no page at this address. Check the address, or start the check again."),
    ),
    405: (
        lazy_gettext("This page cannot do that"),
        lazy_gettext("This page cannot be used that way. Please start the check again."),
    ),
    413: (
        lazy_gettext("Too much was sent"),
        lazy_gettext(
            "More was sent than a symptom check needs, so it was not read. Please start the check again."
        ),
    ),
    500: (
        lazy_gettext("Something went wrong"),
        lazy_gettext(
            "Pump Check could not give advice this time. If you are worried, do not wait: call for help now."
        ),
    ),
}
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


def loaded():
    """Return what the app serves: the rule set, its forms and its steps."""
    return current_app.extensions["pump_check"]


def contacts() -> dict[str, str]:
    """Return the numbers every page shows, with plain words where one is not configured.

    A fill-in fits the slot every sentence gives it (docs/glossary-es.md, "Fill-ins"): a phone
    follows "at" / "al", so the unset wording is a phrase with no article in Spanish
    ("al número que aparece en sus papeles de alta", never "al el número").
    """
    # Fixed per app and language (the settings do not change once the app is made): once each.
    kept = current_app.extensions.setdefault("pump_check_contacts", {})
    numbers = kept.get(language())
    if numbers is None:
        numbers = kept[language()] = _contacts()
    return dict(numbers)  # a copy: a caller may add to it


def _contacts() -> dict[str, str]:
    config = current_app.config
    care_team_phone = config["CARE_TEAM_PHONE"] or _("the number on your discharge papers")
    care_team = care_team_name(config, language())
    return {
        "emergency_number": config["EMERGENCY_NUMBER"],
        "care_team": care_team,
        "care_team_phone": care_team_phone,
        "after_hours_phone": config["AFTER_HOURS_PHONE"] or care_team_phone,
    }


def care_team_name(config, language: str) -> str:
    """Name the care team in `language`: FLASK_CARE_TEAM_NAME_<LANG>, else (in English only)
    FLASK_CARE_TEAM_NAME, else "your care team" in that language, never one language's name
    inside another's sentence ("llame a the Pump Clinic")."""
    name = config.get(f"CARE_TEAM_NAME_{language.upper()}") or (
        config["CARE_TEAM_NAME"] if language == "en" else ""
    )
    return name if name and name != "your care team" else _("your care team")


def tel_href(number: str) -> str:
    """Return a `tel:` link for a phone number, or "" if it has no digits to dial."""
    digits = re.sub(r"[^0-9+*#]", "", number or "")
    return f"tel:{digits}" if re.search(r"[0-9]", digits) else ""


def phone_link(number: str) -> Markup:
    """Return a phone number as a tap-to-call link (plain text if it has nothing to dial)."""
    href = tel_href(number)
    return Markup('<a class="tel" href="{}">{}</a>').format(href, number) if href else Markup.escape(number)


def action_html(action: str) -> Markup:
    """Fill a level's action from the rule file with the clinic's numbers, each one tappable."""
    numbers = contacts()
    return Markup.escape(action).format(
        care_team=numbers["care_team"],
        **{
            key: phone_link(numbers[key])
            for key in ("emergency_number", "care_team_phone", "after_hours_phone")
        },
    )


def capfirst(text: str) -> str:
    """Capitalise the first letter only ("the Pump Clinic" -> "The Pump Clinic")."""
    return text[:1].upper() + text[1:]


def clinic_now() -> datetime:
    """Return the time now in the clinic's time zone (FLASK_TIME_ZONE)."""
    return datetime.now(zoneinfo.ZoneInfo(current_app.config["TIME_ZONE"]))


def no_store(response):
    """Keep a page with patient answers out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.get("/")
def start():
    return render_template("start.html", question_count=len(loaded().ruleset.questions))


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
    form = reading.form if reading else blank_form(steps)
    step = steps.step(number)
    values = reading.values if reading else []
    page = render_template(
        "questions.html",
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
    return no_store(make_response(page, 400 if errors else 200))


def summary_page(steps, reading):
    groups = [
        (number, flow.step_title(step, number), [reading.form[q] for q in step.questions])
        for number, step in enumerate(steps.ruleset.steps, start=1)
    ]
    page = render_template(
        "summary.html",
        groups=groups,
        ruleset=steps.ruleset,
        kept=reading.values,
        count=steps.count,
        so_far=_so_far(reading),
        answered=reading.answers,
        answer_words=flow.answer_words,
    )
    return no_store(make_response(page))


def result_page(steps, reading):
    skipped, not_asked = flow.counts(steps, reading)
    page = render_template(
        "result.html",
        result=reading.result,
        ruleset=steps.ruleset,
        checked_at=clinic_now(),
        Level=Level,
        skipped=skipped,
        not_asked=not_asked,
        answer_labels=flow.band_words(steps, reading),
    )
    return no_store(make_response(page))


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
    return no_store(make_response(page, 400))


def init_app(app) -> None:
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.add_template_filter(tel_href, "tel")
    app.add_template_filter(phone_link, "phone_link")
    app.add_template_filter(action_html, "action_html")
    app.add_template_filter(capfirst, "capfirst")
    app.add_template_global(result_card.build, "result_card")
    app.add_template_global(fragments.kept, "fragment")
    app.add_template_global(fragments.hidden_inputs, "hidden_inputs")
    app.add_template_global(fragments.rule_part, "rule_part")
    app.add_template_global(fragments.question, "question_html")
    app.add_template_global(fragments.call_question, "call_question_html")
    # Browsers and crawlers ask for /favicon.ico whatever a page links: answer, do not 404.
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.ico"))

    @app.context_processor
    def numbers():
        return {"contacts": contacts()}

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        # Say nothing of what was sent: the refused answers are not shown again.
        return error_page(400, *CSRF_REFUSED)


def error_page(status: int, title: str, message: str):
    page = render_template("error.html", title=title, message=message, status=status)
    return no_store(make_response(page)), status
