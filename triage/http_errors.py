"""Answer any HTTP error: JSON under /api/ and /fhir/, else a page with the numbers to call.

Its own module because it needs both front doors: views.py (the page) and api.py (the JSON),
and api.py already imports views.py for the web helpers.
"""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import HTTPException

from .api import http_error_json
from .views import PAGE_ERRORS, error_page


def http_error(error: HTTPException):
    """Answer one HTTP error in the form the caller reads: JSON for the API, else a page."""
    status = error.code or 500
    if request.path.startswith(("/api/", "/fhir/")):
        response, status = http_error_json(error)
    else:
        title, message = PAGE_ERRORS.get(status, (error.name, PAGE_ERRORS[400][1]))
        response, status = error_page(status, title, message)
    allowed = getattr(error, "valid_methods", None)  # a MethodNotAllowed names them
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response, status


def init_app(app) -> None:
    app.register_error_handler(HTTPException, http_error)
