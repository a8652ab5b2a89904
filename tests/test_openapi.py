"""The OpenAPI document: valid OpenAPI 3.1, served, and generated from the loaded rule set."""

import dataclasses
import json
import subprocess
import sys

import pytest
from helpers import TEST_CONFIG
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from triage import create_app
from triage.api import openapi
from triage.engine.model import LEVEL_IDS

DOCUMENT = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def app():
    return create_app(dict(TEST_CONFIG))


@pytest.fixture(scope="module")
def served(app) -> dict:
    response = app.test_client().get(DOCUMENT)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def check(document: dict, name: str, instance) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    Draft202012Validator(schema).validate(instance)


def test_the_served_document_is_valid_openapi_3_1(served):
    validate(served)
    assert served["openapi"] == "3.1.0"


def test_the_validator_really_refuses_a_broken_document(served):
    broken = json.loads(json.dumps(served))
    del broken["paths"]["/api/v1/triage"]["post"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_api_and_fhir_route_is_documented(app, served):
    routes = {
        (rule.rule, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/v1/", "/fhir/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path.replace("{id}", "<resource_id>"), method)
        for path, operations in served["paths"].items()
        for method in operations
    }
    assert documented == routes


def test_every_operation_documents_its_refusals_with_the_error_shape(served):
    for path, operations in served["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "200" in statuses and "500" in statuses, (method, path)
            for status in statuses - {"200"}:
                ref = operation["responses"][status]["$ref"]
                response = served["components"]["responses"][ref.rsplit("/", 1)[1]]
                assert response["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }
    post = served["paths"]["/api/v1/triage"]["post"]["responses"]
    assert set(post) == {"200", "400", "413", "415", "422", "500"}
    assert set(post["200"]["content"]) == {"application/json", "application/fhir+json"}
    assert "404" in served["paths"]["/fhir/Questionnaire/{id}"]["get"]["responses"]
    assert {"NotFound", "MethodNotAllowed"} <= set(served["components"]["responses"])


def test_the_answer_vocabulary_is_the_rule_sets(served, ruleset):
    answers = served["components"]["schemas"]["Answers"]
    assert answers["additionalProperties"] is False
    assert list(answers["properties"]) == [q.id for q in ruleset.questions]
    for question in ruleset.questions:
        schema = answers["properties"][question.id]
        if question.number:
            assert schema["type"] == ["integer", "null"]
            assert (schema.get("minimum"), schema.get("maximum")) == (question.minimum, question.maximum)
        else:
            assert schema["enum"] == list(question.values)
            assert schema["default"] == question.values[0]
    result = served["components"]["schemas"]["TriageResult"]["properties"]
    assert result["rules_version"]["const"] == ruleset.version
    assert result["rules_digest"]["const"] == ruleset.digest
    assert result["unanswered"]["items"]["enum"] == [q.id for q in ruleset.questions]
    assert served["components"]["schemas"]["Level"]["enum"] == ["emergency", "urgent", "soon", "none"]
    assert served["components"]["schemas"]["Disposition"]["enum"] == list(LEVEL_IDS)
    warning = served["components"]["schemas"]["Warning"]["properties"]
    assert warning["rule"]["enum"] == [rule.id for rule in ruleset.rules]
    assert warning["category"]["enum"] == list(ruleset.categories)


def test_the_language_parameter_offers_the_rule_sets_languages(served, ruleset):
    lang = served["components"]["parameters"]["lang"]
    assert lang["in"] == "query" and set(lang["schema"]["enum"]) == set(ruleset.languages)
    for path in ("/api/v1/questions", "/api/v1/triage", "/fhir/Questionnaire"):
        operation = next(iter(served["paths"][path].values()))
        assert {"$ref": "#/components/parameters/lang"} in operation["parameters"]


def test_real_responses_match_the_documents_schemas(app, served, ruleset):
    client = app.test_client()
    check(served, "Questions", client.get("/api/v1/questions").get_json())
    body = client.post("/api/v1/triage", json={"answers": {}}).get_json()
    check(served, "TriageResult", body)
    assert set(body) == set(served["components"]["schemas"]["TriageResult"]["required"])
    check(served, "Error", client.post("/api/v1/triage", json={}).get_json())
    check(served, "FhirQuestionnaire", json.loads(client.get("/fhir/Questionnaire").data))
    with pytest.raises(ValidationError):
        check(served, "TriageRequest", {"answers": {ruleset.questions[0].id + "x": "yes"}})


def test_the_document_follows_another_rule_set(ruleset):
    """A rule set with a question dropped and an option added gives a document saying so."""
    dropped, changed = [q for q in ruleset.questions if not q.number][:2]
    extra = dataclasses.replace(changed.options[-1], value="new_option")
    other = dataclasses.replace(
        ruleset,
        questions=tuple(
            dataclasses.replace(q, options=(*q.options, extra)) if q is changed else q
            for q in ruleset.questions
            if q is not dropped
        ),
        version="clinic-2",
    )
    document = openapi.document(other, ["en"], 1024)
    validate(document)
    properties = document["components"]["schemas"]["Answers"]["properties"]
    assert dropped.id not in properties
    assert properties[changed.id]["enum"] == [*changed.values, "new_option"]
    assert document["components"]["parameters"]["lang"]["schema"]["enum"] == ["en"]
    assert document["components"]["schemas"]["TriageResult"]["properties"]["rules_version"] == {
        "const": "clinic-2",
        "description": "The rule set's version.",
    }


def test_the_document_is_built_once_at_start_up(app, monkeypatch):
    def fail(*args):
        raise AssertionError("the document was built again for a request")

    monkeypatch.setattr(openapi, "document", fail)
    response = app.test_client().get(DOCUMENT)
    assert response.status_code == 200
    assert response.data == app.extensions["pump_check_openapi"]


def test_the_module_imports_no_flask():
    code = "import sys, triage.api.openapi; assert not [m for m in sys.modules if m.startswith('flask')]"
    subprocess.run([sys.executable, "-c", code], check=True)
