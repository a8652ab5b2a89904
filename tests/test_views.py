"""The patient's pages through the Flask test client: start, questions, result, errors."""

import re
import time
from html import unescape
from html.parser import HTMLParser

import pytest
from answer_examples import answers_with_warnings, number_question
from conftest import answers_reaching, none_answers, step_form_fields
from helpers import CSRF_TOKEN, TEST_CONFIG

from triage import create_app, engine
from triage.engine.model import Level


class Page(HTMLParser):
    """A parsed page: the title, every element's attributes, and the text."""

    def __init__(self, html: str):
        super().__init__()
        self.title, self.elements, self.text_parts, self._in_title = "", [], [], False
        self.feed(html)
        self.text = " ".join("".join(self.text_parts).split())

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text_parts.append(data)

    def find(self, tag=None, **attrs) -> list[dict]:
        return [
            a
            for t, a in self.elements
            if (tag is None or t == tag) and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, element_id: str) -> dict:
        found = self.find(id=element_id)
        assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
        return found[0]


def page(response) -> Page:
    return Page(response.get_data(as_text=True))


def assert_numbers_shown(response):
    """Every patient-facing page shows the emergency number and the care team's numbers."""
    shown = page(response)
    assert shown.find("a", href="tel:911"), "no tap-to-call link for 911"
    assert shown.find("a", href="tel:5550100"), "no tap-to-call link for the care team"
    assert "Emergency? Call 911 now." in shown.text
    assert "The Pump Clinic: 555-0100; after hours: 555-0199." in shown.text


# Start page -----------------------------------------------------------------------------------


def test_start_page_says_what_this_is_and_whom_to_call(client, ruleset):
    response = client.get("/")
    assert response.status_code == 200
    shown = page(response)
    assert "If you think it is an emergency, call 911 now" in shown.text
    assert f"Answer {len(ruleset.questions)} short questions" in shown.text
    assert "This is not a diagnosis" in shown.text
    assert "call the Pump Clinic at 555-0100" in shown.text
    assert shown.find("a", href="/check")
    assert_numbers_shown(response)


def test_without_a_care_team_phone_pages_say_where_to_find_it():
    app = create_app(
        {**TEST_CONFIG, "CARE_TEAM_PHONE": "", "AFTER_HOURS_PHONE": "", "CARE_TEAM_NAME": "your care team"}
    )
    shown = page(app.test_client().get("/"))
    assert "Your care team: the number on your discharge papers." in shown.text
    assert not shown.find("a", href="tel:")


def test_pages_load_nothing_from_other_hosts(client, submit, ruleset):
    for response in (
        client.get("/"),
        client.get("/check"),
        submit(none_answers(ruleset)),
        client.get("/nowhere"),
    ):
        html = response.get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html)


# The questions ---------------------------------------------------------------------------------


def show_step(client, number: int):
    """Open a step as the summary's "Change" button does (no answers given yet)."""
    from helpers import csrf_token

    return client.post("/check", data={"csrf_token": csrf_token(client), "step": "1", "go": f"step-{number}"})


def test_each_step_asks_its_questions_with_nothing_preselected(client, ruleset):
    for number, step in enumerate(ruleset.steps, start=1):
        response = show_step(client, number)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        shown = page(response)
        assert shown.title.startswith(f"Step {number} of {len(ruleset.steps)}: ")
        form = shown.find("form")[-1]
        assert form["method"] == "post" and "novalidate" in form
        for question_id in step.questions:
            question = ruleset.question(question_id)
            assert question.text["en"] in shown.text
            radios = shown.find("input", name=question_id)
            if question.number:
                continue  # in bands (tests/test_flow.py)
            assert [r["value"] for r in radios] == list(question.values)
            for index, option in enumerate(question.options):
                assert shown.by_id(f"{question_id}-{index}")["value"] == option.value
                assert option.label["en"] in shown.text
        inputs = [a for t, a in shown.elements if t == "input"]
        assert not [a for a in inputs if "checked" in a or "required" in a]
        assert_numbers_shown(response)


