"""Call mode: one page of questions in the nurse's words, the result and the chart note."""

import logging
import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

import helpers
import pytest
from level_examples import answers_reaching, full_answers

from triage import engine
from triage.engine.model import Level
from triage.nurse import note, order
from triage.nurse.callform import ACTIONS
from triage.nurse.plaintext import plain
from triage.web.shared import contacts

CANARY = "CANARY-PATIENT-4471"
REFERENCE = "AB 1234"  # a patient reference: the note is shown only once the patient is identified


def level_name(level: Level) -> str:
    """A level as call mode's title and heading say it: EMERGENCY ROOM, not EMERGENCY_ROOM."""
    return level.id.replace("_", " ").upper()


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


def post_call(client, data, *, identified: bool = True):
    """Post a call; `identified` adds a patient reference unless the data names one."""
    data = ({"reference": REFERENCE} if identified else {}) | dict(data)
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
        for n, q in enumerate(order.call_order(ruleset), start=1)
    ]
    assert positions == sorted(positions)
    assert sorted(q.id for q in order.call_order(ruleset)) == sorted(q.id for q in ruleset.questions)
    for question in ruleset.questions:  # nothing is answered for the nurse
        assert not re.search(rf'name="{question.id}" value="[^"]*" checked', page)
    assert " required" not in page  # the server checks, with a clear summary
    assert "Tab" in page and "Enter" in page  # the keys are written on the page
    assert 'name="started" value="20' in page  # the call starts when the page opens


def test_focus_starts_in_the_patient_reference_and_the_button_follows_the_last_question(client, ruleset):
    parsed = parse(client.get("/call").get_data(as_text=True))
    assert parsed.autofocus == ["reference"]
    stops = parsed.stops
    last = order.call_order(ruleset)[-1].id
    radios = [i for i, (tag, attrs) in enumerate(stops) if attrs.get("name") == last]
    tag, attrs = stops[radios[-1] + 1]
    assert (tag, attrs.get("type"), attrs.get("id")) == ("button", "submit", "show-result")
    names = list(dict.fromkeys(attrs.get("name") for tag, attrs in stops if attrs.get("name")))
    languages = ["call_language"] if len(ruleset.languages) > 1 else []
    questions = [q.id for q in order.call_order(ruleset)]
    assert names == ["reference", "no_reference", *languages, *questions]


