"""Where a person's answers stay between pages: their own browser, in the signed session cookie.

Flask's session cookie is signed with the app's secret (a changed cookie is thrown away), HttpOnly
and SameSite=Lax, marked Secure behind HTTPS (web/security.py), and lives only as long as the
browser session: nothing is written on the server, and answers never enter an address or a log.
What it keeps: the answers given (given.Given), the rule set they were given to (another rule set
starts afresh), when the check began (a check left for more than MAX_AGE starts afresh: the
answers of yesterday are not today's), and which answers a page sent could not use.
"""

from __future__ import annotations

import time

from flask import session

from ..engine.model import RuleSet
from .given import Given

KEY = "check"
MAX_AGE = 12 * 3600  # seconds: a check is about how a person is now


def _current(ruleset: RuleSet) -> dict | None:
    """The check kept in the session, if it is for this rule set and not older than MAX_AGE."""
    kept = session.get(KEY)
    if not isinstance(kept, dict) or kept.get("rules") != ruleset.digest:
        return None
    started = kept.get("since")
    if not isinstance(started, int | float) or not 0 <= time.time() - started <= MAX_AGE:
        return None
    return kept


def load(ruleset: RuleSet) -> Given:
    """Return what this person has given so far (nothing, for a new or stale check)."""
    kept = _current(ruleset)
    return Given.from_json(ruleset, kept["given"]) if kept else Given()


def save(ruleset: RuleSet, given: Given) -> None:
    kept = _current(ruleset)
    session[KEY] = {
        "rules": ruleset.digest,
        "since": kept["since"] if kept else int(time.time()),
        "given": given.to_json(),
    }


def clear() -> None:
    """Forget every answer ("Start again")."""
    session.pop(KEY, None)
    session.pop("problems", None)


def keep_problems(address: str, problems: dict[str, str]) -> None:
    """Keep, for the next showing of a page, which of its fields a post could not use and why."""
    session["problems"] = {"page": address, "fields": problems}


def take_problems(address: str) -> dict[str, str]:
    """Return (and forget) the problems kept for this page: they are shown once."""
    kept = session.pop("problems", None)
    if not isinstance(kept, dict) or kept.get("page") != address or not isinstance(kept.get("fields"), dict):
        return {}
    return {k: v for k, v in kept["fields"].items() if isinstance(k, str) and isinstance(v, str)}
