"""FHIR R4 output, validated with the fhir.resources R4B models (not by comparing strings)."""

import json
from datetime import UTC, datetime

import pytest
from answer_examples import answers_at, answers_with_warnings, choice_questions, worst_answers
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment
from pydantic import ValidationError

from triage import engine
from triage.engine.model import Level
from triage.web import fhir
from triage.web.shared import contacts

CONTACTS = {
    "emergency_number": "911",
    "care_team": "the Pump Clinic",
    "care_team_phone": "555-0100",
    "after_hours_phone": "555-0199",
    "emergency_room": "the emergency room at St. Mary's",
    "call_back_minutes": "30",
}


def level_codes(concept) -> list[tuple[str, str]]:
    """A qualitativeRisk's codings as (system, code), in the order sent."""
    return [(coding.system, coding.code) for coding in concept.coding]


def expected_level_codes(level: Level) -> list[tuple[str, str]]:
    """The level system first, in the four codes it has always had (an emergency_room is an
    emergency to a client that knows four levels), then the five-valued disposition."""
    four = "emergency" if level >= Level.EMERGENCY_ROOM else level.id
    return [(fhir.LEVEL_SYSTEM, four), (fhir.DISPOSITION_SYSTEM, level.id)]


def test_the_questionnaire_is_valid_fhir_built_from_the_rule_file(ruleset):
    resource = Questionnaire.model_validate(fhir.questionnaire(ruleset))
    assert resource.url == fhir.QUESTIONNAIRE_URL and resource.version == ruleset.version
    assert resource.status == "active"
    assert [item.linkId for item in resource.item] == [q.id for q in ruleset.questions]
    for item, question in zip(resource.item, ruleset.questions, strict=True):
        assert item.text == question.text.in_language("en")
        if question.number:
            assert item.type == "integer" and not item.answerOption
            limits = {ext.url.rsplit("/", 1)[1]: ext.valueInteger for ext in item.extension}
            assert limits == {"minValue": question.minimum, "maxValue": question.maximum}
        else:
            assert item.type == "choice" and item.required is True
            codings = [option.valueCoding for option in item.answerOption]
            assert [c.code for c in codings] == list(question.values)
            assert {c.system for c in codings} == {fhir.answer_system(question.id)}
            assert [c.display for c in codings] == [o.label.in_language("en") for o in question.options]


