"""Issue 12, the security review: each finding that the app itself closes, tested through the app.

Findings closed in the deployment (nginx, gunicorn, the reload script) are tested in
test_nginx.py, test_security.py (gunicorn's logs) and test_health.py; the rule loader's limits in
test_yamlfile.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from helpers import SMALL_RULES, csrf_token
from walker import Walker
from werkzeug.datastructures import MultiDict

from triage import StartupError, create_app, rules, safety
from triage.safety import proofs

TESTS = Path(__file__).parent
UNSAFE = sorted((TESTS / "rules_unsafe").glob("*.yaml"))
CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789"}


# --- Finding 2: the safety proofs are part of fail-closed ---


def unsafe_files() -> list[Path]:
    """The files of tests/rules_unsafe that load but fail a safety property."""
    found = []
    for file in UNSAFE:
        try:
            ruleset = rules.load(file)
        except Exception:  # noqa: BLE001 - an invalid file is refused earlier, by the loader
            continue
        if not safety.check(ruleset).ok:
            found.append(file)
    return found


def test_the_unsafe_examples_include_each_kind_of_failure():
    failing = {
        result.name
        for file in unsafe_files()
        for result in safety.check(rules.load(file)).properties
        if not result.ok
    }
    assert failing >= {"Monotonicity", "Red-flag floor", "Reachability"}


@pytest.mark.parametrize("file", unsafe_files(), ids=lambda file: file.name)
def test_the_app_refuses_to_start_on_a_rule_file_that_fails_the_proofs(file):
    report = safety.check(rules.load(file))
    with pytest.raises(StartupError) as refused:
        create_app({**CONFIG, "RULES_FILE": str(file)})
    message = str(refused.value)
    assert f"the rule file {file} is valid but not safe" in message
    for result in report.properties:
        assert (f"{result.number}. {result.name}: FAILED" in message) == (not result.ok)
    assert "counterexample:" in message


def test_a_slow_breathing_red_flag_that_gets_only_urgent_stops_the_app():
    with pytest.raises(StartupError, match="Red-flag floor: FAILED"):
        create_app({**CONFIG, "RULES_FILE": str(TESTS / "rules_unsafe" / "red_flag.yaml")})


def test_a_rule_file_with_only_warnings_starts():
    report = safety.check(rules.load(TESTS / "rules_unsafe" / "hidden.yaml"))
    assert report.ok and any(result.warnings for result in report.properties)
    app = create_app({**CONFIG, "RULES_FILE": str(TESTS / "rules_unsafe" / "hidden.yaml")})
    assert app.test_client().get("/healthz").status_code == 200


def test_the_proofs_run_on_the_very_rule_set_the_app_serves(monkeypatch):
    proved = []
    monkeypatch.setattr(proofs, "_REPORTS", {})
    real_check = safety.check
    monkeypatch.setattr(safety, "check", lambda ruleset: proved.append(ruleset) or real_check(ruleset))
    config = {**CONFIG, "RULES_FILE": str(SMALL_RULES)}  # proved in a blink (the shipped: 7 s again)
    app = create_app(dict(config))
    loaded = app.extensions["pump_check"]
    assert len(proved) == 1 and proved[0] is loaded.ruleset
    assert loaded.safety.ok
    create_app(dict(config))  # the same bytes again in this process: proved once
    assert len(proved) == 1


# --- Finding 4: the language switch never links to another site ---


@pytest.mark.parametrize(
    "path",
    [
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "/%2F%2Fevil.example",
        "/%09/evil.example",
        "/check",
        "/",
        "/no/such/page",
    ],
)
def test_the_language_switch_links_stay_on_this_site(client, path):
    response = client.get(path, follow_redirects=True)  # /check: the first page of the check
    page = response.get_data(as_text=True)
    links = re.findall(r'<a href="([^"]*)" hreflang=', page)
    assert links, "the page has a language switch"
    for href in links:
        assert href.startswith("?lang="), href  # query only: this page, another language
        # Browsers read a backslash as a slash; either way the link must stay here.
        for form in (href, href.replace("\\", "/")):
            for at in (path, response.request.path):
                assert urlsplit(urljoin("http://localhost" + at, form)).netloc == "localhost"


def test_the_language_switch_still_changes_the_language(client):
    page = client.get("/no/such/page").get_data(as_text=True)
    href = re.search(r'<a href="([^"]*)" hreflang="es"', page).group(1)
    page = client.get("/no/such/page" + href).get_data(as_text=True)
    assert '<html lang="es">' in page


# --- Finding 7: only the configured host names are answered ---


def test_a_foreign_host_gets_400_and_no_redirect_to_it(client):
    response = client.get("/api//v1/questions", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert "attacker.example" not in response.headers.get("Location", "")
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


def test_configured_and_loopback_hosts_are_answered(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "test-secret-key-0123456789")
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", "pumpcheck.example.org, other.example.org")
    client = create_app().test_client()
    for host in ("pumpcheck.example.org", "other.example.org:443", "localhost", "127.0.0.1:8000"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    assert client.get("/healthz", headers={"Host": "attacker.example"}).status_code == 400
    response = client.get("/api//v1/questions", headers={"Host": "pumpcheck.example.org"})
    assert response.headers["Location"].startswith("http://pumpcheck.example.org/")


def test_behind_a_proxy_the_host_names_are_required():
    with pytest.raises(StartupError, match="set FLASK_TRUSTED_HOSTS"):
        create_app({**CONFIG, "PROXY_FIX": 1})


# --- Finding 9: a repeated form field is refused, as the API refuses a repeated key ---
# (on the staff pages: the check's own pages ask a repeated answer again and keep the rest, so no
# advice hides behind a refusal, issue 25 L2; tests/test_flow.py tests that)


@pytest.mark.parametrize("path", ["/call"])
def test_a_repeated_form_field_is_refused(client, ruleset, path):
    question = next(q for q in ruleset.questions if not q.number and len(q.values) > 1)
    token = csrf_token(client, path)
    body = [("csrf_token", token), (question.id, question.values[-1]), (question.id, question.values[0])]
    response = client.post(path, data=MultiDict(body))
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    once = client.post(path, data=MultiDict(body[:2]))
    assert once.status_code != 400 or "could not be read" not in once.get_data(as_text=True)


def test_the_check_for_repeated_fields_allows_a_multi_answer_field(app):
    from flask_wtf import FlaskForm
    from wtforms import SelectMultipleField

    from triage.web import security

    class WithList(FlaskForm):
        signs = SelectMultipleField(choices={"a": "A", "b": "B"})

    app.extensions["a staff page's form"] = WithList  # as call mode keeps its form class
    app.extensions.pop("pump_check_multi_value_fields", None)
    fields = security.multi_value_fields(app)
    assert "signs" in fields
    assert "fever" not in fields and "csrf_token" not in fields  # one-answer fields may not repeat


# --- Finding 10: call mode reads the days as the patient form does (fixed by the call-mode work) ---


@pytest.mark.parametrize("days", ["1_0", "١٢", "９０"])
def test_call_mode_refuses_days_the_patient_form_refuses(client, ruleset, days):
    number = next(q for q in ruleset.questions if q.number)
    walker = Walker(client)
    walker.start()
    while number.id not in walker.page.fields and not walker.page.is_result:
        walker.send(walker.mildest())
    if walker.page.is_result:
        pytest.skip(f"no page of the check asks {number.id} (a sign opens it)")
    at = walker.page.address
    again = walker.send({**walker.mildest(), number.id: days})
    assert (again.address, again.status) == (at, 400)  # the patient's page asks again
    data = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    call = client.post("/call", data={**data, number.id: days, "csrf_token": csrf_token(client, "/call")})
    assert call.status_code == 400


# --- Finding 12: JSON is UTF-8 only; a huge number is not echoed whole ---


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_json_body_that_is_not_utf8_is_refused(client, encoding):
    body = json.dumps({"answers": {}}).encode(encoding)
    response = client.post("/api/v1/triage", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "UTF-8" in json.dumps(response.get_json())
    utf8 = client.post(
        "/api/v1/triage", data=json.dumps({"answers": {}}).encode(), content_type="application/json"
    )
    assert utf8.status_code == 200


def test_an_out_of_range_number_is_not_echoed_whole(client, ruleset):
    number = next(q for q in ruleset.questions if q.number)
    huge = 10**449
    response = client.post(
        "/api/v1/triage", data=f'{{"answers": {{"{number.id}": {huge}}}}}', content_type="application/json"
    )
    assert response.status_code == 422
    message = response.get_json()["errors"][0]["message"]
    assert "out of range" in message and str(huge)[:81] not in message
    assert len(message) < 200
