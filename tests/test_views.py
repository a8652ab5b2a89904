"""The patient's pages through the Flask test client: start, questions, result, errors."""

import re
import time
from html import unescape
from html.parser import HTMLParser

import pytest
from helpers import TEST_CONFIG, token_in
from walker import Walker, sign_reaching

from triage import create_app
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
    # The help bar says them on every page but the result, whose card says them instead.
    assert "Emergency: 911" in shown.text or "Call 911 now" in shown.text
    assert "The Pump Clinic: 555-0100" in shown.text or "the Pump Clinic at 555-0100" in shown.text


# Start page -----------------------------------------------------------------------------------


def test_start_page_says_what_this_is_and_whom_to_call(client):
    response = client.get("/")
    assert response.status_code == 200
    shown = page(response)
    assert "do not answer these questions. Call 911 now." in shown.text
    assert [a for a in shown.find("a", href="tel:911") if "button--call" in a.get("class", "")]
    assert "This is not a diagnosis" in shown.text
    assert "call the Pump Clinic at 555-0100" in shown.text
    assert shown.find("form", action="/check/new")
    assert_numbers_shown(response)


def test_without_a_care_team_phone_pages_say_where_to_find_it():
    app = create_app(
        {**TEST_CONFIG, "CARE_TEAM_PHONE": "", "AFTER_HOURS_PHONE": "", "CARE_TEAM_NAME": "your care team"}
    )
    shown = page(app.test_client().get("/"))
    assert "Your care team: the number on your discharge papers" in shown.text
    assert not [a for a in shown.find("a") if a.get("href", "").startswith("tel:") and a["href"] != "tel:911"]


def test_pages_load_nothing_from_other_hosts(client):
    walker = Walker(client)
    walker.start()
    responses = [client.get("/"), client.get(walker.page.address), client.get("/nowhere")]
    walker.through()
    responses.append(client.get("/check/result"))
    for response in responses:
        html = response.get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', html)


# The questions ---------------------------------------------------------------------------------


def test_each_page_asks_its_questions_and_checklists_with_nothing_preselected(client, ruleset):
    walker = Walker(client)
    walker.start()
    for step in ruleset.steps:
        response = client.get(f"/check/{step.id}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        shown = page(response)
        assert step.title["en"] in shown.title
        form = shown.find("form")[-1]
        assert form["method"] == "post" and "novalidate" in form and "action" not in form
        for question_id in step.questions:
            question = ruleset.question(question_id)
            assert question.text["en"] in unescape(shown.text)
            if not question.number:
                assert [r["value"] for r in shown.find("input", name=question_id)] == list(question.values)
        for area in step.areas:
            boxes = shown.find("input", name=area.id)
            assert [b["value"] for b in boxes] == [sign.id for sign in area.signs] + ["none"]
            assert all(b["type"] == "checkbox" for b in boxes)
            assert all(sign.label["en"] in unescape(shown.text) for sign in area.signs)
        inputs = [a for t, a in shown.elements if t == "input"]
        assert not [a for a in inputs if "checked" in a or "required" in a]
        assert_numbers_shown(response)
        walker.open(f"/check/{step.id}")
        walker.send(walker.mildest())


def test_hints_are_linked_to_their_questions(client, ruleset):
    walker = Walker(client)
    walker.start()
    for step in ruleset.steps:
        shown = page(client.get(f"/check/{step.id}"))
        for name in [*step.questions, *(a.id for a in step.areas)]:
            if shown.find(id=f"{name}-hint"):
                fieldsets = [
                    a for a in shown.find("fieldset") if f"{name}-hint" in a.get("aria-describedby", "")
                ]
                assert len(fieldsets) == 1, name
        walker.open(f"/check/{step.id}")
        walker.send(walker.mildest())


def test_a_page_sent_blank_is_refused_not_assumed_with_a_summary_linking_to_each_field(client, ruleset):
    walker = Walker(client)
    walker.start()
    first = walker.page
    response = client.post(first.address, data={"csrf_token": token_in(first.html)})
    assert response.status_code == 303 and response.headers["Location"] == first.address
    response = client.get(first.address)
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Error: ")
    html = response.get_data(as_text=True)
    main = html[html.index("<main") :]
    assert main.index("There is a problem") < main.index("<h1")
    links = [a["href"] for a in shown.find("a") if a.get("href", "").startswith("#") and a["href"] != "#main"]
    assert links == [f"#{name}-0" for name in first.fields]
    for name in first.fields:
        assert shown.by_id(f"{name}-error")
        fieldset = [a for a in shown.find("fieldset") if f"{name}-error" in a.get("aria-describedby", "")]
        assert len(fieldset) == 1
    assert client.get(first.address).status_code == 200  # the problems are said once, then forgotten


def test_one_missing_answer_keeps_every_other_answer(client, ruleset):
    walker = Walker(client)
    walker.start()
    answers = walker.mildest()
    missing = next(name for name, (kind, _, _) in walker.page.fields.items() if kind == "radio")
    del answers[missing]
    page_again = walker.send(answers)
    assert page_again.status == 400
    for name, value in answers.items():
        assert page_again.fields[name][2] == [value]
    assert page_again.fields[missing][2] == []


# The result ----------------------------------------------------------------------------------


def result_of(client, choose=None) -> Page:
    walker = Walker(client)
    walker.start()
    walker.through(choose)
    response = client.get("/check/result")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response


def assert_result_basics(shown: Page, ruleset):
    assert "This is not a diagnosis." in shown.text
    assert f"Rule set version {ruleset.version} ({ruleset.digest})" in shown.text
    times = shown.find("time")
    assert len(times) == 1 and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", times[0]["datetime"]
    )
    assert re.search(r"Checked [A-Z][a-z]+ \d\d?, \d{4}, (1[0-2]|[1-9]):\d\d [AP]M\.", shown.text)
    assert shown.find("form", action="/check/new"), "no way to start again"


