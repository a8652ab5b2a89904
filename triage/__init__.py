"""Pump Check: a symptom-triage checklist for people with an intrathecal baclofen pump."""

from __future__ import annotations

import os
import re
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .startup import PROJECT_ROOT, SHIPPED_RULES, StartupError

if TYPE_CHECKING:  # only for the annotations of Loaded: importing them here would load Flask
    from .engine.model import RuleSet
    from .safety import SafetyReport

__all__ = ["PROJECT_ROOT", "SHIPPED_RULES", "Loaded", "StartupError", "create_app"]

# Settings that are text, whatever they look like. `from_prefixed_env` parses values as JSON,
# so 911 would arrive as a number and 1.50 as 1.5: these are read back as the exact string.
TEXT_SETTINGS = (
    "SECRET_KEY",
    "RULES_FILE",
    "CARE_TEAM_NAME",
    "CARE_TEAM_PHONE",
    "AFTER_HOURS_PHONE",
    "EMERGENCY_NUMBER",
    "EMERGENCY_ROOM",
    "CALL_BACK_MINUTES",
    "TIME_ZONE",
)
MIN_SECRET_KEY_LENGTH = 16
# FLASK_CARE_TEAM_NAME_ES, FLASK_EMERGENCY_ROOM_ES etc.: a name in one language of the rule file.
NAME_IN_A_LANGUAGE = re.compile(r"FLASK_(CARE_TEAM_NAME|EMERGENCY_ROOM)_[A-Z]{2}")


@dataclass(frozen=True)
class Loaded:
    """What the app serves, fixed at start-up: the rule set, the form of each of the check's
    pages, and the safety report that proved that very rule set safe."""

    ruleset: RuleSet
    page_forms: dict  # (step id, details?) -> the page's form class (patient/forms.py)
    safety: SafetyReport | None = None  # /healthz is ready only when it is ok


def create_app(test_config: dict | None = None):
    """Create the app; refuse to start on an invalid or unsafe rule file or a missing secret key."""
    from flask import Flask  # imported here so the engine can be used without Flask

    app = Flask(
        __name__, template_folder=str(PROJECT_ROOT / "templates"), static_folder=str(PROJECT_ROOT / "static")
    )
    app.config.from_mapping(
        SECRET_KEY=None,
        RULES_FILE=str(SHIPPED_RULES),
        CARE_TEAM_NAME="your care team",
        CARE_TEAM_PHONE="",
        AFTER_HOURS_PHONE="",
        EMERGENCY_NUMBER="911",
        EMERGENCY_ROOM="",  # where to go at "go to the emergency room now"; per language: _ES
        CALL_BACK_MINUTES="30",  # at "call now": go to the emergency room if no call back by then
        TIME_ZONE="UTC",  # the clinic's, for the times on results and chart notes
        MAX_CONTENT_LENGTH=64 * 1024,
        MAX_FORM_MEMORY_SIZE=64 * 1024,
        MAX_FORM_PARTS=200,
        PROXY_FIX=0,
        # FLASK_PRODUCTION (gunicorn.conf.py sets it): patients use this app, so it refuses to
        # start without the care team's number rather than send them to their discharge papers.
        PRODUCTION=False,
        TRUSTED_HOSTS=None,  # FLASK_TRUSTED_HOSTS: see security.trusted_hosts
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A tired patient may leave the questions open for hours; an expired token would
        # throw their answers away. The token still dies with the browser session.
        WTF_CSRF_TIME_LIMIT=24 * 3600,
    )
    if test_config is None:
        app.config.from_prefixed_env()
        for key in (*TEXT_SETTINGS, "TRUSTED_HOSTS"):  # host names: a list, read as text
            if f"FLASK_{key}" in os.environ:
                app.config[key] = os.environ[f"FLASK_{key}"]
        for name, value in os.environ.items():  # the care team's name in other languages
            if NAME_IN_A_LANGUAGE.fullmatch(name):
                app.config[name.removeprefix("FLASK_")] = value.strip()
    else:
        app.config.update(test_config)
    _check_config(app.config)

    from . import rules, walk
    from .api import endpoints as api
    from .nurse import call, sheet
    from .patient import forms, views, when_to_call
    from .rules.yamlfile import FileProblems
    from .safety import proofs
    from .web import errors, health, i18n, pages, security

    try:
        ruleset = rules.load(app.config["RULES_FILE"])
    except FileProblems as problems:
        raise StartupError(f"the rule file is not valid, so no advice can be given:\n{problems}") from None
    # The proofs run on the rule set built from the very bytes just read (not the file again).
    report = proofs.prove_or_refuse(ruleset)
    app.extensions["pump_check"] = Loaded(ruleset, forms.build(ruleset), report)

    security.init_app(app)
    pages.init_app(app)
    views.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    api.init_app(app)
    call.init_app(app)
    sheet.init_app(app)
    when_to_call.init_app(app)
    health.init_app(app)
    reserved = walk.reserved_problems(app, ruleset)
    if reserved:
        raise walk.ReservedNames(reserved)
    return app


def _check_config(config) -> None:
    """Make the contact settings plain text; refuse a weak secret or no emergency number."""
    for key in TEXT_SETTINGS[1:]:
        value = config[key]
        config[key] = "" if value is None else str(value).strip()
    secret = config["SECRET_KEY"]
    if not isinstance(secret, str | bytes) or len(secret.strip()) < MIN_SECRET_KEY_LENGTH:
        raise StartupError(
            f"set FLASK_SECRET_KEY to a long random value (at least "
            f"{MIN_SECRET_KEY_LENGTH} characters), e.g. "
            "python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if not config["EMERGENCY_NUMBER"]:
        raise StartupError(
            "FLASK_EMERGENCY_NUMBER is empty; set it to the local emergency "
            "number (or leave it unset for 911)"
        )
    if config.get("PRODUCTION") and not config["CARE_TEAM_PHONE"]:
        raise StartupError(
            "FLASK_CARE_TEAM_PHONE is not set, so patients would be told to look for the number "
            "on their discharge papers and get no call button on an urgent result; set it to the "
            "care team's number, e.g. FLASK_CARE_TEAM_PHONE='555-0100' (and FLASK_AFTER_HOURS_PHONE "
            "if calls out of hours go elsewhere)"
        )
    minutes = config["CALL_BACK_MINUTES"] or "30"
    if not (minutes.isascii() and minutes.isdigit() and 5 <= int(minutes) <= 240):
        raise StartupError(
            f"FLASK_CALL_BACK_MINUTES {minutes!r} is not a number of minutes from 5 to 240; it is how "
            "long a patient told to call now waits for a call back before going to the emergency room"
        )
    config["CALL_BACK_MINUTES"] = str(int(minutes))
    try:
        zoneinfo.ZoneInfo(config["TIME_ZONE"] or "UTC")
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise StartupError(
            f"FLASK_TIME_ZONE {config['TIME_ZONE']!r} is not a known time zone; "
            "use a name such as America/Chicago, or leave it unset for UTC"
        ) from None
    config["TIME_ZONE"] = config["TIME_ZONE"] or "UTC"
    config["CARE_TEAM_NAME"] = config["CARE_TEAM_NAME"] or "your care team"
    config["RULES_FILE"] = config["RULES_FILE"] or str(SHIPPED_RULES)
