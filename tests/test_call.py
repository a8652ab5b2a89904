"""Call mode: one page of questions in the nurse's words, the result and the chart note."""

import logging
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import helpers
import pytest
from level_examples import answers_reaching, full_answers

from triage.engine.model import Level
from triage.nurse import note
from triage.nurse.callform import ACTIONS, WHO_ANSWERED

CANARY = "CANARY-PATIENT-4471"


def csrf_token(client, path="/call") -> str:
    """The call page's token (the shared helper opens /check by default)."""
    return helpers.csrf_token(client, path)


def form_data(ruleset, chosen=None, **extra) -> dict:
    """Every choice answered (its first option unless chosen); the number left blank."""
    data = full_answers(ruleset, chosen or {})
    data.update({q.id: "" for q in ruleset.questions if q.number and q.id not in (chosen or {})})
    data.update(extra)
    return data


def all_answered(ruleset, **chosen) -> dict:
    """Every choice answered with its first option unless chosen; the number left blank."""
    return form_data(ruleset, chosen)


def post_call(client, data):
    return client.post("/call", data=dict(data, csrf_token=csrf_token(client)))


def chart_note(page: str) -> str:
    return unescape(
        re.search(r'<textarea id="chart-note"[^>]*readonly[^>]*>(.*?)</textarea>', page, re.S).group(1)
    )


class Focusables(HTMLParser):
    """Collect the page's keyboard stops in document order, ids, and any inline script or style."""

    def __init__(self):
        super().__init__()
        self.stops, self.inline, self.ids, self.autofocus = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if "autofocus" in attrs:
            self.autofocus.append(attrs.get("id"))
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{tag} {name}=")
        if tag == "style":
            self.inline.append("<style>")
        if tag == "script" and "src" not in attrs:
            self.inline.append("<script> without src")
        focusable = (
            tag in ("input", "button", "select", "textarea")
            and attrs.get("type") != "hidden"
            and "hidden" not in attrs
            and "disabled" not in attrs
        ) or (tag in ("a", "summary") and "tabindex" not in attrs)
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
    positions = [
        page.index(f"{n}.</span> {note.asked(q)}".replace("'", "&#39;"))
        for n, q in enumerate(ruleset.questions, start=1)
    ]
    assert positions == sorted(positions)
    for question in ruleset.questions:  # nothing is answered for the nurse
        assert not re.search(rf'name="{question.id}" value="[^"]*" checked', page)
    assert " required" not in page  # the server checks, with a clear summary
    assert "Tab" in page and "Enter" in page  # the keys are written on the page
    assert 'name="started" value="20' in page  # the call starts when the page opens


def test_focus_starts_in_the_first_question_and_the_button_follows_the_last(client, ruleset):
    parsed = parse(client.get("/call").get_data(as_text=True))
    first = ruleset.questions[0]
    assert parsed.autofocus == [first.id if first.number else f"{first.id}-0"]
    stops = parsed.stops
    last = ruleset.questions[-1].id
    radios = [i for i, (tag, attrs) in enumerate(stops) if attrs.get("name") == last]
    tag, attrs = stops[radios[-1] + 1]
    assert (tag, attrs.get("type"), attrs.get("id")) == ("button", "submit", "show-result")
    names = list(dict.fromkeys(attrs.get("name") for tag, attrs in stops if attrs.get("name")))
    languages = ["call_language"] if len(ruleset.languages) > 1 else []
    assert names == languages + [q.id for q in ruleset.questions]


