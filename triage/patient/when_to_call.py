"""The printable "When to call" sheet: what to watch for at home, and whom to call, by level.

Clinics hand it out at discharge. It is built from the rules in force (triage.signs), so the
paper sheet and the app can never disagree; it names the rule set's version and digest.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..engine import signs
from ..engine.model import Level
from ..web.i18n import language

bp = Blueprint("when_to_call", __name__)


@bp.get("/when-to-call")
def sheet():
    """Show the sheet in the patient's language (the switch, `?lang=`, or the browser's)."""
    ruleset = current_app.extensions["pump_check"].ruleset
    return render_template(
        "when_to_call.html", ruleset=ruleset, Level=Level, groups=signs.watch_for(ruleset, language())
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
