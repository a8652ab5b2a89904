"""Pump Check: a symptom-triage checklist for people with an intrathecal baclofen pump."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_RULES = PROJECT_ROOT / "rules.yaml"


class StartupError(RuntimeError):
    """The app must not start; the message says what to fix."""


@dataclass(frozen=True)
class Loaded:
    """What the app serves, fixed at start-up: the rule set and the form built from it."""

    ruleset: object
    form_class: type


def create_app(test_config: dict | None = None):
    """Create the app; refuse to start on an invalid rule file or a missing secret key."""
    from flask import Flask  # imported here so the engine can be used without Flask

    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.from_mapping(
        SECRET_KEY=None,
        RULES_FILE=str(SHIPPED_RULES),
        CARE_TEAM_NAME="your care team",
        CARE_TEAM_PHONE="",
        AFTER_HOURS_PHONE="",
        EMERGENCY_NUMBER="911",
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.update(test_config)
    for key in ("CARE_TEAM_NAME", "CARE_TEAM_PHONE", "AFTER_HOURS_PHONE", "EMERGENCY_NUMBER"):
        app.config[key] = str(app.config[key])  # from_prefixed_env reads 911 as a number

    if not app.config["SECRET_KEY"] or len(str(app.config["SECRET_KEY"])) < 16:
        raise StartupError("set FLASK_SECRET_KEY to a long random value (at least 16 characters), "
                           "e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'")

    from . import api, call, forms, rules, views
    from .yamlfile import FileProblems

    try:
        ruleset = rules.load(app.config["RULES_FILE"])
    except FileProblems as problems:
        raise StartupError(f"the rule file is not valid, so no advice can be given:\n{problems}") \
            from None
    app.extensions["pump_check"] = Loaded(ruleset, forms.build_form(ruleset))

    views.init_app(app)
    api.init_app(app)
    call.init_app(app)
    return app
