"""Generated bad input (Hypothesis) against the API, the check's pages and call mode: never a 500;
every refusal is a 4xx whose errors name the fields that are wrong, exactly those and no others;
and a page of the check keeps what it can read and never shows less advice than that calls for."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from helpers import RULES_FILE, TEST_CONFIG, csrf_token, token_in
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from walker import Walker
from werkzeug.datastructures import MultiDict

from triage import create_app, engine, rules
from triage.engine.model import Level
from triage.patient.given import Given
from triage.patient.given import answers as engine_answers

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


# --- The check's pages: every page of a walk, and each details page, open in a browser ----------


@dataclass(frozen=True)
class OpenPage:
    """A page of the check as a browser has it open: its form, and the session it was shown in."""

    address: str
    fields: dict  # name -> (kind, values offered, values chosen), as walker.read() gives them
    cookie: str  # the session cookie: the answers so far and the CSRF token
    token: str
    before: Given  # the answers kept before this page is sent


@pytest.fixture(scope="module")
def open_pages(client) -> list[OpenPage]:
    """Each page of a well person's walk, and each details page (every opening sign ticked)."""
    found = []

    def keep(walker):
        page = walker.page
        cookie = client.get_cookie("session").value
        found.append(OpenPage(page.address, page.fields, cookie, token_in(page.html), walker.kept(RULESET)))

    walker = Walker(client)
    walker.start()
    while not walker.page.is_result:
        keep(walker)
        walker.send(walker.mildest())
    for step in RULESET.steps:
        opening = {area.id: [sign.id for sign in area.signs if sign.opens] for area in step.areas}
        opening = {area: signs for area, signs in opening.items() if signs}
        if opening:
            walker.start()
            while walker.page.address != f"/check/{step.id}":
                walker.send(walker.mildest())
            if walker.send({**walker.mildest(), **opening}).address.endswith("/details"):
                keep(walker)
    assert any(page.address.endswith("/details") for page in found) or not any(
        sign.opens for step in RULESET.steps for sign in step.signs
    )
    return found


@st.composite
def page_posts(draw, pages: list[OpenPage]):
    """(page, pairs): a page, and what is sent for each of its fields (a valid answer, nothing,
    anything, a valid answer and anything, the same twice; ticks, "None of these" with ticks or
    alone, or anything), in any order, with unknown fields."""
    page = draw(st.sampled_from(pages))
    pairs = []
    for name, (kind, values, _) in page.fields.items():
        if kind == "radio":
            how = draw(
                st.sampled_from(["valid", "valid", "valid", "left out", "anything", "twice", "same twice"])
            )
            one = draw(st.sampled_from(values))
            sent = {
                "valid": [one],
                "left out": [],
                "anything": [draw(form_text)],
                "twice": [one, draw(form_text)],
                "same twice": [one, one],
            }[how]
        else:
            signs = draw(st.lists(st.sampled_from([v for v in values if v != "none"]), max_size=3))
            how = draw(st.sampled_from(["none", "none", "signs", "signs and none", "left out", "anything"]))
            sent = {
                "none": ["none"],
                "signs": signs or ["none"],
                "signs and none": [*signs, "none"],
                "left out": [],
                "anything": [*signs, draw(form_text)],
            }[how]
        pairs += [(name, value) for value in sent]
    others = st.text(max_size=20).filter(lambda key: key not in {*page.fields, "csrf_token", "lang"})
    pairs += draw(st.lists(st.tuples(others, form_text), max_size=3))
    return page, draw(st.permutations(pairs))


