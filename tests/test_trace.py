"""Issue 6 section 3: every result names the rule set's version and the digest of the exact file
that was loaded - the patient's result page, the API, the FHIR bundle and the chart note."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from helpers import token_in
from walker import Walker, choice_reaching, pick

from triage import SHIPPED_RULES, create_app
from triage.engine.model import Level

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
}


def digest_of(path: Path) -> str:
    """The short content hash, worked out here from the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def version_of(path: Path) -> str:
    return re.search(r'^version: "([^"]+)"', path.read_text(encoding="utf-8"), re.M).group(1)


@pytest.fixture(scope="module", params=["shipped", "edited copy"])
def rules_file(request, tmp_path_factory) -> Path:
    """The shipped file, and a copy with a new version and one comment changed: a different
    file must show a different digest. One copy for the module: each new file is proved anew."""
    if request.param == "shipped":
        return SHIPPED_RULES
    text = SHIPPED_RULES.read_text(encoding="utf-8")
    copy = tmp_path_factory.mktemp("trace") / "rules.yaml"
    copy.write_text(
        re.sub(r'^version: "[^"]+"', 'version: "trace-test-1"', text, count=1, flags=re.M) + "# edited\n",
        encoding="utf-8",
    )
    assert digest_of(copy) != digest_of(SHIPPED_RULES)
    return copy


@pytest.fixture
def traced(rules_file):
    app = create_app({**CONFIG, "RULES_FILE": str(rules_file)})
    return app.test_client(), version_of(rules_file), digest_of(rules_file)


def form_data(client, path: str, **chosen) -> dict:
    page = client.get(path).get_data(as_text=True)
    token = token_in(page)
    ruleset = client.application.extensions["pump_check"].ruleset
    data = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    return {**data, "days_since_surgery": "", **chosen, "csrf_token": token}


@pytest.mark.parametrize("level", [Level.NONE, Level.URGENT])
def test_the_result_page_shows_version_and_digest(traced, level):
    client, version, digest = traced
    chosen = choice_reaching(client.application.extensions["pump_check"].ruleset, level)
    if chosen is None:
        pytest.skip(f"no choice reaches {level.id}")
    walker = Walker(client)
    walker.start()
    page = walker.finish(pick(chosen))
    assert page.status == 200 and page.level == level.id
    assert f"Rule set version {version} ({digest})" in page.html


def test_the_api_gives_version_and_digest(traced):
    client, version, digest = traced
    body = client.post("/api/v1/triage", json={"answers": {"fever": "yes"}}).get_json()
    assert (body["rules_version"], body["rules_digest"]) == (version, digest)
    body = client.get("/api/v1/questions").get_json()
    assert (body["rules_version"], body["rules_digest"]) == (version, digest)


def test_the_fhir_bundle_gives_version_and_digest(traced):
    client, version, digest = traced
    response = client.post("/api/v1/triage?format=fhir", json={"answers": {"fever": "yes"}})
    text = response.get_data(as_text=True)
    assert f"Pump Check rule set version {version}, digest {digest}" in text


def test_the_chart_note_gives_version_and_digest(traced):
    client, version, digest = traced
    response = client.post("/call", data=form_data(client, "/call", fever="yes", reference="AB 1"))
    assert response.status_code == 200
    assert f"Rule set: version {version}, digest {digest}" in response.get_data(as_text=True)
