"""Shared fixtures: an app on the shipped rules, its client and CLI runner."""

import re
from pathlib import Path

import pytest

from triage import SHIPPED_RULES, create_app, engine, rules
from triage.model import Level

TESTS = Path(__file__).parent
PROJECT = TESTS.parent

TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789",
               "CARE_TEAM_NAME": "the Pump Clinic", "CARE_TEAM_PHONE": "555-0100",
               "AFTER_HOURS_PHONE": "555-0199", "EMERGENCY_NUMBER": "911"}


@pytest.fixture(scope="session")
def ruleset():
    return rules.load(SHIPPED_RULES)


@pytest.fixture
def app():
    return create_app(dict(TEST_CONFIG))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client) -> str:
    """Open the questions page as a browser would and return the form's CSRF token."""
    page = client.get("/check").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def none_answers(ruleset) -> dict[str, str]:
    """Return the form answers of someone with no symptoms: the first option everywhere."""
    return {q.id: q.values[0] for q in ruleset.questions if not q.number}


@pytest.fixture
def submit(client, ruleset):
    """Post the self-check form like a browser: a fresh CSRF token, then the answers."""

    def post(answers: dict, *, with_token: bool = True):
        data = dict(answers)
        if with_token:
            data["csrf_token"] = csrf_token(client)
        return client.post("/check", data=data)

    return post


def answer_giving(ruleset, level: Level, questions=None) -> dict[str, str] | None:
    """Return one answer that alone gives `level` (every other answer its mildest), or None.

    Derived from the loaded rules, so tests hold for any valid rule file.
    """
    base = none_answers(ruleset)
    for question in questions or ruleset.questions:
        for value in question.values[1:]:
            if engine.evaluate(ruleset, {**base, question.id: value}).level == level:
                return {question.id: value}
    return None


def step_form_fields(html: str) -> dict[str, str]:
    """Return the hidden fields of a step's own form (the last form in the main content)."""
    main = html[html.index("<main"):]
    form = main[main.rindex('<form method="post" action="/check" novalidate>'):]
    form = form[:form.index("</form>")]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))


@pytest.fixture
def post_step(client):
    """Post a step as its page does: a fresh CSRF token, the step, the button, the answers."""

    def post(number: int, answers: dict, go: str = "next", **extra):
        data = {"csrf_token": csrf_token(client), "step": str(number), "go": go, **answers, **extra}
        return client.post("/check", data=data)

    return post
