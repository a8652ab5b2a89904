"""The JSON API through the Flask test client: questions, triage, and every refusal."""

import io
import json

import pytest
from answer_examples import answers_with_warnings, choice_questions, number_question
from helpers import TEST_CONFIG

from triage import create_app, engine
from triage.engine.model import Level
from triage.web.shared import contacts

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
    for sent, question in zip(body["questions"], ruleset.questions, strict=True):
        assert sent["text"] == question.text["en"]
        assert sent["hint"] == (question.hint["en"] if question.hint else None)
        if question.number:
            assert sent == {
                "id": question.id,
                "type": "number",
                "min": question.minimum,
                "max": question.maximum,
                "optional": True,
                "text": sent["text"],
                "hint": sent["hint"],
            }
        else:
            assert sent["type"] == "choice" and sent["default"] == question.values[0]
            assert sent["options"] == [{"value": o.value, "label": o.label["en"]} for o in question.options]


def test_questions_in_spanish(client, ruleset):
    response = client.get("/api/v1/questions?lang=es")
    assert response.headers["Content-Language"] == "es"
    first = response.get_json()["questions"][0]
    assert first["text"] == ruleset.questions[0].text.in_language("es")
    errors = refusal(client.get("/api/v1/questions?lang=xx"), 422)
    assert errors[0]["field"] == "lang"


# POST /api/v1/triage: answers ------------------------------------------------------------------


def test_no_answers_means_no_warnings(client, ruleset):
    response = post_json(client, {"answers": {}})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert {key: body[key] for key in ("level", "warnings", "rules_version", "rules_digest")} == {
        "level": "none",
        "warnings": [],
        "rules_version": ruleset.version,
        "rules_digest": ruleset.digest,
    }


def four_levels(level: Level) -> str:
    """The API's `level`: the four values it has always had (emergency_room is an emergency)."""
    return "emergency" if level >= Level.EMERGENCY_ROOM else level.id


def test_triage_gives_level_warnings_and_why(client, ruleset):
    answers = answers_with_warnings(ruleset)
    body = post_json(client, {"answers": answers}).get_json()
    expected = engine.evaluate(ruleset, answers)
    with client.application.test_request_context(TRIAGE):
        numbers = contacts()  # the clinic's numbers and names, in the texts' placeholders
    assert body["disposition"] == expected.level.id != "none"
    assert body["level"] == four_levels(expected.level)
    assert body["action"] == ruleset.levels[expected.level].action.filled("en", numbers)
    assert [w["rule"] for w in body["warnings"]] == [w.rule.id for w in expected.warnings]
    for sent, warning in zip(body["warnings"], expected.warnings, strict=True):
        assert sent == {
            "rule": warning.rule.id,
            "category": warning.rule.category,
            "level": four_levels(warning.level),
            "disposition": warning.level.id,
            "title": warning.rule.title["en"],
            "advice": warning.rule.advice.filled("en", numbers),
            "because": [{"question": q, "answer": a} for q, a in warning.because],
        }
    assert any(set(answers) & {b["question"] for b in w["because"]} for w in body["warnings"])
    dispositions = [Level.from_id(w["disposition"]) for w in body["warnings"]]
    assert dispositions == sorted(dispositions, reverse=True)  # most urgent first


def test_yes_and_no_are_words_in_the_api(client, ruleset):
    question = next((q for q in ruleset.questions if "yes" in q.values), None)
    if question is None:
        pytest.skip("no yes/no question in this rule set")
    assert post_json(client, {"answers": {question.id: "yes"}}).status_code == 200
    refusal(post_json(client, {"answers": {question.id: True}}), 422)


def test_the_api_needs_no_csrf_token(client):
    # The fixture app has CSRF on (as in production); the API is exempt, the form is not.
    assert client.application.config.get("WTF_CSRF_ENABLED", True)
    assert post_json(client, {"answers": {}}).status_code == 200