def test_get_fhir_questionnaire(client, ruleset):
    for path in ("/fhir/Questionnaire", "/fhir/Questionnaire/pump-check"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "application/fhir+json"
        resource = Questionnaire.model_validate_json(response.data)
        assert resource.identifier[0].value == ruleset.digest


def _parts(bundle: Bundle):
    response, assessment = (entry.resource for entry in bundle.entry)
    assert isinstance(response, QuestionnaireResponse) and isinstance(assessment, RiskAssessment)
    return response, assessment


@pytest.mark.parametrize("example", [*Level, "worst"])
def test_a_completed_check_is_a_valid_bundle_of_answers_and_assessment(ruleset, example):
    answers = worst_answers(ruleset) if example == "worst" else answers_at(ruleset, example)
    result = engine.evaluate(ruleset, answers)
    data = fhir.check_bundle(ruleset, result, datetime(2026, 11, 26, 9, 30, tzinfo=UTC), CONTACTS)
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    response, assessment = _parts(bundle)
    assert response.status == "completed"
    assert response.questionnaire == f"{fhir.QUESTIONNAIRE_URL}|{ruleset.version}"
    assert [item.linkId for item in response.item] == [q.id for q in ruleset.questions]
    for item in response.item:
        answer = result.answers[item.linkId]
        if answer is None:
            assert not item.answer
        elif ruleset.question(item.linkId).number:
            assert item.answer[0].valueInteger == answer
        else:
            assert (item.answer[0].valueCoding.system, item.answer[0].valueCoding.code) == (
                fhir.answer_system(item.linkId),
                answer,
            )
    # The assessment is made from these answers, and carries the level and every warning.
    assert assessment.basis[0].reference == bundle.entry[0].fullUrl
    overall, *per_warning = assessment.prediction
    assert level_codes(overall.qualitativeRisk) == expected_level_codes(result.level)
    heading = ruleset.levels[result.level].heading.in_language("en")
    assert {coding.display for coding in overall.qualitativeRisk.coding} == {heading}
    action = ruleset.levels[result.level].action.filled("en", CONTACTS)
    assert overall.rationale == action == assessment.mitigation
    assert [(p.outcome.coding[0].code, level_codes(p.qualitativeRisk)) for p in per_warning] == [
        (w.rule.id, expected_level_codes(w.level)) for w in result.warnings
    ]
    assert [p.outcome.coding[1].code for p in per_warning] == [w.rule.category for w in result.warnings]
    advice = [w.rule.advice.filled("en", CONTACTS) for w in result.warnings]  # the clinic's numbers
    assert [p.rationale for p in per_warning] == advice
    assert ruleset.digest in assessment.method.text and ruleset.version in assessment.method.text


def test_the_validator_really_refuses_broken_resources(ruleset):
    result = engine.evaluate(ruleset, answers_with_warnings(ruleset))
    good = fhir.check_bundle(ruleset, result, datetime.now(UTC), CONTACTS)
    assessment = good["entry"][1]["resource"]
    RiskAssessment.model_validate(assessment)
    for required in ("status", "subject"):
        with pytest.raises(ValidationError):
            RiskAssessment.model_validate({k: v for k, v in assessment.items() if k != required})
    with pytest.raises(ValidationError):
        RiskAssessment.model_validate(dict(assessment, levle="urgent"))  # unknown element
    with pytest.raises(ValidationError):
        RiskAssessment.model_validate(dict(assessment, prediction="urgent"))  # wrong shape
    questionnaire = fhir.questionnaire(ruleset)
    choice = ruleset.questions.index(choice_questions(ruleset)[0])
    questionnaire["item"][choice]["answerOption"][0]["valueCoding"]["code"] = 3  # not a code string
    with pytest.raises(ValidationError):
        Questionnaire.model_validate(questionnaire)


def test_the_api_returns_fhir_on_request(client, ruleset):
    answers = answers_with_warnings(ruleset)
    response = client.post("/api/v1/triage?format=fhir", json={"answers": answers})
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    _, assessment = _parts(Bundle.model_validate_json(response.data))
    plain = client.post("/api/v1/triage", json={"answers": answers}).get_json()
    assert level_codes(assessment.prediction[0].qualitativeRisk) == [
        (fhir.LEVEL_SYSTEM, plain["level"]),
        (fhir.DISPOSITION_SYSTEM, plain["disposition"]),
    ]
    assert plain["disposition"] != "none"
    assert [p.outcome.coding[0].code for p in assessment.prediction[1:]] == [
        w["rule"] for w in plain["warnings"]
    ]


def test_the_api_returns_fhir_in_the_language_asked_for(client, ruleset):
    answers = answers_with_warnings(ruleset)
    response = client.post("/api/v1/triage?format=fhir&lang=es", json={"answers": answers})
    questionnaire_response, assessment = _parts(Bundle.model_validate_json(response.data))
    assert questionnaire_response.language == "es" == response.headers["Content-Language"]
    assert questionnaire_response.item[0].text == ruleset.questions[0].text.in_language("es")
    result = engine.evaluate(ruleset, answers)
    with client.application.test_request_context("/api/v1/triage?lang=es"):
        numbers = contacts("es")  # the clinic's numbers and names, worded in Spanish
    action = ruleset.levels[result.level].action.filled("es", numbers)
    assert result.level != Level.NONE and assessment.prediction[0].rationale == action
    assert assessment.prediction[1].rationale == result.warnings[0].rule.advice.filled("es", numbers)


def test_the_fhir_questionnaire_in_spanish_and_by_id(client, ruleset):
    resource = Questionnaire.model_validate_json(client.get("/fhir/Questionnaire?lang=es").data)
    assert resource.language == "es"
    assert resource.item[0].text == ruleset.questions[0].text.in_language("es")
    for path in ("/fhir/Questionnaire/other", "/fhir/Questionnaire/pump-check/x"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "application/json"
    response = client.get("/fhir/Questionnaire?lang=xx")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "lang"


def test_the_api_refuses_bad_answers_and_unknown_formats_as_json(client, ruleset):
    question = choice_questions(ruleset)[0]
    response = client.post("/api/v1/triage?format=fhir", json={"answers": {question.id: "maybe?"}})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == f"answers.{question.id}"
    response = client.post("/api/v1/triage?format=xml", json={"answers": {}})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "format"


def test_call_mode_download_is_a_valid_attachment_without_the_reference(client, ruleset):
    from test_call import all_answered, csrf_token

    chosen = answers_with_warnings(ruleset)
    number = next((q for q in ruleset.questions if q.number), None)
    data = all_answered(ruleset, **chosen)
    if number is not None:
        data[number.id] = str(number.minimum or 0)
    data.update(csrf_token=csrf_token(client), reference="CANARY-REF-771", call_date="2026-11-26")
    response = client.post("/call/fhir", data=data)
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="pump-check-')
    assert b"CANARY-REF-771" not in response.data
    response_resource, assessment = _parts(Bundle.model_validate(json.loads(response.data)))
    assert response_resource.status == "completed"
    answers = {item.linkId: item.answer[0] for item in response_resource.item if item.answer}
    for question_id, value in chosen.items():
        assert answers[question_id].valueCoding.code == value
    if number is not None:
        assert answers[number.id].valueInteger == (number.minimum or 0)
    expected = engine.evaluate(
        ruleset,
        {
            k: int(v) if number and k == number.id else v
            for k, v in data.items()
            if k in ruleset.questions_by_id
        },
    )
    assert level_codes(assessment.prediction[0].qualitativeRisk) == expected_level_codes(expected.level)


def test_call_mode_download_refuses_missing_answers(client, ruleset):
    from test_call import csrf_token

    question = next(q for q in ruleset.questions if not q.number)
    response = client.post(
        "/call/fhir", data={"csrf_token": csrf_token(client), question.id: question.values[-1]}
    )
    assert response.status_code == 400
    assert response.mimetype == "text/html"