def test_enter_in_a_field_cannot_send_the_form(client):
    """The form's default button (its first submit button) is disabled: implicit submission
    does nothing, so Enter in a text field never sends a half-filled call."""
    page = client.get("/call").get_data(as_text=True)
    form = page[page.index('<form method="post" action="/call"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_button and " disabled" in first_button


@pytest.mark.parametrize("path", ["/call", "/rules"])
def test_staff_pages_have_no_inline_script_or_style(client, path):
    assert parse(client.get(path).get_data(as_text=True)).inline == []


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.id)
def test_the_result_gives_the_nurses_action_never_the_patients(client, ruleset, level):
    chosen = answers_reaching(ruleset, level)
    response = post_call(client, form_data(ruleset, chosen))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert f'class="card card--{level.id}"' in page
    heading = unescape(
        re.sub(
            r"<[^>]+>|\s+",
            " ",
            re.search(r'<h1 id="result-heading" tabindex="-1" autofocus>(.*?)</h1>', page, re.S).group(1),
        )
    )
    action = ruleset.levels[level].nurse_action.in_language("en").format(emergency_number="911")
    assert f"{level.id.upper()}: {action}" in " ".join(heading.split())
    patient_action = ruleset.levels[level].action.in_language("en").split("{")[0].strip()
    assert patient_action not in unescape(page[page.index("<main") : page.index("chart-note")])
    assert (level == Level.EMERGENCY) == ("Emergency &mdash; stop and act" in page)
    text = chart_note(page)
    assert text.count("    Answer: ") == len(ruleset.questions)
    assert f"digest {ruleset.digest}" in text
    parsed = parse(page)
    assert parsed.inline == []
    assert [i for i, n in Counter(parsed.ids).items() if n > 1] == []  # valid HTML: ids unique
    assert parsed.autofocus == ["result-heading"]
    after_heading = [attrs.get("id") for tag, attrs in parsed.stops]
    assert '<button type="button" class="button" id="copy-note"' in page  # Copy next (with JS)
    assert after_heading.index("chart-note") < after_heading.index("reference")


def test_the_result_page_has_one_print_copy_and_a_copy_button_only_javascript_reveals(client, ruleset):
    page = post_call(client, form_data(ruleset)).get_data(as_text=True)
    text = re.search(r'<textarea id="chart-note"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert '<pre class="chart-note-print" aria-hidden="true">' + text + "</pre>" in page
    assert re.search(r'<button type="button"[^>]*id="copy-note"[^>]*hidden>', page)
    assert '<script src="/static/copy.js" defer></script>' in page
    assert 'id="csrf_token"' not in page


def test_missing_answers_are_refused_with_a_summary_the_answers_kept_and_a_way_to_end(client, ruleset):
    choice = [q for q in ruleset.questions if not q.number]
    data = form_data(ruleset, reference="AB 1234")
    del data[choice[0].id], data[choice[-1].id]
    response = post_call(client, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "There is a problem" in page
    numbers = {q.id: n for n, q in enumerate(ruleset.questions, start=1)}
    for question in (choice[0], choice[-1]):
        assert f'href="#{question.id}-0">Question {numbers[question.id]}: choose an answer' in page
    assert page.count('<p class="field-error"') == 2
    assert f'id="{choice[1].id}-0" name="{choice[1].id}" value="{choice[1].values[0]}" checked' in page
    assert 'name="reference" value="AB 1234"' in page
    assert "chart-note" not in page
    assert "End the call with 2 questions not asked" in page
    # Ending the call early is a choice: the note says what was not asked.
    ended = post_call(client, dict(data, action="end"))
    assert ended.status_code == 200
    text = chart_note(ended.get_data(as_text=True))
    assert text.count("Answer: not asked") == 2
    assert "2 questions not asked" in " ".join(text.split())


def test_ending_early_still_refuses_a_bad_answer(client, ruleset):
    choice = [q for q in ruleset.questions if not q.number]
    data = form_data(ruleset, action="end", **{choice[0].id: "maybe"})
    del data[choice[1].id]
    assert post_call(client, data).status_code == 400


def test_answers_already_at_emergency_show_the_banner_when_sent_half_filled(client, ruleset):
    chosen = answers_reaching(ruleset, Level.EMERGENCY)
    response = post_call(client, dict(chosen))  # only the emergency answers, nothing else
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Emergency &mdash; stop and act" in page
    emergency = ruleset.levels[Level.EMERGENCY].nurse_action.in_language("en").format(emergency_number="911")
    assert unescape(emergency) in unescape(page)
    assert parse(page).autofocus == ["stop-banner"]
    assert 'form="call-form" name="action" value="end"' in page


def test_the_level_so_far_comes_from_the_engine_for_the_script(client, ruleset):
    token = csrf_token(client)
    chosen = answers_reaching(ruleset, Level.EMERGENCY)
    response = client.post("/call/level", data=dict(chosen, csrf_token=token))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Emergency &mdash; stop and act" in response.get_data(as_text=True)
    urgent = client.post(
        "/call/level", data=dict(answers_reaching(ruleset, Level.URGENT), csrf_token=token)
    ).get_data(as_text=True)
    assert "So far: URGENT." in urgent and "stop and act" not in urgent
    nothing = client.post("/call/level", data={"csrf_token": token}).get_data(as_text=True)
    assert nothing.strip() == ""
    assert client.post("/call/level", data=chosen).status_code == 400  # no CSRF token


@pytest.mark.parametrize("value", ["9999", "ten", "1_0", "\u0661\u0662", "\uff19\uff10", "1.5", "12abc"])
def test_the_days_field_takes_plain_whole_numbers_only(client, ruleset, value):
    number = next(q for q in ruleset.questions if q.number)
    response = post_call(client, form_data(ruleset, **{number.id: value}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"enter a whole number from {number.minimum} to {number.maximum}" in page
    assert f'value="{value}"' in page  # what was typed is kept to correct


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("call_date", "26/11/2026", "Not a valid date value"),
        ("reference", "R" * 61, "60 characters or fewer"),
        ("initials", "ABCDEFGHIJK", "10 characters or fewer"),
        ("who_answered", "neighbour", "Not a valid choice"),
        ("actions", "prescribed", "not a valid choice"),
        ("call_language", "fr", "Not a valid choice"),
    ],
)
def test_bad_details_are_refused_with_a_message(client, ruleset, field, value, message):
    response = post_call(client, form_data(ruleset, **{field: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(client, ruleset):
    response = client.post("/call", data=form_data(ruleset))
    assert response.status_code == 400
    assert "chart-note" not in response.get_data(as_text=True)


def test_the_call_details_go_into_the_note_and_nowhere_else(app, client, ruleset, caplog):
    caplog.set_level(logging.DEBUG)
    data = form_data(
        ruleset,
        answers_reaching(ruleset, Level.URGENT),
        reference=CANARY,
        initials="JS",
        who_answered="caregiver",
        comments=f"Said {CANARY} twice",
        actions=["escalated", "teach_back"],
        started="2026-11-26T13:58:00+00:00",
    )
    response = post_call(client, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = chart_note(page)
    assert f"Patient reference: {CANARY}" in text and "Nurse:             JS" in text
    assert f"Who answered:      {WHO_ANSWERED['caregiver']}" in text
    assert f"{ACTIONS['escalated']}; {ACTIONS['teach_back']}" in " ".join(text.split())
    assert "Call time:         1:58 PM to " in text
    assert CANARY not in str(response.headers) and CANARY not in caplog.text
    assert all(CANARY not in cookie.value for cookie in client._cookies.values())
    download = re.search(r'<form method="post" action="/call/fhir">(.*?)</form>', page, re.S).group(1)
    assert CANARY not in download and 'name="reference"' not in download


def test_a_spanish_call_shows_the_spanish_wording_and_the_note_stays_english(client, ruleset):
    if "es" not in ruleset.languages:
        pytest.skip("this rule set has no Spanish wording")
    page = client.get("/call").get_data(as_text=True)
    for question in ruleset.questions:
        spanish = (question.ask or question.text).in_language("es")
        assert f'class="say say-es" lang="es">{spanish}</span>'.replace("'", "&#39;") in page
    urgent = answers_reaching(ruleset, Level.URGENT)
    result = post_call(client, form_data(ruleset, urgent, call_language="es")).get_data(as_text=True)
    text = chart_note(result)
    assert "Call held in Spanish" in " ".join(text.split())
    assert all(ch.isascii() for ch in text)
    warning_rule = next(
        r
        for r in ruleset.rules
        if r.level == Level.URGENT and r.id in text and r.advice.in_language("es") in unescape(result)
    )
    assert warning_rule  # the advice to read aloud, in Spanish, on the result page


def test_change_answers_brings_the_call_back_filled_in_with_its_details(client, ruleset):
    chosen = answers_reaching(ruleset, Level.SOON)
    page = post_call(
        client, form_data(ruleset, chosen, reference="AB 1234", initials="JS", call_date="2026-11-25")
    ).get_data(as_text=True)
    edit = re.search(
        r'<form method="post" action="/call">\s*<input type="hidden" name="csrf_token"'
        r'(?:(?!</form>).)*value="edit"',
        page,
        re.S,
    ).group(0)
    fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', edit)
    response = client.post("/call", data=dict(fields, action="edit"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    again = response.get_data(as_text=True)
    assert "chart-note" not in again and "There is a problem" not in again
    for question_id, value in chosen.items():
        assert f'name="{question_id}" value="{value}" checked' in again
    assert 'name="reference" value="AB 1234"' in again and 'name="initials" value="JS"' in again
    assert 'name="call_date" value="2026-11-25"' in again


def test_copy_and_call_scripts_are_served_from_this_site(client):
    for path, _words in (
        ("/static/copy.js", "navigator.clipboard"),
        ("/static/call.js", "/call/level"),
        ("/static/call.css", "@media print"),
    ):
        with client.get(path) as response:
            assert response.status_code == 200
    with client.get("/static/call.js") as response:
        assert "requestSubmit" in response.get_data(as_text=True)
    page = client.get("/call").get_data(as_text=True)
    assert '<script src="/static/call.js" defer></script>' in page
    assert 'data-level-url="/call/level"' in page