def test_hints_are_linked_to_their_questions(client, ruleset):
    hinted = [q for q in ruleset.questions if q.hint and not q.number]
    for question in hinted + [ruleset.question(q) for q in ruleset.bands]:
        shown = page(show_step(client, ruleset.step_of[question.id]))
        assert shown.by_id(f"{question.id}-hint")
        fieldsets = [
            a for a in shown.find("fieldset") if f"{question.id}-hint" in a.get("aria-describedby", "")
        ]
        assert len(fieldsets) == 1


def test_no_answers_at_all_is_refused_not_assumed(submit, ruleset):
    response = submit({})
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Error: Step 1 of ")
    choices = [q for q in ruleset.steps[0].questions if not ruleset.question(q).number]
    summary_links = [
        a["href"] for a in shown.find("a") if a.get("href", "").startswith("#") and a["href"] != "#main"
    ]
    assert summary_links == [f"#{choices[0]}-0"]
    assert f"You have not answered {len(choices)} question" in shown.text
    assert "Result" not in shown.title


def test_one_missing_answer_keeps_every_other_answer(post_step, ruleset):
    number, step = next(
        (n, s)
        for n, s in enumerate(ruleset.steps, start=1)
        if n > 1 and len([q for q in s.questions if not ruleset.question(q).number]) >= 2
    )
    missing = next(q for q in step.questions if not ruleset.question(q).number)
    answers = {**none_answers(ruleset)}
    del answers[missing]
    for question_id in step.questions:  # an answer that is not the first, where it stays calm
        question = ruleset.question(question_id)
        if question_id != missing and not question.number and len(question.values) > 2:
            trial = {**answers, question_id: question.values[1]}
            if engine.evaluate(ruleset, trial).level < Level.URGENT:
                answers = trial
    response = post_step(number, answers)
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    shown = page(response)
    assert shown.title.startswith(f"Error: Step {number} of ")
    # The summary comes first in the main content, titled as GOV.UK does, linking to the field.
    html = response.get_data(as_text=True)
    main = html[html.index("<main") :]
    assert main.index("There is a problem") < main.index("<h1")
    assert "You have not answered 1 question" in shown.text
    message = f"Choose an answer for: {ruleset.question(missing).text['en']}"
    assert shown.find("a", href=f"#{missing}-0")
    assert shown.by_id(f"{missing}-0")["type"] == "radio"
    assert shown.text.count(message) == 1  # beside the question, in its own words
    assert shown.by_id(f"{missing}-error")
    fieldset = [a for a in shown.find("fieldset") if f"{missing}-error" in a.get("aria-describedby", "")]
    assert len(fieldset) == 1
    # Every answer given is still there: on the page, or carried in the form.
    hidden = step_form_fields(html)
    for question_id, value in answers.items():
        if question_id in step.questions:
            assert [a["value"] for a in shown.find("input", name=question_id) if "checked" in a] == [value], (
                question_id
            )
        else:
            assert hidden[question_id] == value
    assert not [a for a in shown.find("input", name=missing) if "checked" in a]


def test_an_answer_that_is_not_an_option_is_refused(submit, ruleset):
    question = next(q for q in ruleset.questions if not q.number)
    response = submit({**none_answers(ruleset), question.id: "maybe"})
    assert response.status_code == 400
    assert page(response).title.startswith("Some of your answers could not be read")


# The result ----------------------------------------------------------------------------------


def test_no_symptoms_gives_no_warnings_with_everything_a_result_needs(submit, ruleset):
    response = submit(none_answers(ruleset))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = page(response)
    none = ruleset.levels[Level.NONE]
    assert shown.title == f"Result: {none.heading['en']} - Pump Check"
    assert " ".join(none.action["en"].split()[:3]) in shown.text
    assert "Why we say this" not in shown.text
    assert_result_basics(shown, ruleset)
    assert_numbers_shown(response)


def assert_result_basics(shown: Page, ruleset):
    assert "This is not a diagnosis." in shown.text
    assert f"Rule set version {ruleset.version} ({ruleset.digest})" in shown.text
    times = shown.find("time")
    assert len(times) == 1 and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", times[0]["datetime"]
    )
    assert re.search(r"Checked [A-Z][a-z]+ \d\d?, \d{4} at (1[0-2]|[1-9]):\d\d [AP]M UTC", shown.text)
    check_again = [a for a in shown.find("a", href="/check")]
    assert check_again, "no way to check again"
    assert shown.find("p", class_="no-print")