def test_a_body_not_sent_as_json_is_415(client):
    errors = refusal(client.post(TRIAGE, data="answers=fever", content_type="text/plain"), 415)
    assert errors[0]["message"] == "send a JSON body with Content-Type: application/json"
    refusal(client.post(TRIAGE, data={"fever": "yes"}), 415)  # a browser form post
    refusal(client.post(TRIAGE), 415)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"{answers: {}}",
        b"{'answers': {}}",
        b"[1,]",
        b"\xff\xfe\xfa",
        b'{"answers": "\xff"}',
        b"\x00",
        b"nul",
        b'{"answers": {"fever": NaN}}',
        b'{"answers": {}, "x": Infinity}',
        b"-Infinity",
        b"1" * 5000,
        b"[" * 60_000 + b"]" * 60_000,
    ],
)
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


@pytest.mark.parametrize(
    "raw", [b'{"answers": {}, "answers": {}}', b'{"answers": {"fever": "no", "fever": "yes"}}']
)
def test_duplicate_keys_are_refused_not_guessed(client, raw):
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 400)
    assert "appears more than once" in errors[0]["message"]


def test_missing_answers_or_extra_fields_are_422(client):
    errors = refusal(post_json(client, {}), 422)
    assert errors == [
        {"field": "answers", "message": 'is missing; send {"answers": {"question_id": "value", ...}}'}
    ]
    errors = refusal(post_json(client, {"answers": {}, "patient": "Ann"}), 422)
    assert errors == [{"field": "patient", "message": "unknown field; only 'answers' is allowed"}]


@pytest.mark.parametrize("answers", [[], "fever", None, 1, [["fever", "yes"]]])
def test_answers_that_are_not_an_object_are_422(client, answers):
    errors = refusal(post_json(client, {"answers": answers}), 422)
    assert errors == [{"field": "answers", "message": "must be an object of question id to answer"}]


# (answer sent, words in the message): {q}: a choice question's id, {values}: its values.
BAD_CHOICES = [
    ("maybe-not-an-option", "use one of: {values}"),
    ("{last} ", "use one of: {values}"),
    ("{LAST}", "use one of: {values}"),
    (True, "(bool) is not an allowed answer"),
    (None, "is not an allowed answer"),
    (["{last}"], "is not an allowed answer"),
    ({"is": "{last}"}, "is not an allowed answer"),
    (1, "is not an allowed answer"),
]


def _fill(value, question):
    if isinstance(value, str):
        return value.format(last=question.values[-1], LAST=question.values[-1].upper())
    if isinstance(value, list):
        return [_fill(v, question) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, question) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("sent", "words"), BAD_CHOICES)
def test_a_choice_not_allowed_is_422_naming_the_field(client, ruleset, sent, words):
    question = choice_questions(ruleset)[0]
    errors = refusal(post_json(client, {"answers": {question.id: _fill(sent, question)}}), 422)
    assert [e["field"] for e in errors] == [f"answers.{question.id}"]
    assert words.format(values=", ".join(question.values)) in errors[0]["message"]
    assert len(errors[0]["message"]) <= 600


@pytest.mark.parametrize("unknown", ["{q}x", ""])
def test_an_unknown_question_is_422_naming_it(client, ruleset, unknown):
    key = unknown.format(q=ruleset.questions[0].id)
    errors = refusal(post_json(client, {"answers": {key: "yes"}}), 422)
    assert [e["field"] for e in errors] == [f"answers.{key}"]
    assert f"there is no question '{key}'" in errors[0]["message"]


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        ("below", "out of range"),
        ("above", "out of range"),
        (10**4000, "out of range"),
        (1.5, "a whole number from"),
        ("12", "a whole number from"),
        ("12.0", "a whole number from"),
        (True, "a whole number from"),
    ],
)
def test_a_number_not_allowed_is_422_naming_the_field(client, ruleset, sent, words):
    question = number_question(ruleset)
    limit = question.minimum if sent == "below" else question.maximum
    if words == "out of range" and limit is None:
        pytest.skip("the number question has no such limit")
    if sent in ("below", "above"):
        sent = limit - 1 if sent == "below" else limit + 1
    errors = refusal(post_json(client, {"answers": {question.id: sent}}), 422)
    assert [e["field"] for e in errors] == [f"answers.{question.id}"]
    assert words in errors[0]["message"]
    assert f"from {question.minimum} to {question.maximum}" in errors[0]["message"]


