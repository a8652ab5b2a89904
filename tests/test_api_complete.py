"""The API says what it was not told: `complete`, `unanswered`, and the words of an incomplete check."""

import json

import pytest
from answer_examples import answers_at, every_answer, number_question
from fhir.resources.R4B.bundle import Bundle
from helpers import TEST_CONFIG

from triage import create_app, engine
from triage.engine.model import Level

TRIAGE = "/api/v1/triage"
INCOMPLETE = {
    "en": "No warning signs in the answers given",
    "es": "Sin señales de alarma en las respuestas dadas",
}


@pytest.fixture(scope="module")
def client():
    return create_app(dict(TEST_CONFIG)).test_client()


def triage(client, answers: dict, query: str = ""):
    response = client.post(TRIAGE + query, json={"answers": answers})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def test_every_question_answered_is_complete_in_the_rule_files_words(client, ruleset):
    body = triage(client, every_answer(ruleset)).get_json()
    assert body["complete"] is True and body["unanswered"] == []
    assert body["level"] == "none"
    level = ruleset.levels[Level.NONE]
    assert body["heading"] == level.heading["en"] != INCOMPLETE["en"]
    assert body["action"] == level.action["en"].format(
        emergency_number="911",
        care_team="the Pump Clinic",
        care_team_phone="555-0100",
        after_hours_phone="555-0199",
        emergency_room="the emergency room at St. Mary's",
        call_back_minutes="30",
    )


def test_unanswered_lists_what_was_not_sent_in_rule_file_order(client, ruleset):
    ids = [q.id for q in ruleset.questions]
    sent = dict(reversed(list(every_answer(ruleset).items())[1::2]))  # every other one, backwards
    body = triage(client, sent).get_json()
    assert body["complete"] is False
    assert body["unanswered"] == [q for q in ids if q not in sent]
    assert body["unanswered"] == ids[0::2]


def test_a_number_sent_as_null_is_answered_not_known(client, ruleset):
    question = number_question(ruleset)
    answers = every_answer(ruleset)
    assert answers[question.id] is None
    assert triage(client, answers).get_json()["complete"] is True
    del answers[question.id]
    assert triage(client, answers).get_json()["unanswered"] == [question.id]


@pytest.mark.parametrize("language", ["en", "es"])
def test_none_with_questions_unanswered_says_in_the_answers_given(client, ruleset, language):
    body = triage(client, {}, f"?lang={language}").get_json()
    assert body["level"] == "none" and body["warnings"] == []
    assert body["heading"] == INCOMPLETE[language]
    count = len(ruleset.questions)
    start = {
        "en": f"Questions not answered: {count}. This check is not complete.",
        "es": f"Preguntas sin respuesta: {count}. La revisión de síntomas no está completa.",
    }
    assert body["action"].startswith(start[language])
    assert ruleset.levels[Level.NONE].action[language].split("{")[0].strip() in body["action"]


def test_one_question_unanswered_is_counted(client, ruleset):
    answers = every_answer(ruleset)
    del answers[ruleset.questions[-1].id]
    body = triage(client, answers).get_json()
    assert body["unanswered"] == [ruleset.questions[-1].id]
    assert body["action"].startswith("Questions not answered: 1. This check is not complete. ")


@pytest.mark.parametrize("level", [Level.SOON, Level.URGENT, Level.EMERGENCY])
def test_a_warning_keeps_its_own_words_and_its_meaning(client, ruleset, level):
    answers = answers_at(ruleset, level)
    body = triage(client, answers).get_json()
    result = engine.evaluate(ruleset, answers)
    assert body["level"] == result.level.id == level.id
    assert [w["rule"] for w in body["warnings"]] == [w.rule.id for w in result.warnings]
    assert body["complete"] is False and set(body["unanswered"]) == {q.id for q in ruleset.questions} - set(
        answers
    )
    assert body["heading"] == ruleset.levels[level].heading["en"]
    assert "not complete" not in body["action"]


# The same in FHIR --------------------------------------------------------------------------------


def _bundle(client, answers, query=""):
    response = triage(client, answers, "?format=fhir" + query)
    bundle = Bundle.model_validate_json(response.data)
    return (entry.resource for entry in bundle.entry)


@pytest.mark.parametrize("language", ["en", "es"])
def test_fhir_names_what_was_not_answered(client, ruleset, language):
    sent = every_answer(ruleset)
    left_out = [q.id for q in ruleset.questions if not q.number][:2]
    for question_id in left_out:
        del sent[question_id]
    response, assessment = _bundle(client, sent, f"&lang={language}")
    assert response.status == "stopped" and response.language == language
    for item in response.item:
        assert not item.answer if item.linkId in left_out or sent[item.linkId] is None else item.answer
    label = {"en": "Questions not answered", "es": "Preguntas sin respuesta"}[language]
    assert assessment.note[0].text == f"{INCOMPLETE[language]}. {label}: {', '.join(left_out)}."
    plain = triage(client, sent, f"?lang={language}").get_json()
    assert assessment.prediction[0].rationale == assessment.mitigation == plain["action"]
    assert assessment.prediction[0].qualitativeRisk.coding[0].code == "none"


def test_fhir_of_a_complete_check_is_completed_with_the_rule_files_words(client, ruleset):
    response, assessment = _bundle(client, every_answer(ruleset))
    assert response.status == "completed"
    assert len(assessment.note) == 1 and INCOMPLETE["en"] not in json.dumps(
        assessment.model_dump(mode="json")
    )
    assert assessment.mitigation.startswith(ruleset.levels[Level.NONE].action["en"].split("{")[0])


@pytest.mark.parametrize(
    "path", ["/api/v1/questions", "/fhir/Questionnaire", "/fhir/Questionnaire/pump-check"]
)
def test_lang_sets_no_cookie_on_the_api_or_fhir(path):
    fresh = create_app(dict(TEST_CONFIG)).test_client()
    response = fresh.get(path + "?lang=es")
    assert response.status_code == 200 and response.headers["Content-Language"] == "es"
    assert "Set-Cookie" not in response.headers
    assert fresh.get(path).headers["Content-Language"] == "en"