def test_the_patient_and_who_is_answering_come_first_and_who_answered_is_asked_once(client, ruleset):
    """Issue 24: "Who am I speaking with?" was question 13, and a second "Who answered" was
    asked on the result page; the rule file's own question now serves the note and FHIR."""
    who = order.answerer(ruleset)
    if who is None:
        pytest.skip("this rule set does not ask who is answering")
    page = client.get("/call").get_data(as_text=True)
    assert page.index('id="reference"') < page.index('id="no_reference"') < page.index(f'name="{who.id}"')
    assert f"1.</span> {note.asked(who)}".replace("'", "&#39;") in page
    assert order.call_order(ruleset)[0] == who
    chosen = {who.id: who.values[-1]}
    result = post_call(client, form_data(ruleset, chosen)).get_data(as_text=True)
    assert "who_answered" not in page and "who_answered" not in result
    text = chart_note(result)
    assert f"Who answered:      {note.answer_text(who, who.values[-1])}" in text.replace("\n" + " " * 19, " ")
    assert " 1. " + note.asked(who)[:40] in text


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
def test_the_result_gives_the_nurses_action_never_the_patients(app, client, ruleset, level):
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
    with app.test_request_context("/call"):
        action = ruleset.levels[level].nurse_action.filled("en", contacts())
    assert f"{level_name(level)}: {' '.join(action.split())}" in " ".join(heading.split())
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
    data = form_data(ruleset, reference=REFERENCE)
    del data[choice[0].id], data[choice[-1].id]
    response = post_call(client, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page and "There is a problem" in page
    numbers = order.numbers(ruleset)
    for question in (choice[0], choice[-1]):
        assert f'href="#{question.id}-0">Question {numbers[question.id]}: choose an answer' in page
    assert page.count('<p class="field-error"') == 2
    assert f'id="{choice[1].id}-0" name="{choice[1].id}" value="{choice[1].values[0]}" checked' in page
    assert f'name="reference" value="{REFERENCE}"' in page
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
        comments=f"Said {CANARY} twice",
        actions=["escalated", "teach_back"],
        started="2026-11-26T13:58:00+00:00",
    )
    response = post_call(client, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = chart_note(page)
    assert f"Patient reference: {CANARY}" in text and "Nurse:             JS" in text
    assert f"{ACTIONS['escalated']}; {ACTIONS['teach_back']}" in " ".join(text.split())
    assert "Call time:         1:58 PM to " in text
    assert CANARY not in str(response.headers) and CANARY not in caplog.text
    assert all(CANARY not in cookie.value for cookie in client._cookies.values())
    download = re.search(r'<form method="post" action="/call/fhir">(.*?)</form>', page, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', download))
    assert fields["reference"] == CANARY  # carried, so the server can see the patient is identified
    bundle = client.post("/call/fhir", data=fields)
    assert bundle.status_code == 200 and bundle.mimetype == "application/fhir+json"
    assert CANARY not in bundle.get_data(as_text=True)  # but never written into the file


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
        client, form_data(ruleset, chosen, reference=REFERENCE, initials="JS", call_date="2026-11-25")
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
    assert f'name="reference" value="{REFERENCE}"' in again and 'name="initials" value="JS"' in again
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


# Issue 24: the patient first, the note only once identified, the Spanish said right ---------


def test_the_result_comes_at_once_but_the_note_and_fhir_only_once_the_patient_is_identified(client, ruleset):
    urgent = form_data(ruleset, answers_reaching(ruleset, Level.URGENT))
    for reference in ("", "   "):  # nothing typed, or only spaces
        page = post_call(client, dict(urgent, reference=reference), identified=False).get_data(as_text=True)
        assert "<title>Call result: URGENT" in page  # the level and the nurse's action at once
        assert "chart-note" not in page and 'id="copy-note"' not in page  # no note to copy
        assert 'action="/call/fhir"' not in page  # nor a FHIR file to download
        form = re.search(r'<form[^>]*class="call-details call-identify[^"]*".*?</form>', page, re.S).group(0)
        assert 'id="reference"' in form and 'id="no_reference"' in form and "Show the chart note" in form
        after_heading = parse(page[page.index('id="result-heading"') :]).stops
        assert after_heading[0][1].get("id") == "reference"  # one Tab from the result heading
    # The server refuses the download too: no page script is needed to keep the file back.
    refused = client.post("/call/fhir", data=dict(urgent, csrf_token=csrf_token(client)))
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "Who is the patient?" in refused.get_data(as_text=True)
    # Identified: by a reference, or by "no reference" chosen on purpose.
    named = chart_note(post_call(client, urgent).get_data(as_text=True))
    assert f"Patient reference: {REFERENCE}\n" in named
    unnamed = post_call(client, dict(urgent, no_reference="y"), identified=False).get_data(as_text=True)
    assert "Patient reference: NONE - patient not identified" in chart_note(unnamed)
    assert "(none given)" not in chart_note(unnamed)
    download = re.search(r'<form method="post" action="/call/fhir">(.*?)</form>', unnamed, re.S).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', download))
    assert fields["no_reference"] == "y"
    assert client.post("/call/fhir", data=fields).mimetype == "application/fhir+json"


def test_the_identify_form_keeps_the_call_and_ends_early_calls_early(client, ruleset):
    choice = [q for q in ruleset.questions if not q.number]
    data = form_data(ruleset, initials="JS", comments="Rang back")
    del data[choice[-1].id]
    page = post_call(client, dict(data, action="end"), identified=False).get_data(as_text=True)
    form = re.search(r'<form[^>]*class="call-details call-identify[^"]*".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    assert fields["initials"] == "JS" and fields["comments"] == "Rang back"
    assert 'name="action" value="end"' in form  # a call ended early stays ended early
    text = chart_note(
        client.post("/call", data=dict(fields, reference="CD 42", action="end")).get_data(as_text=True)
    )
    assert "Patient reference: CD 42" in text and "1 question not asked" in " ".join(text.split())


# The English settings of TEST_CONFIG have no Spanish: a Spanish line takes the catalogue's words.
SPANISH_UNSET = {
    "care_team": "su equipo médico",
    "emergency_room": "la sala de emergencias del hospital donde le pusieron la bomba",
}


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.id)
def test_each_level_gives_the_nurse_the_clinics_line_to_say_in_the_calls_language(client, ruleset, level):
    """Finding M5: a line per level, from the rule file's `say`, not the patient's own action."""
    words = ruleset.levels[level]
    if words.say is None:
        pytest.skip(f"the rule file gives {level.id} no `say` line")
    chosen = answers_reaching(ruleset, level)
    english = post_call(client, form_data(ruleset, chosen)).get_data(as_text=True)
    contacts = {"emergency_number": "911", "care_team": "the Pump Clinic", "call_back_minutes": "30"}
    contacts |= {"care_team_phone": "555-0100", "after_hours_phone": "555-0199"}
    contacts |= {"emergency_room": "the emergency room at St. Mary's"}
    assert unescape(words.say["en"].format(**contacts)) in unescape(english)
    assert plain(words.say["en"].format(**contacts)) in " ".join(chart_note(english).split())
    if "es" not in ruleset.languages:
        return
    spanish = post_call(client, form_data(ruleset, chosen, call_language="es")).get_data(as_text=True)
    line = re.search(r'<p class="say-aloud" lang="es">(.*?)</p>', spanish, re.S).group(1)
    assert unescape(re.sub(r"<span[^>]*>.*?</span>", "", line)) == words.say["es"].format(
        **(contacts | SPANISH_UNSET)
    )
    patient_action = words.action["es"].split("{")[0].strip()
    assert patient_action not in unescape(line)


@pytest.mark.parametrize(
    "settings, care_team",
    [
        ({"CARE_TEAM_NAME": "the Pump Clinic"}, "su equipo médico"),
        (
            {"CARE_TEAM_NAME": "the Pump Clinic", "CARE_TEAM_NAME_ES": "la Clínica de la Bomba"},
            "la Clínica de la Bomba",
        ),
        ({"CARE_TEAM_NAME": "your care team", "CARE_TEAM_PHONE": ""}, "su equipo médico"),
    ],
    ids=["english-name-only", "spanish-name-set", "nothing-set"],
)
def test_the_spanish_read_aloud_takes_only_spanish_fill_ins(settings, care_team):
    """Finding H5: "llame a the Pump Clinic al ..." on call mode's English page."""
    from helpers import TEST_CONFIG

    from triage import create_app
    from triage.web.shared import contacts

    app = create_app({**TEST_CONFIG, **settings})
    with app.test_request_context("/call"):
        english, spanish = contacts(), contacts("es")
    assert spanish["care_team"] == care_team
    if not settings.get("CARE_TEAM_PHONE", "555"):
        assert spanish["care_team_phone"] == "número que aparece en sus papeles de alta"
        assert english["care_team_phone"] == "the number on your discharge papers"
    assert english["care_team"] == settings["CARE_TEAM_NAME"]  # the staff page keeps its English


def test_call_mode_never_tells_the_patient_to_answer_the_questions_again(client, ruleset):
    """Finding H5: the patient's "answer the questions again" means nothing on a phone call."""
    for language in ruleset.languages:
        page = post_call(client, form_data(ruleset, call_language=language)).get_data(as_text=True)
        said = unescape(page[page.index("<main") : page.index('id="note-heading"')])
        assert "answer the questions again" not in said.lower() and "conteste las preguntas" not in said


def test_the_spanish_read_aloud_uses_each_answers_nurse_wording_where_given(client, ruleset):
    """Finding M4: the nurse read "Me desmayé" to the patient; an option's `ask` is read instead."""
    if "es" not in ruleset.languages:
        pytest.skip("this rule set has no Spanish wording")
    page = unescape(client.get("/call").get_data(as_text=True))
    for question in ruleset.questions:
        for index, option in enumerate(question.options):
            start = page.index(f'<label for="{question.id}-{index}">')
            label = page[start : page.index("</label>", start)]
            said = (option.ask or option.label).in_language("es")
            assert f'<span class="say say-es" lang="es">{said}</span>' in label
            if option.ask is not None and option.ask.in_language("es") != option.label.in_language("es"):
                assert option.label.in_language("es") not in label


def test_the_journey_of_issue_24_day_12_fever_spreading_redness_identified(client, ruleset):
    """The call the issue timed: day 12 after surgery, a fever of 101 F, spreading redness."""
    journey = {"days_since_surgery": "12", "fever": "yes", "redness": "spreading", "answerer": "self"}
    if not set(journey) <= set(ruleset.questions_by_id):
        pytest.skip("this rule set does not ask the journey's questions")
    page = post_call(client, form_data(ruleset, journey, reference="JS 4471")).get_data(as_text=True)
    level = engine.evaluate(ruleset, {**journey, "days_since_surgery": 12}).level
    assert level >= Level.URGENT  # a fever and spreading redness, twelve days after the operation
    assert f"<title>Call result: {level_name(level)}" in page
    text = chart_note(page)
    assert "Patient reference: JS 4471\n" in text and "12 days" in text
    assert text.index(" 1. " + note.asked(ruleset.question("answerer"))[:30]) < text.index("WARNINGS")
