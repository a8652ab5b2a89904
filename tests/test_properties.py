"""Generated bad input (Hypothesis) against the API and the form: never a 500, and every refusal
is a 4xx whose errors name the fields that are wrong, exactly those and no others."""

from __future__ import annotations

import json
import re

import pytest
from helpers import RULES_FILE, TEST_CONFIG, csrf_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from triage import create_app, engine, rules
from triage.engine.model import Level

RULESET = rules.load(RULES_FILE)  # the rules the app under test serves
QUESTIONS = {question.id: question for question in RULESET.questions}
TRIAGE = "/api/v1/triage"
LIMIT = 64 * 1024

CI = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def client():
    """One app for the module: nothing is kept between requests, so examples cannot interfere."""
    return create_app(dict(TEST_CONFIG)).test_client()


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=40)
    | st.floats(allow_nan=False, allow_infinity=False)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Values a client might plausibly get wrong, then anything at all.
tricky = st.sampled_from(
    [
        True,
        False,
        0,
        1,
        -1,
        3650,
        3651,
        10**20,
        1.0,
        90.5,
        -0.0,
        "90",
        "yes",
        "Yes",
        " yes",
        "no ",
        "",
        "none",
        "None",
        "null",
        None,
        [],
        {},
        ["yes"],
        {"": 1},
    ]
)
any_answer = st.one_of(tricky, json_scalars, json_values)
unknown_keys = st.text(max_size=30).filter(lambda key: key not in QUESTIONS)


def api_errors(response, status: int) -> list[dict]:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json
    errors = response.get_json()["errors"]
    assert errors and all(set(error) == {"field", "message"} for error in errors)
    assert all(isinstance(error["message"], str) and error["message"].strip() for error in errors)
    return errors


def valid_answer(question) -> st.SearchStrategy:
    if question.number:
        return st.none() | st.integers(question.minimum, question.maximum)
    return st.sampled_from(question.values)


def answer_is_bad(question, value) -> bool:
    if question.number:
        if value is None:
            return False
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON's 12.0 is the number 12 (as JSON Schema says)
        if not isinstance(value, int) or isinstance(value, bool):
            return True
        return not question.minimum <= value <= question.maximum
    return not isinstance(value, str) or value not in question.values


@st.composite
def answer_sets(draw):
    """Some questions with a valid answer, some with any JSON value at all, some unknown keys."""
    answers = {}
    for question in RULESET.questions:
        kind = draw(st.sampled_from(["valid", "valid", "left out", "anything"]))
        if kind == "valid":
            answers[question.id] = draw(valid_answer(question))
        elif kind == "anything":
            answers[question.id] = draw(any_answer)
    for key in draw(st.lists(unknown_keys, max_size=3, unique=True)):
        answers[key] = draw(any_answer)
    return answers


@CI
@given(answers=answer_sets(), output=st.sampled_from(["", "?format=json", "?format=fhir"]))
def test_the_api_accepts_exactly_the_allowed_answers_and_names_every_wrong_one(client, answers, output):
    response = client.post(TRIAGE + output, json={"answers": answers})
    bad = {
        f"answers.{key}"
        for key, value in answers.items()
        if key not in QUESTIONS or answer_is_bad(QUESTIONS[key], value)
    }
    if not bad:
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.headers["Cache-Control"] == "no-store"
    else:
        assert {error["field"] for error in api_errors(response, 422)} == bad


@CI
@given(body=json_values)
def test_the_api_never_fails_on_any_json(client, body):
    response = client.post(
        TRIAGE, data=json.dumps(body, ensure_ascii=False).encode(), content_type="application/json"
    )
    if isinstance(body, dict) and set(body) == {"answers"} and isinstance(body["answers"], dict):
        assert response.status_code in (200, 422)
    elif not isinstance(body, dict):
        errors = api_errors(response, 400)
        assert errors[0]["field"] is None and "JSON object" in errors[0]["message"]
    else:  # an object with a wrong top level: every unknown key, or the missing/wrong 'answers'
        errors = api_errors(response, 422)
        expected = {key[:80] + ("..." if len(key) > 80 else "") for key in body if key != "answers"}
        assert {error["field"] for error in errors} == (expected or {"answers"})


CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/problem+json",
    "text/plain",
    "text/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "application/octet-stream",
    "",
    "*/*",
    "application/json; charset=utf-16",
]


@CI
@given(
    body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    content_type=st.sampled_from(CONTENT_TYPES),
)
def test_the_api_never_fails_on_any_bytes_with_any_content_type(client, body, content_type):
    response = client.post(TRIAGE, data=body, content_type=content_type)
    assert response.status_code in (200, 400, 413, 415, 422)
    if response.status_code != 200:
        api_errors(response, response.status_code)


@CI
@given(
    length=st.integers(0, 80_000),
    char=st.characters(codec="utf-8", exclude_categories=["Cs"]),
    where=st.sampled_from(["value", "key", "top"]),
)
def test_huge_strings_are_refused_by_size_or_by_name(client, length, char, where):
    text = char * length
    body = {
        "value": {"answers": {"fever": text}},
        "key": {"answers": {text: "yes"}},
        "top": {"answers": {}, text: 1},
    }[where]
    data = json.dumps(body, ensure_ascii=False).encode()
    response = client.post(TRIAGE, data=data, content_type="application/json")
    if len(data) > LIMIT:
        assert "bytes" in api_errors(response, 413)[0]["message"]
    else:  # one character repeated is never a question id or an allowed answer
        field = api_errors(response, 422)[0]["field"]
        assert field == {"value": "answers.fever", "key": f"answers.{clip(text)}", "top": clip(text)}[where]


def clip(text: str) -> str:
    return text if len(text) <= 80 else text[:80] + "..."


@CI
@given(key=st.text(min_size=1, max_size=100), inside=st.booleans())
def test_a_repeated_key_is_refused_and_named(client, key, inside):
    pair = f"{json.dumps(key)}: 1"
    data = f'{{"answers": {{{pair}, {pair}}}}}' if inside else f'{{{pair}, "answers": {{}}, {pair}}}'
    response = client.post(TRIAGE, data=data, content_type="application/json")
    message = api_errors(response, 400)[0]["message"]
    assert "more than once" in message and repr(clip(key)) in message


# --- The web form ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def token(client) -> str:
    return csrf_token(client)


def number_is_bad(question, text: str, path: str) -> bool:
    """The rule for a number, on the patient form and in call mode alike (one days field):
    blank, or ASCII digits (with a sign) within the limits; never '1_0', '١٢' or '９０'."""
    text = text.strip()
    if not text:
        return False
    if re.fullmatch(r"[+-]?[0-9]+", text):
        value = int(text)
    else:
        return True
    return not question.minimum <= value <= question.maximum


form_text = st.text(max_size=30) | st.sampled_from(
    ["", " ", "0", "90", "3650", "3651", "-1", "+7", "1.5", "١٢", "1e3", "0x10", "9" * 40]
)


@st.composite
def form_posts(draw):
    """(field, value) pairs, in any order, with fields left out, repeated, or unknown."""
    pairs = []
    for question in RULESET.questions:
        kind = draw(st.sampled_from(["valid", "valid", "valid", "left out", "anything", "twice"]))
        if question.number:
            value = draw(form_text) if kind != "left out" else None
        elif kind in ("valid", "twice"):
            value = draw(st.sampled_from(question.values))
        elif kind == "anything":
            value = draw(form_text)
        else:
            value = None
        if value is not None:
            pairs.append((question.id, value))
            if kind == "twice":
                pairs.append((question.id, draw(form_text)))
    others = st.text(max_size=20).filter(
        lambda key: key not in {*QUESTIONS, "reference", "call_date", "step", "go", "lang"}
    )
    pairs += draw(st.lists(st.tuples(others, form_text), max_size=3))
    return draw(st.permutations(pairs))


