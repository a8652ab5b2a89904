"""Helpers the test modules share: `from helpers import csrf_token` (tests/ is on the path)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from triage import SHIPPED_RULES

# The rules under test: the shipped rules.yaml, or FLASK_RULES_FILE when it is set (a clinic's
# edited copy: the app's tests hold for any valid rule set).
RULES_FILE = os.environ.get("FLASK_RULES_FILE") or str(SHIPPED_RULES)
# The app the tests use; a test that needs other settings writes {**TEST_CONFIG, "KEY": value}.
TEST_CONFIG = {
    "TESTING": True,
    "RULES_FILE": RULES_FILE,
    "SECRET_KEY": "test-secret-key-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
    "EMERGENCY_NUMBER": "911",
    "EMERGENCY_ROOM": "the emergency room at St. Mary's",
}

# A small valid rule file (every file in tests/rules_invalid is it with a mistake put in), and
# example cases with which it passes `rules verify`. For tests of what does not depend on the
# rules' content, such as a server's start-up and reload: it is proved safe in a blink, where the
# shipped rules take about 7 s of CPU in every new process.
SMALL_RULES = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
SMALL_CASES = """\
- name: early fever
  answers: {days_since_surgery: 5, fever: yes}
  level: urgent
  categories: [site_infection]
- name: near miss - no fever
  answers: {days_since_surgery: 5, fever: no}
  level: none
  categories: []
- name: spreading redness
  answers: {redness: spreading}
  level: urgent
  categories: [site_infection]
- name: near miss - red edge
  answers: {redness: edge}
  level: none
  categories: []
"""

# The hidden CSRF field of a form, whatever order its attributes are written in.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_in(page: str | bytes) -> str:
    """Return the CSRF token of the first form on a page."""
    text = page.decode() if isinstance(page, bytes) else page
    match = CSRF_TOKEN.search(text)
    assert match, "the page has no CSRF token"
    return match.group(1)


def csrf_token(client, path: str = "/", **request) -> str:
    """Open a page as a browser would (`request`: base_url, headers) and return its CSRF token
    (the start page's, by default: its "Start" button is a form)."""
    return token_in(client.get(path, **request).get_data(as_text=True))


def gunicorn_settings() -> dict:
    """Run gunicorn.conf.py in this process and return its settings, leaving the environment as
    it was (the file sets FLASK_PRODUCTION for the app gunicorn loads, not for the other tests)."""
    import os
    import runpy
    from unittest import mock

    from triage import PROJECT_ROOT

    with mock.patch.dict(os.environ):
        return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
