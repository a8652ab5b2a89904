"""Call mode: one page of questions in the nurse's words, the result and the chart note."""

import logging
import re
from html.parser import HTMLParser

import pytest

from triage.model import Level

CANARY = "CANARY-PATIENT-4471"


def csrf_token(client, path="/call") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def all_answered(ruleset, **chosen) -> dict:
    """Every choice answered with its first option unless chosen; the number left blank."""
    data = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    data["days_since_surgery"] = ""
    data.update(chosen)
    return data


def post_call(client, data):
    return client.post("/call", data=dict(data, csrf_token=csrf_token(client)))


class Focusables(HTMLParser):
    """Collect the page's keyboard stops in document order, and any inline script or style."""

    def __init__(self):
        super().__init__()
        self.stops, self.inline = [], []
        self._in_script_without_src = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{tag} {name}=")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script" and "src" not in attrs:
            self.inline.append("<script> without src")
        focusable = (tag in ("input", "button", "select", "textarea") and attrs.get("type") != "hidden"
                     and "hidden" not in attrs) or (tag in ("a", "summary") and "tabindex" not in attrs)
        if focusable:
            self.stops.append((tag, attrs))


def parse(page: str) -> Focusables:
    parser = Focusables()
    parser.feed(page)
    return parser


def test_the_call_page_asks_every_question_in_order_in_the_nurses_words(client, ruleset):
    response = client.get("/call")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    positions = [page.index(f"{n}.</span> {q.ask.in_language('en')}".replace("'", "&#39;"))
                 for n, q in enumerate(ruleset.questions, start=1)]
    assert positions == sorted(positions)
    assert ' checked' not in page           # nothing is answered for the nurse
    assert ' required' not in page          # the server checks, with a clear summary
    assert '<form method="post" action="/call"' in page
    assert "Tab" in page and "Enter" in page  # the keys are written on the page


def test_the_submit_button_is_the_next_keyboard_stop_after_the_last_question(client, ruleset):
    stops = parse(client.get("/call").get_data(as_text=True)).stops
    last = ruleset.questions[-1].id
    radios = [i for i, (tag, attrs) in enumerate(stops) if attrs.get("name") == last]
    tag, attrs = stops[radios[-1] + 1]
    assert (tag, attrs.get("type"), attrs.get("id")) == ("button", "submit", "show-result")
    # Tab order: reference, date, then the questions in the order they are asked.
    names = [attrs.get("name") for tag, attrs in stops if attrs.get("name")]
    asked = list(dict.fromkeys(names))
    assert asked == ["reference", "call_date"] + [q.id for q in ruleset.questions]


@pytest.mark.parametrize("path", ["/call", "/rules"])
def test_staff_pages_have_no_inline_script_or_style(client, path):
    assert parse(client.get(path).get_data(as_text=True)).inline == []