def expected_form_errors(pairs, path: str) -> set[str]:
    first = {}
    for key, value in pairs:
        first.setdefault(key, value)
    bad = set()
    for question in RULESET.questions:
        value = first.get(question.id)
        if question.number:
            if value is not None and number_is_bad(question, value, path):
                bad.add(question.id)
        elif value not in question.values:
            bad.add(f"{question.id}-0")
    return bad


def check_number_is_bad(question, text: str) -> bool:
    """The check's rule for a number asked in bands: blank, "unknown", a band, or ASCII digits
    (with a sign) within the limits, counted in its band."""
    text = text.strip()
    if text in ("", "unknown") or text in {band.value for band in RULESET.bands[question.id]}:
        return False
    return number_is_bad(question, text, "/check")


def expected_check_page(pairs) -> str:
    """What the check shows for a post of every answer at once (as from its summary page)."""
    first = {}
    for key, value in pairs:
        first.setdefault(key, value)
    answers, missing = {}, False
    for question in RULESET.questions:
        value = first.get(question.id)
        if question.number:
            if value is not None and check_number_is_bad(question, value):
                return "unreadable"
        elif value is None or not value.strip():
            missing = True
        elif value not in question.values:
            return "unreadable"
        else:
            answers[question.id] = value
    if engine.evaluate(RULESET, answers).level == Level.EMERGENCY:
        return "result"  # never withheld, whatever is missing
    return "missing" if missing else "result"


@CI
@given(pairs=form_posts())
def test_the_check_accepts_exactly_the_allowed_answers_and_never_withholds(client, token, pairs):
    pairs = [(key, value) for key, value in pairs if key != "csrf_token"]
    response = client.post("/check", data=MultiDict([("csrf_token", token), *pairs]))
    page = response.get_data(as_text=True)
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):  # a field sent twice is refused whole (issue 12, finding 9)
        assert response.status_code == 400 and "could not be read" in page, page[:500]
        return
    expected = expected_check_page(pairs)
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    if expected == "result":
        assert response.status_code == 200 and title.startswith("Result: "), page[:500]
    elif expected == "unreadable":
        assert response.status_code == 400, page[:500]
        assert title.startswith("Some of your answers could not be read")
    else:
        assert response.status_code == 400 and title.startswith("Error: Step "), page[:500]
        summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
        assert len(re.findall(r'href="#([^"]+)"', summary)) == 1
    assert response.headers["Cache-Control"] == "no-store"


@CI
@given(pairs=form_posts())
def test_call_mode_accepts_exactly_the_allowed_answers_and_links_every_wrong_one(client, token, pairs):
    path = "/call"
    pairs = [(key, value) for key, value in pairs if key != "csrf_token"]
    response = client.post(path, data=MultiDict([("csrf_token", token), *pairs]))
    page = response.get_data(as_text=True)
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):  # a field sent twice is refused whole (issue 12, finding 9)
        assert response.status_code == 400 and "could not be read" in page, page[:500]
        return
    bad = expected_form_errors(pairs, path)
    if not bad:
        assert response.status_code == 200, page[:500]
        assert "error-summary" not in page
    else:
        assert response.status_code == 400, page[:500]
        summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
        assert set(re.findall(r'href="#([^"]+)"', summary)) == bad
    assert response.headers["Cache-Control"] == "no-store"


@CI
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(CONTENT_TYPES),
    path=st.sampled_from(["/check", "/call", "/call/fhir"]),
)
def test_the_form_never_fails_on_any_bytes_with_any_content_type(client, body, content_type, path):
    response = client.post(path, data=body, content_type=content_type)
    assert response.status_code in (400, 413)
    assert "Your answers were not sent" in response.get_data(as_text=True) or response.status_code == 413


@CI
@given(body=json_values, path=st.sampled_from(["/call", "/call/level", "/call/fhir"]))
def test_call_mode_refuses_a_json_body_even_with_its_token(client, token, body, path):
    """Issue 25, M1: Flask-WTF read a JSON body into the call form; a number was a 500."""
    data = json.dumps(body, ensure_ascii=False).encode()
    response = client.post(path, data=data, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "could not be read" in response.get_data(as_text=True)