def read_post(page: OpenPage, pairs) -> tuple[Given, set[str]]:
    """What the page should keep of a post, and which of its fields it should ask again.

    A one-answer field is read when sent once (or twice alike) with a value the page offers (a
    number asked in bands may also be left blank); a checklist when it holds signs of its own, or
    "None of these" alone. A sign ticked always counts, even beside a value that cannot be read.
    """
    sent: dict[str, list[str]] = {}
    for key, value in pairs:
        sent.setdefault(key, []).append(value)
    kept = Given(asked=dict(page.before.asked), ticked=dict(page.before.ticked))
    problems = set()
    for name, (kind, values, _) in page.fields.items():
        got = list(dict.fromkeys(sent.get(name, [])))
        if kind == "radio":
            number = RULESET.question(name).number
            if len(got) == 1 and got[0] in values:
                kept.asked[name] = got[0]
            elif not (number and len(got) <= 1 and not "".join(got).strip()):
                problems.add(name)
        else:
            signs = tuple(value for value in got if value in values and value != "none")
            if not got or set(got) - set(values) or ("none" in got and signs):
                problems.add(name)
            if signs or name not in problems:
                kept.ticked[name] = signs
    return kept, problems


def shown_level(html: str) -> Level:
    """The level of the card a page shows (the result's action, or the advice so far), or NONE."""
    found = re.search(r'class="card card--([a-z_]+)" id="(?:action|so-far)"', html)
    return Level.from_id(found.group(1)) if found else Level.NONE


@CI
@given(data=st.data())
def test_the_check_reads_exactly_the_allowed_answers_and_never_withholds(client, open_pages, data):
    page, pairs = data.draw(page_posts(open_pages))
    client.set_cookie("session", page.cookie)
    response = client.post(page.address, data=MultiDict([("csrf_token", page.token), *pairs]))
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    address = response.headers["Location"]
    shown = client.get(address)
    html = shown.get_data(as_text=True)
    assert shown.status_code in (200, 400) and shown.headers["Cache-Control"] == "no-store"
    kept, problems = read_post(page, pairs)
    level = engine.evaluate(RULESET, engine_answers(RULESET, kept)).level
    outcome = "result" if address == "/check/result" else "asked again" if problems else "next page"
    event(f"{outcome}, {level.id}")  # pytest --hypothesis-show-statistics: every branch is reached
    if level == Level.EMERGENCY:
        assert address == "/check/result", "an emergency ends the check at once"
    if address == "/check/result":
        assert shown.status_code == 200 and shown_level(html) == level, "the result is the readable answers'"
    elif problems:
        assert address == page.address and shown.status_code == 400
        summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
        assert set(re.findall(r'href="#([^"]+)"', summary)) == {f"{name}-0" for name in problems}
        assert shown_level(html) == level, "a page asked again shows the advice so far"
    else:
        assert address != page.address and shown.status_code == 200
        assert shown_level(html) == (level if level >= Level.URGENT else Level.NONE)


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


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@CI
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(CONTENT_TYPES),
    path=st.sampled_from(
        [
            f"/check/{RULESET.steps[0].id}",
            f"/check/{RULESET.steps[-1].id}/details",
            "/check/new",
            "/check/more",
        ]
        + ["/call", "/call/fhir"]
    ),
)
def test_the_form_never_fails_on_any_bytes_with_any_content_type(client, body, content_type, path):
    """Pages take only form bodies (415 otherwise, issue 25 L4); a form without its token is refused."""
    response = client.post(path, data=body, content_type=content_type)
    form = content_type.split(";")[0].strip() in FORM_TYPES or content_type == ""
    assert response.status_code in ((400, 413) if form else (415,))
    assert "Your answers were not sent" in response.get_data(as_text=True) or response.status_code != 400


@CI
@given(body=json_values, path=st.sampled_from(["/call", "/call/level", "/call/fhir"]))
def test_call_mode_refuses_a_json_body_even_with_its_token(client, token, body, path):
    """Issue 25, M1: Flask-WTF read a JSON body into the call form; a number was a 500."""
    data = json.dumps(body, ensure_ascii=False).encode()
    response = client.post(path, data=data, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 415, response.get_data(as_text=True)[:300]  # form bodies only (L4)
    assert "could not be read" in response.get_data(as_text=True)
