"""The printable "When to call" sheet: what to watch for at home, and whom to call, by level.

Clinics hand it out at discharge. It is built from the rules in force (triage.signs), so the
paper sheet and the app can never disagree; it names the rule set's version and digest.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from ..engine import signs
from ..engine.model import Level
from ..web import shells
from ..web.i18n import language

bp = Blueprint("when_to_call", __name__)


@bp.get("/when-to-call")
def sheet():
    """Show the sheet in the patient's language (the switch, `?lang=`, or the browser's)."""
    ruleset = current_app.extensions["pump_check"].ruleset
    # The same for everyone in a language (the rules in force, the clinic's numbers): kept.
    return shells.page(
        ("when-to-call", ruleset.digest),
        "when_to_call.html",
        lambda: {"ruleset": ruleset, "Level": Level, "groups": signs.watch_for(ruleset, language())},
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