def test_a_complete_call_gives_the_patients_level_warnings_and_a_chart_note(client, ruleset):
    response = post_call(client, all_answered(ruleset, fever="yes", neck_pain="stiff",
                                              days_since_surgery="12", reference="AB 1234",
                                              call_date="2026-11-25"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    patient = client.post("/api/v1/triage", json={"answers": {
        "fever": "yes", "neck_pain": "stiff", "days_since_surgery": 12}}).get_json()
    assert patient["level"] == "emergency"
    assert "Advice to give: Call 911 now." in page
    for warning in patient["warnings"]:
        assert f"rule <code>{warning['rule']}</code>" in page
    note = re.search(r'<textarea id="chart-note"[^>]*readonly[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "Patient reference: AB 1234" in note and "Call date:         2026-11-25" in note
    assert note.count("    Answer: ") == len(ruleset.questions)
    assert f"digest {ruleset.digest}" in note
    # The same note for print, and a copy button that only JavaScript reveals.
    assert '<pre class="chart-note-print" aria-hidden="true">' + note + "</pre>" in page
    assert re.search(r'<button type="button"[^>]*id="copy-note"[^>]*hidden>', page)
    assert '<script src="/static/copy.js" defer></script>' in page
    assert parse(page).inline == []


def test_the_result_shows_each_level_like_the_patient_sees_it(client, ruleset):
    for chosen, level in (({}, Level.NONE), ({"numbness": "yes"}, Level.SOON),
                          ({"pump_alarm": "yes"}, Level.URGENT),
                          ({"breathing": "slow_or_shallow"}, Level.EMERGENCY)):
        page = post_call(client, all_answered(ruleset, **chosen)).get_data(as_text=True)
        assert f'class="card card--{level.id}"' in page
        assert f"Triage level:      {level.id.upper()}" in page


def test_missing_answers_are_refused_with_a_summary_and_the_answers_kept(client, ruleset):
    data = all_answered(ruleset, fever="yes", reference="AB 1234")
    del data["headache"], data["pump_alarm"]
    response = post_call(client, data)
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "There is a problem" in page
    numbers = {q.id: n for n, q in enumerate(ruleset.questions, start=1)}
    assert f'href="#headache-0">Question {numbers["headache"]}: choose an answer' in page
    assert f'href="#pump_alarm-0">Question {numbers["pump_alarm"]}: choose an answer' in page
    assert page.count('<p class="field-error"') == 2
    yes = ruleset.question("fever").values.index("yes")
    assert f'id="fever-{yes}" name="fever" value="yes" checked' in page
    assert 'value="AB 1234"' in page
    assert "chart-note" not in page


def test_nothing_is_assumed_even_when_only_one_answer_is_missing(client, ruleset):
    data = all_answered(ruleset)
    del data["breathing"]
    assert post_call(client, data).status_code == 400


@pytest.mark.parametrize("field, value, message", [
    ("days_since_surgery", "9999", "enter a whole number from 0 to 3650"),
    ("days_since_surgery", "ten", "enter a whole number from 0 to 3650"),
    ("call_date", "26/11/2026", "Enter the date as YYYY-MM-DD"),
    ("reference", "R" * 61, "60 characters or fewer"),
    ("fever", "maybe", "Not a valid choice"),
])
def test_bad_values_are_refused_with_a_message(client, ruleset, field, value, message):
    response = post_call(client, all_answered(ruleset, **{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, ruleset):
    response = client.post("/call", data=all_answered(ruleset))
    assert response.status_code == 400
    assert "chart-note" not in response.get_data(as_text=True)


def test_the_reference_goes_nowhere_but_the_note(app, client, ruleset, caplog):
    caplog.set_level(logging.DEBUG)
    response = post_call(client, all_answered(ruleset, reference=CANARY, fever="yes"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The note, its print copy, and the "Change answers" form: all on this one page.
    assert page.count(CANARY) == 3
    assert CANARY not in str(response.headers)
    assert CANARY not in caplog.text
    assert all(CANARY not in cookie.value for cookie in client._cookies.values())
    edit = re.search(r'<form method="post" action="/call">(.*?)</form>', page, re.S).group(1)
    assert f'name="reference" value="{CANARY}"' in edit
    # The FHIR download form on the result page re-posts the answers only.
    download = re.search(r'<form method="post" action="/call/fhir">(.*?)</form>', page, re.S).group(1)
    assert CANARY not in download and 'name="reference"' not in download


def test_copy_script_is_served_from_this_site(client):
    with client.get("/static/copy.js") as response:
        assert response.status_code == 200
        assert "navigator.clipboard" in response.get_data(as_text=True)
    with client.get("/static/call.css") as response:
        assert "@media print" in response.get_data(as_text=True)


def test_change_answers_brings_the_call_back_filled_in_without_a_result(client, ruleset):
    page = post_call(client, all_answered(ruleset, fever="yes", days_since_surgery="12",
                                          reference="AB 1234", call_date="2026-11-25")).get_data(as_text=True)
    edit = re.search(r'<form method="post" action="/call">(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', edit))
    assert 'name="action" value="edit"' in edit
    fields["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', edit).group(1)
    response = client.post("/call", data=dict(fields, action="edit"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    again = response.get_data(as_text=True)
    assert "chart-note" not in again and "There is a problem" not in again
    yes = ruleset.question("fever").values.index("yes")
    assert f'id="fever-{yes}" name="fever" value="yes" checked' in again
    assert 'value="AB 1234"' in again and 'value="2026-11-25"' in again and 'value="12"' in again
