"""`GET /healthz` for load balancers and deploy scripts: ready only with a valid rule set in force.

The app refuses to start on an invalid or unsafe rule file (one that fails the safety proofs),
so a running app normally always has a proved one; the check still looks, so that a half-built
app can never report ready.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..engine.model import RuleSet
from ..safety import SafetyReport

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    loaded = current_app.extensions.get("pump_check")
    ruleset = getattr(loaded, "ruleset", None)
    if not isinstance(ruleset, RuleSet) or not ruleset.rules or not ruleset.digest:
        return jsonify({"status": "not ready", "reason": "no valid rule set is loaded"}), 503
    report = getattr(loaded, "safety", None)
    if not isinstance(report, SafetyReport) or not report.ok:
        return jsonify({"status": "not ready", "reason": "the rule set in force is not proved safe"}), 503
    return jsonify({"status": "ready", "rules_version": ruleset.version, "rules_digest": ruleset.digest})


def init_app(app) -> None:
    app.register_blueprint(bp)