def test_an_emergency_says_call_911_first_and_why(submit, ruleset):
    # Every choice at its last answer: an emergency with warnings at more than one level.
    answers = {q.id: q.values[-1] for q in ruleset.questions if not q.number}
    expected = engine.evaluate(ruleset, answers)
    assert expected.level == Level.EMERGENCY
    response = submit(answers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = page(response)
    emergency = ruleset.levels[Level.EMERGENCY]
    assert shown.title == f"Result: {emergency.heading['en']} - Pump Check"
    main = html[html.index("<main") :]
    # The one action comes first, with the number to tap.
    heading = main[main.index("<h1>") : main.index("</h1>")]
    assert 'href="tel:911">911</a>' in heading
    assert main.index("<h1>") < main.index("Why we say this")
    action = main[: main.index("</div>")]
    assert 'href="tel:911"' in action
    said = emergency.action["en"].format(emergency_number="911", care_team="the Pump Clinic")
    assert unescape(Page(action).text).count(" ".join(said.split())) == 1  # said once, not twice
    assert_result_basics(shown, ruleset)
    # All matching warnings are shown, most urgent first, each with its reasons; only those at
    # the result's level with their advice (the rest are "also noted", tests/test_result.py).
    levels = re.findall(r'<li class="warning warning--(\w+)">', html)
    assert levels == [w.level.id if w.level == expected.level else "noted" for w in expected.warnings]
    assert len(set(levels)) > 1
    items = html.split('<li class="warning warning--')[1:]
    for warning, item in zip(expected.warnings, items, strict=True):
        text = unescape(Page(item).text)
        assert warning.rule.title["en"] in text
        assert (warning.rule.advice["en"] in " ".join(text.split())) == (warning.level == expected.level)
        reasons = text[text.index("Because you said:") :]
        for question_id, answer in warning.because:
            question = ruleset.question(question_id)
            assert f"{question.text['en']} {question.label_for(answer)}" in reasons
    first = expected.warnings[0]
    said = " ".join(
        f"{ruleset.question(q).text['en']} {ruleset.question(q).label_for(a)}" for q, a in first.because
    )
    assert f"Because you said: {said}" in unescape(shown.text)


def test_urgent_result_gives_the_care_team_now_and_after_hours(submit, ruleset):
    response = submit({**none_answers(ruleset), **answers_reaching(ruleset, Level.URGENT)})
    shown = page(response)
    urgent = ruleset.levels[Level.URGENT]
    assert shown.title == f"Result: {urgent.heading['en']} - Pump Check"
    action = urgent.action["en"].format(
        care_team="the Pump Clinic",
        care_team_phone="555-0100",
        after_hours_phone="555-0199",
        emergency_room="the emergency room at St. Mary's",
        call_back_minutes="30",
        emergency_number="911",
    )
    assert " ".join(action.split()) in unescape(shown.text)
    assert "After hours: 555-0199" in shown.text
    action_links = [a["href"] for a in shown.find("a") if a.get("href", "").startswith("tel:")]
    assert {"tel:5550100", "tel:5550199", "tel:911"} <= set(action_links)


def test_every_warning_says_because_you_said(submit, ruleset):
    answers = {q.id: q.values[-1] for q in ruleset.questions if not q.number}
    days = number_question(ruleset).id
    response = submit({**answers, days: "10"})
    html = response.get_data(as_text=True)
    warnings = html.count('<li class="warning ')
    assert warnings == len(engine.evaluate(ruleset, {**answers, days: 10}).warnings) > 1
    assert html.count("Because you said:") == warnings


def test_check_again_gives_an_empty_form(client, submit, ruleset):
    submit({**none_answers(ruleset), **answers_with_warnings(ruleset)})
    shown = page(client.get("/check"))
    assert not [a for a in shown.find("input") if "checked" in a]


def test_the_stylesheet_has_a_print_layout(client):
    with client.get("/static/site.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and ".no-print" in css


# CSRF and errors --------------------------------------------------------------------------

MARKER = "zebra-7731"


@pytest.mark.parametrize("token", [None, "", "not-a-token", "IjEyMyI.abc.def"])
def test_a_post_without_a_valid_token_is_refused_kindly(client, ruleset, token):
    [(question_id, value)] = answers_with_warnings(ruleset).items()
    data = {**none_answers(ruleset), question_id: value, number_question(ruleset).id: MARKER}
    if token is not None:
        data["csrf_token"] = token
    client.get("/check")
    response = client.post("/check", data=data)
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Your answers were not sent")
    assert "Please start the check again" in shown.text
    assert MARKER not in response.get_data(as_text=True)
    label = ruleset.question(question_id).option(value).label["en"]
    assert len(label) < 4 or label not in shown.text  # no answer shown back ("Yes" is too common)
    assert response.headers["Cache-Control"] == "no-store"
    assert_numbers_shown(response)


def test_a_token_from_another_browser_is_refused(app, ruleset):
    from helpers import csrf_token

    token = csrf_token(app.test_client())
    response = app.test_client().post("/check", data={**none_answers(ruleset), "csrf_token": token})
    assert response.status_code == 400
    assert page(response).title.startswith("Your answers were not sent")


def test_unknown_page(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    shown = page(response)
    assert shown.title.startswith("Page not found")
    assert "In an emergency, call 911 now." in shown.text
    assert_numbers_shown(response)


def test_wrong_method_on_a_page(client):
    response = client.post("/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert page(response).title.startswith("This page cannot do that")
    assert_numbers_shown(response)


def test_an_oversized_form_is_refused_in_plain_words(client, ruleset):
    response = client.post(
        "/check", data={**none_answers(ruleset), number_question(ruleset).id: "1" * 70_000}
    )
    assert response.status_code == 413
    shown = page(response)
    assert shown.title.startswith("Too much was sent")
    assert "More was sent than a symptom check needs" in shown.text
    assert_numbers_shown(response)


def test_a_crash_shows_the_numbers_to_call():
    app = create_app({**TEST_CONFIG, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    shown = page(response)
    assert shown.title.startswith("Something went wrong")
    assert "If you are worried, do not wait" in shown.text
    assert "a bug" not in shown.text
    assert_numbers_shown(response)


@pytest.mark.parametrize(("hours", "status"), [(3, 200), (23, 200), (25, 400)])
def test_a_slow_patient_keeps_their_answers_for_a_day(client, ruleset, monkeypatch, hours, status):
    import itsdangerous.timed
    from helpers import csrf_token

    token = csrf_token(client)
    later = time.time() + hours * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.post("/check", data={**none_answers(ruleset), "csrf_token": token})
    assert response.status_code == status


@pytest.mark.parametrize("path", ["/", "/check", "/when-to-call", "/check?lang=es"])
def test_a_page_kept_per_language_gives_each_visitor_their_own_token(path):
    """The start page, the first step and the sheet are kept whole per language
    (shells.page): each visitor still gets a CSRF token of their own session, which a post
    with another visitor's token cannot use."""
    app = create_app(TEST_CONFIG)
    first, second = app.test_client(), app.test_client()
    pages = [client.get(path).get_data(as_text=True) for client in (first, second, first)]
    assert all("\ue000" not in page for page in pages)  # no hole left unfilled (triage/shells.py)
    tokens = [re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page) for page in pages]
    if path.startswith("/check"):
        assert tokens[0] and tokens[1] and tokens[0] != tokens[1]
        posted = {"csrf_token": tokens[1][0], "step": "1"}
        # accepted: step 1 again, asking for its answers; refused: the "not sent" page, no form
        assert 'name="step"' in second.post("/check", data=posted).get_data(as_text=True)
        assert 'name="step"' not in first.post("/check", data=posted).get_data(as_text=True)
    # The same visitor, the same page but the token (signed with the time: it may change).
    same = [CSRF_TOKEN.sub("", page) for page in (pages[0], pages[2])]
    assert same[0] == same[1]
