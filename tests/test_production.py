"""No silent default in production (issue 21): without the care team's number, patients would
be sent to their discharge papers and get no call button on an urgent result."""

from __future__ import annotations

import pytest
from helpers import TEST_CONFIG

from triage import StartupError, create_app


def test_production_refuses_to_start_without_a_care_team_phone_and_says_how():
    with pytest.raises(
        StartupError, match=r"set it to the care team's number, e\.g\. FLASK_CARE_TEAM_PHONE="
    ):
        create_app({**TEST_CONFIG, "PRODUCTION": True, "CARE_TEAM_PHONE": ""})


def test_production_with_a_care_team_phone_starts_and_a_try_out_without_one_starts_too():
    assert create_app({**TEST_CONFIG, "PRODUCTION": True})
    assert create_app({**TEST_CONFIG, "CARE_TEAM_PHONE": ""})


def test_gunicorn_runs_the_app_in_production(monkeypatch):
    """gunicorn.conf.py marks its app as production unless FLASK_PRODUCTION says otherwise."""
    import runpy

    from triage import PROJECT_ROOT

    monkeypatch.setenv("FLASK_PRODUCTION", "")  # recorded, so the test leaves the environment as it was
    monkeypatch.delenv("FLASK_PRODUCTION")
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert settings["wsgi_app"] == "wsgi:app"
    import os

    assert os.environ["FLASK_PRODUCTION"] == "true"
