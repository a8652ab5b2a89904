"""Retired questions: an API client that still sends an old question id gets its old meaning.

The rule files here are the tests' own (the minimal valid file with a question retired), so these
tests hold whatever the shipped rules retire.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import TEST_CONFIG

from triage import create_app, rules
from triage.rules.yamlfile import FileProblems

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
RETIRED = """
retired:
  - question: skin_red
    answers:
      "no": {redness: none}
      "yes": {redness: spreading}
"""


def _file(tmp_path, extra: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(MINIMAL.read_text("utf-8") + extra, "utf-8")
    return path


@pytest.fixture
def client(tmp_path):
    app = create_app({**TEST_CONFIG, "RULES_FILE": str(_file(tmp_path, RETIRED))})
    return app.test_client()


def _triage(client, answers):
    return client.post("/api/v1/triage", json={"answers": answers})


def test_a_retired_answer_means_what_the_rule_file_says(client):
    old = _triage(client, {"skin_red": "yes"}).get_json()
    new = _triage(client, {"redness": "spreading"}).get_json()
    assert old["disposition"] == new["disposition"] == "urgent"
    assert (
        [w["rule"] for w in old["warnings"]] == [w["rule"] for w in new["warnings"]] == ["spreading-redness"]
    )
    assert "redness" not in old["unanswered"]


def test_a_retired_question_with_an_unknown_answer_is_refused(client):
    response = _triage(client, {"skin_red": "maybe"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "answers.skin_red", "message": "'maybe' is not an allowed answer; use one of: no, yes"}
    ]


def test_a_retired_question_and_todays_disagreeing_is_refused(client):
    response = _triage(client, {"skin_red": "yes", "redness": "none"})
    assert response.status_code == 422
    assert "send redness only" in response.get_json()["errors"][0]["message"]
    assert _triage(client, {"skin_red": "yes", "redness": "spreading"}).status_code == 200


def test_the_openapi_document_lists_a_retired_question_as_deprecated(client):
    answers = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Answers"]
    assert answers["properties"]["skin_red"]["deprecated"] is True
    assert answers["properties"]["skin_red"]["enum"] == ["no", "yes"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            RETIRED.replace("skin_red", "fever"),
            "retired question 'fever' is still a question of the file",
        ),
        (
            RETIRED.replace("redness: spreading", "redness: purple"),
            "retired question 'skin_red', answer 'yes': redness: purple is not an answer",
        ),
        (
            RETIRED.replace("redness: spreading", "rednes: spreading"),
            "(did you mean 'redness'?)",
        ),
    ],
)
def test_the_loader_refuses_a_retired_question_that_does_not_map_to_todays(tmp_path, extra, message):
    with pytest.raises(FileProblems) as caught:
        rules.load(_file(tmp_path, extra))
    assert any(message in problem.message for problem in caught.value.problems), caught.value.problems
