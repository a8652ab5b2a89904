"""A patient's whole journey in a real browser: by touch, by keyboard, without JavaScript."""

from __future__ import annotations

import pytest

from .browser_helpers import (
    LEVEL_ANSWERS,
    answer_by_tapping,
    answers_for,
    focused,
    press_button,
    shoot,
    wait_for_focus,
)

pytestmark = pytest.mark.browser


def heading_of(ruleset, level: str, language: str = "en") -> str:
    from triage.model import Level
    return ruleset.levels[Level.from_id(level)].heading[language]


@pytest.mark.parametrize("level", list(LEVEL_ANSWERS))
def test_phone_journey_reaches_each_level(phone, server, ruleset, screenshots, level):
    page = phone
    page.goto(server + "/")
    assert page.title().startswith("Check your symptoms")
    if level == "none":
        shoot(page, screenshots, "start-phone")
    page.get_by_role("link", name="Start the symptom check").tap()
    page.wait_for_url(server + "/check")
    if level == "none":
        shoot(page, screenshots, "questions-phone")
    answer_by_tapping(page, ruleset, answers_for(ruleset, level))
    press_button(page, "See what to do", tap=True)
    heading = heading_of(ruleset, level)
    assert page.title() == f"Result: {heading} - Pump Check"
    card = page.locator("#action")
    assert heading in card.inner_text()
    assert "911" in page.locator("main").inner_text() or level != "emergency"
    assert page.get_by_text("This is not a diagnosis").count() == 1
    assert ruleset.version in page.locator("main").inner_text()
    shoot(page, screenshots, f"result-{level}-phone")


@pytest.mark.parametrize("level", list(LEVEL_ANSWERS))
def test_desktop_screenshots(desktop, server, ruleset, screenshots, level):
    page = desktop
    page.goto(server + "/")
    if level == "none":
        shoot(page, screenshots, "start-desktop")
    page.get_by_role("link", name="Start the symptom check").click()
    if level == "none":
        shoot(page, screenshots, "questions-desktop")
    answer_by_tapping(page, ruleset, answers_for(ruleset, level))
    press_button(page, "See what to do")
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()
    shoot(page, screenshots, f"result-{level}-desktop")


def _tab_to(page, predicate, limit=400) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("the keyboard never reached the element")


@pytest.mark.parametrize("level", list(LEVEL_ANSWERS))
def test_keyboard_only_journey(desktop, server, ruleset, level):
    """Tab, arrow keys, space and enter only: no mouse, no touch."""
    page = desktop
    page.goto(server + "/")
    skip = _tab_to(page, lambda e: True)
    assert skip["text"] == "Skip to main content", "the first tab stop is the skip link"
    _tab_to(page, lambda e: e["text"] == "Start the symptom check")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == server + "/check"
    answers = answers_for(ruleset, level)
    for question in ruleset.questions:
        element = _tab_to(page, lambda e, q=question: e["name"] == q.id)
        if question.number:
            page.keyboard.type(str(answers[question.id]))
            continue
        assert element["type"] == "radio" and not element["checked"], "nothing is preselected"
        page.keyboard.press("Space")  # choose the focused (first) answer
        for _ in range(question.values.index(answers[question.id])):
            page.keyboard.press("ArrowDown")  # arrows move the choice within the group
        chosen = focused(page)
        assert chosen["checked"] and chosen["value"] == answers[question.id]
    _tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "See what to do")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()


@pytest.mark.parametrize("level", ["emergency", "none"])
def test_journey_without_javascript(no_js, server, ruleset, level):
    page = no_js
    page.goto(server + "/")
    page.get_by_role("link", name="Start the symptom check").click()
    answer_by_tapping(page, ruleset, answers_for(ruleset, level))
    press_button(page, "See what to do")
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()


def _submit_half_answered(page, server, ruleset):
    page.goto(server + "/check")
    half = {q.id: (None if q.number else q.values[0]) for q in ruleset.questions[:5]}
    answer_by_tapping(page, ruleset, half)
    press_button(page, "See what to do")
    return [q for q in ruleset.questions[5:] if not q.number]


def test_error_summary_takes_focus_with_javascript(phone, server, ruleset, screenshots):
    page = phone
    missing = _submit_half_answered(page, server, ruleset)
    assert page.title().startswith("Error: ")
    assert wait_for_focus(page, "error-summary"), "focus moves to the error summary"
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert summary.get_by_role("link").count() == len(missing)
    shoot(page, screenshots, "questions-error-phone")
    # Each link takes the patient to the question; the answers given are kept.
    summary.get_by_role("link").first.click()
    first_missing = missing[0]
    assert focused(page)["name"] == first_missing.id
    assert page.locator(f"input[name='{ruleset.questions[1].id}']:checked").count() == 1


def test_error_summary_without_javascript(no_js, server, ruleset):
    page = no_js
    missing = _submit_half_answered(page, server, ruleset)
    summary = page.locator("#error-summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 400, "the summary is near the top of the page"
    assert wait_for_focus(page, "error-summary"), "autofocus works without a script"
    links = summary.get_by_role("link")
    assert links.count() == len(missing)
    for index in range(links.count()):
        target = links.nth(index).get_attribute("href")
        assert target.startswith("#") and page.locator(target).count() == 1
    links.first.click()
    assert focused(page)["name"] == missing[0].id


def test_spanish_journey_and_back_to_english(phone, server, ruleset, screenshots):
    page = phone
    page.goto(server + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Español").tap()
    assert page.locator("html").get_attribute("lang") == "es"
    shoot(page, screenshots, "start-es-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="Empezar la revisión de síntomas").tap()
    assert page.title() == "Sus síntomas - Pump Check"
    answer_by_tapping(page, ruleset, answers_for(ruleset, "urgent"))
    press_button(page, "Ver qué hacer", tap=True)
    assert page.locator("html").get_attribute("lang") == "es"
    assert heading_of(ruleset, "urgent", "es") in page.locator("#action").inner_text()
    assert "Porque usted dijo:" in page.locator("main").inner_text()
    shoot(page, screenshots, "result-urgent-es-phone")
    # The switch on a result re-posts the answers: the same result comes back in English.
    press_button(page, "English", tap=True)
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading_of(ruleset, "urgent") in page.locator("#action").inner_text()
    assert "?" not in page.url, "no answer (or anything else) went into the address"


def test_spanish_error_summary_takes_focus(no_js, server, ruleset):
    page = no_js
    page.goto(server + "/check?lang=es")
    press_button(page, "Ver qué hacer")
    assert wait_for_focus(page, "error-summary")
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == "Hay un problema"
    assert summary.get_by_role("link").first.inner_text() == \
        "Elija una respuesta para: " + ruleset.question("fever").text["es"]
