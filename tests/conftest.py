"""Shared fixtures: an app on the shipped rules, its client and CLI runner."""

from pathlib import Path

import pytest

from triage import SHIPPED_RULES, create_app, rules

TESTS = Path(__file__).parent


@pytest.fixture(scope="session")
def ruleset():
    return rules.load(SHIPPED_RULES)


@pytest.fixture
def app():
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789",
                       "CARE_TEAM_NAME": "the Pump Clinic", "CARE_TEAM_PHONE": "555-0100",
                       "AFTER_HOURS_PHONE": "555-0199", "EMERGENCY_NUMBER": "911"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
