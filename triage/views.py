"""The patient's pages: start, the questions, the result."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from . import engine
from .model import Level

bp = Blueprint("check", __name__)
csrf = CSRFProtect()


def loaded():
    """Return what the app serves: the rule set and its form class."""
    return current_app.extensions["pump_check"]


def contacts() -> dict[str, str]:
    """Return the numbers every page shows, with plain words where one is not configured."""
    config = current_app.config
    care_team_phone = config["CARE_TEAM_PHONE"] or "the number on your discharge papers"
    return {
        "emergency_number": config["EMERGENCY_NUMBER"],
        "care_team": config["CARE_TEAM_NAME"],
        "care_team_phone": care_team_phone,
        "after_hours_phone": config["AFTER_HOURS_PHONE"] or care_team_phone,
    }


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
    ruleset = loaded().ruleset
    form = loaded().form_class()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        page = render_template("questions.html", form=form, ruleset=ruleset)
        return no_store(make_response(page, status))
    answers = {q.id: form[q.id].data for q in ruleset.questions}
    result = engine.evaluate(ruleset, answers)
    page = render_template("result.html", result=result, ruleset=ruleset,
                           checked_at=datetime.now(UTC), Level=Level)
    return no_store(make_response(page))


def init_app(app) -> None:
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.context_processor
    def numbers():
        return {"contacts": contacts(), "language": "en"}

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        page = render_template("error.html", title="Your answers were not sent",
                               message="This page was open too long or was sent twice, so we "
                               "could not safely accept it. Please start the check again.")
        return no_store(make_response(page, 400))

    for status, title in ((404, "Page not found"), (405, "This page cannot do that"),
                          (413, "Too much was sent"), (500, "Something went wrong")):
        app.register_error_handler(status, _error_page(status, title))


def _error_page(status: int, title: str):
    def handler(error):
        message = getattr(error, "description", "") if status != 500 else (
            "Pump Check could not give advice this time. If you are worried, do not wait: "
            "call the numbers below.")
        if request.path.startswith("/api/"):
            return no_store(jsonify({"errors": [{"field": None, "message": message or title}]})), status
        return no_store(make_response(render_template("error.html", title=title,
                                                      message=message), status))
    return handler
