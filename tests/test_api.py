"""The JSON API through the Flask test client: questions, triage, and every refusal."""

import io
import json

import pytest
from conftest import TEST_CONFIG

from triage import create_app, engine

TRIAGE = "/api/v1/triage"


@pytest.fixture(scope="module")
def client():
    """One app for the whole module: the API keeps no state between requests."""
    return create_app(dict(TEST_CONFIG)).test_client()


def post_json(client, body, **kwargs):
    return client.post(TRIAGE, data=json.dumps(body), content_type="application/json", **kwargs)


def refusal(response, status: int) -> list[dict]:
    """Check a JSON refusal's status and shape; return its errors."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"errors"}
    assert body["errors"] and all(set(e) == {"field", "message"} for e in body["errors"])
    assert all(isinstance(e["message"], str) and e["message"] for e in body["errors"])
    return body["errors"]


# GET /api/v1/questions -------------------------------------------------------------------------

def test_questions_lists_every_question_and_option_in_order(client, ruleset):
    response = client.get("/api/v1/questions")
    assert response.status_code == 200
    body = response.get_json()
    assert body["rules_version"] == ruleset.version
    assert body["rules_digest"] == ruleset.digest
    assert [q["id"] for q in body["questions"]] == [q.id for q in ruleset.questions]
    days = next(q for q in body["questions"] if q["id"] == "days_since_surgery")
    assert days == {"id": "days_since_surgery", "type": "number", "min": 0, "max": 3650,
                    "optional": True, "text": ruleset.question("days_since_surgery").text["en"],
                    "hint": ruleset.question("days_since_surgery").hint["en"]}
    fever = next(q for q in body["questions"] if q["id"] == "fever")
    assert fever["type"] == "choice" and fever["default"] == "no"
    question = ruleset.question("fever")
    assert [o["value"] for o in fever["options"]] == list(question.values)
    assert [o["label"] for o in fever["options"]] == [o.label["en"] for o in question.options]


# POST /api/v1/triage: answers ------------------------------------------------------------------

def test_no_answers_means_no_warnings(client, ruleset):
    response = post_json(client, {"answers": {}})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {"level": "none", "warnings": [], "rules_version": ruleset.version,
                                   "rules_digest": ruleset.digest}


def test_triage_gives_level_warnings_and_why(client, ruleset):
    answers = {"fever": "yes", "neck_pain": "stiff", "days_since_surgery": 12}
    body = post_json(client, {"answers": answers}).get_json()
    expected = engine.evaluate(ruleset, answers)
    assert body["level"] == "emergency" == expected.level.id
    assert [w["rule"] for w in body["warnings"]] == [w.rule.id for w in expected.warnings]
    first = body["warnings"][0]
    assert set(first) == {"rule", "category", "level", "title", "advice", "because"}
    assert first["rule"] == "csf-fever-stiff-neck"
    assert first["category"] == "csf_infection" and first["level"] == "emergency"
    assert first["title"] == "Fever with a stiff neck"
    assert first["because"] == [{"question": "fever", "answer": "yes"},
                                {"question": "neck_pain", "answer": "stiff"}]
    levels = [w["level"] for w in body["warnings"]]
    assert levels == sorted(levels, key=["emergency", "urgent", "soon"].index)


def test_yes_and_no_are_words_in_the_api(client):
    assert post_json(client, {"answers": {"confusion": "yes"}}).get_json()["level"] == "emergency"
    refusal(post_json(client, {"answers": {"confusion": True}}), 422)


def test_the_api_needs_no_csrf_token(client):
    # The fixture app has CSRF on (as in production); the API is exempt, the form is not.
    assert client.application.config.get("WTF_CSRF_ENABLED", True)
    assert post_json(client, {"answers": {}}).status_code == 200


def test_body_is_not_json_is_400(client):
    errors = refusal(client.post(TRIAGE, data="answers=fever", content_type="text/plain"), 400)
    assert errors[0]["message"] == "send a JSON body with Content-Type: application/json"
    refusal(client.post(TRIAGE, data={"fever": "yes"}), 400)  # a browser form post
    refusal(client.post(TRIAGE), 400)


@pytest.mark.parametrize("raw", [b"", b"{", b"{answers: {}}", b"{'answers': {}}", b"[1,]",
                                 b"\xff\xfe\xfa", b'{"answers": "\xff"}', b"\x00", b"nul",
                                 b'{"answers": {"fever": NaN}}', b'{"answers": {}, "x": Infinity}',
                                 b"-Infinity", b"1" * 5000, b"[" * 60_000 + b"]" * 60_000])
def test_unreadable_json_is_400(client, raw):
    if len(raw) > 64 * 1024:
        refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 413)
        return
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 400)
    assert errors[0]["field"] is None
    assert errors[0]["message"].startswith("the body is not")


@pytest.mark.parametrize("body", [[], ["answers"], "answers", 12, 1.5, None, True])
def test_json_that_is_not_an_object_is_400(client, body):
    errors = refusal(post_json(client, body), 400)
    assert errors[0]["message"] == 'the body must be a JSON object: {"answers": {...}}'


def test_deep_nesting_is_refused_not_a_crash(client):
    deep = b'{"answers": {"fever": ' + b"[" * 30_000 + b"]" * 30_000 + b"}}"
    assert len(deep) < 64 * 1024
    refusal(client.post(TRIAGE, data=deep, content_type="application/json"), 400)


@pytest.mark.parametrize("raw", [b'{"answers": {}, "answers": {}}',
                                 b'{"answers": {"fever": "no", "fever": "yes"}}'])
def test_duplicate_keys_are_refused_not_guessed(client, raw):
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 400)
    assert "appears more than once" in errors[0]["message"]


def test_missing_answers_or_extra_fields_are_422(client):
    errors = refusal(post_json(client, {}), 422)
    assert errors == [{"field": "answers", "message": 'is missing; send {"answers": '
                       '{"question_id": "value", ...}}'}]
    errors = refusal(post_json(client, {"answers": {}, "patient": "Ann"}), 422)
    assert errors == [{"field": "patient", "message": "unknown field; only 'answers' is allowed"}]


@pytest.mark.parametrize("answers", [[], "fever", None, 1, [["fever", "yes"]]])
def test_answers_that_are_not_an_object_are_422(client, answers):
    errors = refusal(post_json(client, {"answers": answers}), 422)
    assert errors == [{"field": "answers", "message": "must be an object of question id to answer"}]


@pytest.mark.parametrize(("answers", "field", "words"), [
    ({"fevr": "yes"}, "answers.fevr", "there is no question 'fevr'"),
    ({"": "yes"}, "answers.", "there is no question ''"),
    ({"fever": "maybe"}, "answers.fever", "is not an allowed answer; use one of: no, "),
    ({"fever": "Yes"}, "answers.fever", "is not an allowed answer; use one of: no, "),
    ({"fever": True}, "answers.fever", "(bool) is not an allowed answer"),
    ({"fever": None}, "answers.fever", "is not an allowed answer"),
    ({"fever": ["yes"]}, "answers.fever", "is not an allowed answer"),
    ({"fever": {"is": "yes"}}, "answers.fever", "is not an allowed answer"),
    ({"fever": 1}, "answers.fever", "is not an allowed answer"),
    ({"redness": "edge "}, "answers.redness", "use one of: none, edge, spreading"),
    ({"days_since_surgery": -1}, "answers.days_since_surgery", "out of range"),
    ({"days_since_surgery": 3651}, "answers.days_since_surgery", "out of range"),
    ({"days_since_surgery": 10 ** 4000}, "answers.days_since_surgery", "out of range"),
    ({"days_since_surgery": 1.5}, "answers.days_since_surgery", "a whole number from 0 to 3650"),
    ({"days_since_surgery": 12.0}, "answers.days_since_surgery", "a whole number from 0 to 3650"),
    ({"days_since_surgery": "12"}, "answers.days_since_surgery", "a whole number from 0 to 3650"),
    ({"days_since_surgery": True}, "answers.days_since_surgery", "a whole number from 0 to 3650"),
])
def test_unknown_question_or_value_is_422_naming_the_field(client, answers, field, words):
    errors = refusal(post_json(client, {"answers": answers}), 422)
    assert [e["field"] for e in errors] == [field]
    assert words in errors[0]["message"]
    assert len(errors[0]["message"]) <= 600


def test_a_number_too_big_for_a_float_is_422(client):
    raw = b'{"answers": {"days_since_surgery": 1e400}}'
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 422)
    assert "a whole number from 0 to 3650" in errors[0]["message"]


def test_every_bad_answer_is_reported_at_once(client):
    errors = refusal(post_json(client, {"answers": {"fever": "maybe", "headache": "awful",
                                                    "colour": "red"}}), 422)
    assert {e["field"] for e in errors} == {"answers.fever", "answers.headache", "answers.colour"}


def test_thousands_of_unknown_questions_give_a_short_answer(client):
    answers = {f"q{i}": "x" for i in range(3000)}
    errors = refusal(post_json(client, {"answers": answers}), 422)
    assert len(errors) == 51
    assert errors[-1] == {"field": None, "message": "and 2950 more problems"}


def test_a_long_unknown_key_is_not_echoed_in_full(client):
    errors = refusal(post_json(client, {"answers": {"x" * 50_000: "yes"}}), 422)
    assert len(json.dumps(errors)) < 2000


def test_a_lone_surrogate_in_a_key_is_answered_as_json(client):
    raw = b'{"answers": {"\\ud800": "yes"}}'
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 422)
    assert errors[0]["field"] == "answers.\ud800"


def test_an_oversized_body_is_413_in_plain_words(client):
    body = json.dumps({"answers": {"fever": "yes"}, "padding": "x" * 70_000})
    errors = refusal(client.post(TRIAGE, data=body, content_type="application/json"), 413)
    assert errors == [{"field": None, "message": "the request body is too large: the limit is "
                       "65536 bytes (64 KB), and a triage request needs far less"}]


def test_an_oversized_body_without_a_length_is_413_too(client):
    stream = io.BytesIO(b'{"answers": {}, "x": "' + b"x" * 70_000 + b'"}')
    # As gunicorn passes a chunked request: no Content-Length, the stream ends by itself.
    response = client.post(TRIAGE, input_stream=stream, content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    refusal(response, 413)
    small = client.post(TRIAGE, input_stream=io.BytesIO(b'{"answers": {"fever": "yes"}}'),
                        content_type="application/json", headers={"Transfer-Encoding": "chunked"},
                        environ_overrides={"wsgi.input_terminated": True})
    assert small.status_code == 200 and small.get_json()["level"] == "urgent"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_json(client, method):
    response = client.open(TRIAGE, method=method)
    errors = refusal(response, 405)
    assert errors[0]["message"] == f"{method} is not allowed here; use POST"
    assert "POST" in response.headers["Allow"].split(", ")


def test_questions_cannot_be_posted(client):
    errors = refusal(client.post("/api/v1/questions", json={}), 405)
    assert errors[0]["message"] == "POST is not allowed here; use GET"


def test_unknown_api_address_is_404_json(client):
    errors = refusal(client.get("/api/v1/nothing"), 404)
    assert "GET /api/v1/questions and POST /api/v1/triage" in errors[0]["message"]


def test_a_crash_in_the_api_is_500_json_without_details():
    app = create_app({**TEST_CONFIG, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/api/v1/boom")
    errors = refusal(response, 500)
    assert "secret detail" not in response.get_data(as_text=True)
    assert errors[0]["message"].startswith("the server could not work out advice")


# Never a 500 for anything a client sends ------------------------------------------------------

JUNK = [
    b"null", b"true", b"0", b"-0", b"1e999", b'""', b'"\\u0000"', b"{}", b'{"answers": {}}',
    b'{"answers": null}', b'{"answers": {"fever": {"$gt": ""}}}', b'{"answers": {"__class__": 1}}',
    b'{"answers": {"days_since_surgery": -0.0}}', b'{"answers": {"days_since_surgery": 1e308}}',
    b'{"answers": {"days_since_surgery": 99999999999999999999999999}}',
    b'{"answers": {"fever": "yes\\u0000"}}', b'{"answers": {"fever": "\\ud83d"}}',
    b'{"answers": {"1": "yes"}}', b'{"ANSWERS": {}}', b'\xef\xbb\xbf{"answers": {}}',
    '{"answers": {"fever": "sí"}}'.encode("utf-16"), b'{"answers": [' + b"1," * 9000 + b"1]}",
    b'{"answers": {"fever": "' + b"y" * 60_000 + b'"}}', b"\x80abc", b"\xc3\x28",
    b'{"answers": {"days_since_surgery": 1' + b"0" * 4400 + b"}}",
]


@pytest.mark.parametrize("raw", JUNK)
@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=latin-1",
                                          "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data"])
def test_never_a_500_for_anything_a_client_sends(client, raw, content_type):
    response = client.post(TRIAGE, data=raw, content_type=content_type)
    assert response.status_code in (200, 400, 413, 422), response.status_code
    assert response.mimetype == "application/json"
    if response.status_code != 200:
        refusal(response, response.status_code)


def test_unknown_fhir_address_is_404_json(client):
    errors = refusal(client.get("/fhir/Patient"), 404)
    assert errors[0]["message"] == ("there is nothing at this address; FHIR has "
                                    "GET /fhir/Questionnaire")