def test_no_symptoms_gives_no_warnings_with_everything_a_result_needs(client, ruleset):
    response = result_of(client)
    shown = page(response)
    none = ruleset.levels[Level.NONE]
    assert shown.title == f"Result: {none.heading['en']} - Pump Check"
    assert "Why we say this" not in shown.text
    assert_result_basics(shown, ruleset)
    assert_numbers_shown(response)


def test_an_emergency_says_call_911_first_and_why(client, ruleset):
    every = {area: [s.id for s in ruleset.steps[0].areas[0].signs] for area in [ruleset.steps[0].areas[0].id]}
    response = result_of(client, lambda page: every if set(every) <= set(page.fields) else None)
    html = response.get_data(as_text=True)
    shown = page(response)
    emergency = ruleset.levels[Level.EMERGENCY]
    assert shown.title == f"Result: {emergency.heading['en']} - Pump Check"
    main = html[html.index("<main") :]
    heading = main[main.index("<h1>") : main.index("</h1>")]
    assert 'href="tel:911">911</a>' in heading
    assert main.index("<h1>") < main.index("Why we say this")
    assert 'class="button button--call" href="tel:911"' in main[: main.index("</div>")]
    assert_result_basics(shown, ruleset)
    labels = {sign.label["en"] for sign in ruleset.steps[0].areas[0].signs}
    reasons = unescape(main[main.index("Because you said:") :])
    assert any(label in reasons for label in labels)


def test_an_urgent_result_gives_the_care_team_now_and_after_hours(client, ruleset):
    found = sign_reaching(ruleset, Level.URGENT)
    if found is None:
        pytest.skip("no sign alone gives urgent")
    _, area, sign = found
    response = result_of(client, lambda page: {area: sign.id} if area in page.fields else None)
    shown = page(response)
    urgent = ruleset.levels[Level.URGENT]
    assert shown.title == f"Result: {urgent.heading['en']} - Pump Check"
    assert "After hours, call 555-0199." in shown.text
    links = [a["href"] for a in shown.find("a") if a.get("href", "").startswith("tel:")]
    assert {"tel:5550100", "tel:5550199", "tel:911"} <= set(links)
    assert links.count("tel:5550100") <= 3  # the button, the help line, at most one sentence


def test_every_warning_says_because_you_said(client, ruleset):
    ticks = {area.id: [s.id for s in area.signs if s.sets] for step in ruleset.steps for area in step.areas}
    response = result_of(client, lambda page: {a: v for a, v in ticks.items() if a in page.fields and v})
    html = response.get_data(as_text=True)
    warnings = html.count('<li class="warning ')
    assert warnings > 1 and html.count("Because you said:") == warnings


def test_a_result_that_cannot_be_drawn_still_gives_the_action_and_the_numbers(ruleset, monkeypatch):
    app = create_app({**TEST_CONFIG, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    import triage.patient.results as results

    real = results.render_template

    def broken(name, **context):
        if name == "result.html":
            raise RuntimeError("a rule text that breaks the page")
        return real(name, **context)

    monkeypatch.setattr(results, "render_template", broken)
    walker = Walker(client)
    walker.start()
    response = client.post(
        walker.page.address,
        data={**walker.mildest(), area: sign.id, "csrf_token": token_in(walker.page.html)},
    )
    response = client.get(response.headers["Location"])
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Call 911 now." in html and 'href="tel:911"' in html and 'href="tel:5550100"' in html


def test_the_stylesheet_has_a_print_layout(client):
    with client.get("/static/site.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and ".no-print" in css


# CSRF and errors --------------------------------------------------------------------------

MARKER = "zebra-7731"


@pytest.mark.parametrize("token", [None, "", "not-a-token", "IjEyMyI.abc.def"])
def test_a_post_without_a_valid_token_is_refused_kindly(client, ruleset, token):
    walker = Walker(client)
    walker.start()
    data = {**walker.mildest(), "x": MARKER}
    if token is not None:
        data["csrf_token"] = token
    response = client.post(walker.page.address, data=data)
    assert response.status_code == 400
    shown = page(response)
    assert shown.title.startswith("Your answers were not sent")
    assert "Please start again" in shown.text
    assert MARKER not in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert_numbers_shown(response)


def test_a_token_from_another_browser_is_refused(app, ruleset):
    other = Walker(app.test_client())
    other.start()
    walker = Walker(app.test_client())
    walker.start()
    response = walker.client.post(
        walker.page.address, data={**walker.mildest(), "csrf_token": token_in(other.page.html)}
    )
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
    response = client.post(f"/check/{ruleset.steps[0].id}", data={"x": "1" * 70_000})
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


@pytest.mark.parametrize(("hours", "status"), [(3, 303), (11, 303), (25, 400)])
def test_a_slow_patient_keeps_a_page_open_for_hours(client, ruleset, monkeypatch, hours, status):
    import itsdangerous.timed

    walker = Walker(client)
    walker.start()
    later = time.time() + hours * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.post(
        walker.page.address, data={**walker.mildest(), "csrf_token": token_in(walker.page.html)}
    )
    assert response.status_code == status


def test_each_visitor_gets_a_token_of_their_own(app):
    first, second = Walker(app.test_client()), Walker(app.test_client())
    first.start(), second.start()
    assert token_in(first.page.html) != token_in(second.page.html)
