"""Answer any HTTP error: JSON under /api/ and /fhir/, else a page with the numbers to call.

The JSON refusal (`error`) is also what the API and the security checks answer with; the page
(`error_page`) is also what the patient's pages answer with.
"""

from __future__ import annotations

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from ..engine.evaluation import ECHO
from .i18n import lazy_gettext

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

MAX_ERRORS = 50  # a refusal lists at most this many problems
MAX_ECHO = ECHO  # characters of a client's own key or value repeated back in a message (80)


def clip(text: str) -> str:
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "..."


def error(status: int, errors: list[dict]):
    """Return a JSON refusal: `errors` is a list of {field, message}."""
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = errors[:MAX_ERRORS] + [{"field": None, "message": f"and {more} more problems"}]
    return jsonify({"errors": errors}), status


def http_error_json(problem: HTTPException):
    """Return the JSON refusal for an HTTP error under /api/ (404, 405, 413, 500...)."""
    status = problem.code or 500
    if status == 404 and request.path.startswith("/fhir/"):
        message = "there is nothing at this address; FHIR has GET /fhir/Questionnaire"
    elif status == 404:
        message = (
            "there is nothing at this address; the API has GET /api/v1/questions and "
            "POST /api/v1/triage, described in GET /api/v1/openapi.json"
        )
    elif status == 405:
        methods = getattr(problem, "valid_methods", None) or ()  # a MethodNotAllowed names them
        allowed = " or ".join(m for m in methods if m not in ("HEAD", "OPTIONS"))
        message = f"{clip(request.method)} is not allowed here; use {allowed}"
    elif status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        message = (
            f"the request body is too large: the limit is {limit} bytes "
            f"({limit // 1024} KB), and a triage request needs far less"
        )
    elif status >= 500:
        message = (
            "the server could not work out advice for this request; nothing was stored. "
            "Try again, and if it keeps happening tell the people who run Pump Check"
        )
    else:
        message = f"the request could not be used ({problem.name})"
    return error(status, [{"field": None, "message": message}])


# app.extensions[ADVICE]: a function giving the advice a visitor's answers so far call for, if
# any (the check's pages register it): an error page never hides advice already called for.
ADVICE = "pump_check_advice"


def error_page(status: int, title: str, message: str):
    """A page that says what went wrong, the numbers to call, and any advice already called for."""
    advice = current_app.extensions.get(ADVICE, lambda: None)()
    page = render_template("error.html", title=title, message=message, status=status, advice=advice)
    return make_response(page), status


def http_error(problem: HTTPException):
    """Answer one HTTP error in the form the caller reads: JSON for the API, else a page."""
    status = problem.code or 500
    if request.path.startswith(("/api/", "/fhir/")):
        response, status = http_error_json(problem)
    else:
        # Any other status (415, 429...): words in the patient's language, not werkzeug's English
        # name (Spanish review 2026-12, L10).
        title, message = PAGE_ERRORS.get(status, (PAGE_ERRORS[500][0], PAGE_ERRORS[400][1]))
        response, status = error_page(status, title, message)
    allowed = getattr(problem, "valid_methods", None)  # a MethodNotAllowed names them
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response, status


def init_app(app) -> None:
    app.register_error_handler(HTTPException, http_error)
