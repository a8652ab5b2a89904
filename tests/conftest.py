"""Shared fixtures: an app on the rules under test, its client and CLI runner.

The rules under test are the shipped rules.yaml, or FLASK_RULES_FILE when it is set (a clinic's
edited copy: the app's tests hold for any valid rule set).
"""

from pathlib import Path

import pytest
from helpers import RULES_FILE, TEST_CONFIG

from triage import create_app, rules

TESTS = Path(__file__).parent
PROJECT = TESTS.parent


@pytest.fixture(scope="session")
def ruleset():
    return rules.load(RULES_FILE)


@pytest.fixture
def app():
    return create_app(dict(TEST_CONFIG))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