@pytest.mark.parametrize("written", ["{n}.0", "{n}e0", "{tenth}e1", "{n}.000"])
def test_a_whole_number_written_as_a_decimal_is_that_number(client, ruleset, written):
    # To JSON and JSON Schema, 12.0 is the integer 12 (Schemathesis found it refused).
    question = number_question(ruleset)
    n = 10
    if not (question.minimum or 0) <= n <= (n if question.maximum is None else question.maximum):
        pytest.skip("10 is not an allowed number here")
    number = written.format(n=n, tenth=n // 10)
    raw = json.dumps({"answers": {question.id: "NUMBER"}}).replace('"NUMBER"', number)
    response = client.post(TRIAGE, data=raw, content_type="application/json")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == post_json(client, {"answers": {question.id: n}}).get_json()
    half = client.post(TRIAGE, data=raw.replace(number, f"{n}.5"), content_type="application/json")
    assert half.status_code == 422


def test_a_number_too_big_for_a_float_is_422(client, ruleset):
    question = number_question(ruleset)
    raw = b'{"answers": {"%s": 1e400}}' % question.id.encode()
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 422)
    assert "a whole number from" in errors[0]["message"]


def test_every_bad_answer_is_reported_at_once(client, ruleset):
    questions = choice_questions(ruleset)[:3]
    errors = refusal(post_json(client, {"answers": {q.id: "awful" for q in questions}}), 422)
    assert {e["field"] for e in errors} == {f"answers.{q.id}" for q in questions}


def test_thousands_of_unknown_questions_give_a_short_answer(client):
    answers = {f"q{i}": "x" for i in range(3000)}
    errors = refusal(post_json(client, {"answers": answers}), 422)
    assert len(errors) == 51
    assert errors[-1] == {"field": None, "message": "and 2950 more problems"}


def test_a_long_unknown_key_is_not_echoed_in_full(client):
    errors = refusal(post_json(client, {"answers": {"x" * 50_000: "yes"}}), 422)
    assert len(json.dumps(errors)) < 2000


def test_a_long_unknown_key_is_echoed_at_80_characters_as_the_readme_says(client):
    """Issue 25, note: the message repeated the key at 128 characters (its field at 80)."""
    [problem] = refusal(post_json(client, {"answers": {"k" * 200: "yes"}}), 422)
    assert problem["field"] == "answers." + "k" * 80 + "..."
    assert "'" + "k" * 80 + "...'" in problem["message"] and "k" * 81 not in problem["message"]


NOT_TEXT = [1, 1.5, -0.0, True, False, None, [], ["yes"], {}, {"yes": 1}, 10**30, 1e308]


@pytest.mark.parametrize("output", ["json", "fhir"])
@pytest.mark.parametrize("value", NOT_TEXT, ids=repr)
def test_a_value_that_is_not_text_is_422_naming_the_field_never_500(client, ruleset, value, output):
    """Issue 25, M1: any JSON value for a choice, and any non-number for a number, is a 422."""
    choice = next(q for q in ruleset.questions if not q.number)
    number = next(q for q in ruleset.questions if q.number)
    for question in (choice, number):
        whole = isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
        if question.number and (value is None or (whole and question.minimum <= value <= question.maximum)):
            continue  # null (not known) and a whole number in range (0, or JSON's -0.0) are answers
        response = client.post(f"{TRIAGE}?format={output}", json={"answers": {question.id: value}})
        [problem] = refusal(response, 422)
        assert problem["field"] == f"answers.{question.id}"
        assert problem["message"].strip()


def test_a_lone_surrogate_in_a_key_is_answered_as_json(client):
    raw = b'{"answers": {"\\ud800": "yes"}}'
    errors = refusal(client.post(TRIAGE, data=raw, content_type="application/json"), 422)
    assert errors[0]["field"] == "answers.\ud800"


def test_an_oversized_body_is_413_in_plain_words(client):
    body = json.dumps({"answers": {"fever": "yes"}, "padding": "x" * 70_000})
    errors = refusal(client.post(TRIAGE, data=body, content_type="application/json"), 413)
    assert errors == [
        {
            "field": None,
            "message": "the request body is too large: the limit is "
            "65536 bytes (64 KB), and a triage request needs far less",
        }
    ]


def test_an_oversized_body_without_a_length_is_413_too(client, ruleset):
    stream = io.BytesIO(b'{"answers": {}, "x": "' + b"x" * 70_000 + b'"}')
    # As gunicorn passes a chunked request: no Content-Length, the stream ends by itself.
    response = client.post(
        TRIAGE,
        input_stream=stream,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    refusal(response, 413)
    answers = answers_with_warnings(ruleset)
    small = client.post(
        TRIAGE,
        input_stream=io.BytesIO(json.dumps({"answers": answers}).encode()),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert small.status_code == 200
    assert small.get_json()["level"] == engine.evaluate(ruleset, answers).level.id


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405_json(client, method):
    response = client.open(TRIAGE, method=method)
    errors = refusal(response, 405)
    assert errors[0]["message"] == f"{method} is not allowed here; use POST"
    assert "POST" in response.headers["Allow"].split(", ")


BODIES = {
    "json": {"json": {}},
    "form": {"data": {"answers": "x"}},
    "text": {"data": "x", "content_type": "text/plain"},
    "none": {},
    "cross-site json": {"json": {}, "headers": {"Sec-Fetch-Site": "cross-site"}},
}


@pytest.mark.parametrize("path", ["/api/v1/questions", "/api/v1/openapi.json", "/fhir/Questionnaire"])
@pytest.mark.parametrize("body", BODIES)
def test_a_get_only_address_cannot_be_posted_whatever_the_body(client, path, body):
    """The method is what is wrong: 405, never a 415 or 400 about the body a POST has no use for."""
    response = client.post(path, **BODIES[body])
    errors = refusal(response, 405)
    assert errors[0]["message"] == "POST is not allowed here; use GET"
    assert "GET" in response.headers["Allow"].split(", ")
    assert "POST" not in response.headers["Allow"].split(", ")


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/fhir/Patient"])
@pytest.mark.parametrize("body", BODIES)
def test_a_post_to_no_address_is_404_whatever_the_body(client, path, body):
    errors = refusal(client.post(path, **BODIES[body]), 404)
    assert errors[0]["message"].startswith("there is nothing at this address")


def test_unknown_api_address_is_404_json(client):
    errors = refusal(client.get("/api/v1/nothing"), 404)
    assert "GET /api/v1/questions and POST /api/v1/triage" in errors[0]["message"]
    assert "GET /api/v1/openapi.json" in errors[0]["message"]


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
    b"null",
    b"true",
    b"0",
    b"-0",
    b"1e999",
    b'""',
    b'"\\u0000"',
    b"{}",
    b'{"answers": {}}',
    b'{"answers": null}',
    b'{"answers": {"fever": {"$gt": ""}}}',
    b'{"answers": {"__class__": 1}}',
    b'{"answers": {"days_since_surgery": -0.0}}',
    b'{"answers": {"days_since_surgery": 1e308}}',
    b'{"answers": {"days_since_surgery": 99999999999999999999999999}}',
    b'{"answers": {"fever": "yes\\u0000"}}',
    b'{"answers": {"fever": "\\ud83d"}}',
    b'{"answers": {"1": "yes"}}',
    b'{"ANSWERS": {}}',
    b'\xef\xbb\xbf{"answers": {}}',
    '{"answers": {"fever": "sí"}}'.encode("utf-16"),
    b'{"answers": [' + b"1," * 9000 + b"1]}",
    b'{"answers": {"fever": "' + b"y" * 60_000 + b'"}}',
    b"\x80abc",
    b"\xc3\x28",
    b'{"answers": {"days_since_surgery": 1' + b"0" * 4400 + b"}}",
]


@pytest.mark.parametrize("raw", JUNK)
@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=latin-1",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ],
)
def test_never_a_500_for_anything_a_client_sends(client, raw, content_type):
    response = client.post(TRIAGE, data=raw, content_type=content_type)
    assert response.status_code in (200, 400, 413, 415, 422), response.status_code
    assert response.mimetype == "application/json"
    if response.status_code != 200:
        refusal(response, response.status_code)


def test_unknown_fhir_address_is_404_json(client):
    errors = refusal(client.get("/fhir/Patient"), 404)
    assert errors[0]["message"] == ("there is nothing at this address; FHIR has GET /fhir/Questionnaire")
