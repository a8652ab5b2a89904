"""A patient's whole journey in a real browser: by touch, by keyboard, without JavaScript.

The check is a few short steps, emergency signs first. Every example comes from the loaded
rules (see browser_helpers.answers_for), so these hold for any valid rule file.
"""

from __future__ import annotations

import re

import pytest

from .browser_helpers import (
    LEVELS,
    answer_by_tapping,
    answers_for,
    focused,
    form_value,
    go_through_check,
    on_a_step,
    press_button,
    shoot,
    wait_for_focus,
)

pytestmark = pytest.mark.browser


def heading_of(ruleset, level: str, language: str = "en") -> str:
    from triage.engine.model import Level

    return ruleset.levels[Level.from_id(level)].heading[language]


def start(page, server, *, tap=False):
    page.goto(server + "/")
    link = page.get_by_role("link", name="Start the symptom check")
    with page.expect_navigation():
        (link.tap if tap else link.click)()
    assert page.url == server + "/check"


@pytest.mark.parametrize("level", LEVELS)
def test_phone_journey_reaches_each_level(phone, server, ruleset, screenshots, level):
    page = phone
    page.goto(server + "/")
    assert page.title().startswith("Check your symptoms")
    if level == "none":
        shoot(page, screenshots, "start-phone")
    start(page, server, tap=True)
    if level == "none":
        shoot(page, screenshots, "step-1-phone")
    go_through_check(page, ruleset, answers_for(ruleset, level), tap=True)
    heading = heading_of(ruleset, level)
    assert page.title() == f"Result: {heading} - Pump Check"
    assert heading in page.locator("#action").inner_text()
    assert "911" in page.locator("main").inner_text() or level != "emergency"
    assert page.get_by_text("This is not a diagnosis").count() == 1
    assert ruleset.version in page.locator("main").inner_text()
    shoot(page, screenshots, f"result-{level}-phone")


def test_an_emergency_sign_on_the_first_step_ends_the_check_at_once(phone, server, ruleset):
    page = phone
    start(page, server, tap=True)
    assert page.title().startswith(f"Step 1 of {len(ruleset.steps)}")
    answer_by_tapping(page, ruleset, answers_for(ruleset, "emergency"))
    press_button(page, "Continue", tap=True)
    assert page.title() == "Result: Emergency - Pump Check"
    not_asked = len(ruleset.questions) - len(ruleset.steps[0].questions)
    assert f"{not_asked} questions were not asked" in page.locator("main").inner_text()
    call = page.locator("#action a.button--call[href='tel:911']")
    assert call.count() == 1 and call.bounding_box()["y"] < 740, "911 on the first screen"


def test_skipped_questions_still_show_the_emergency(no_js, server, ruleset):
    """Only the emergency sign answered, the rest of the first step skipped: no error, 911."""
    page = no_js
    start(page, server)
    emergency = answers_for(ruleset, "emergency")
    mildest = answers_for(ruleset, "none")
    (question_id,) = [q for q in emergency if emergency[q] != mildest[q]]
    answer_by_tapping(page, ruleset, {question_id: emergency[question_id]})
    press_button(page, "Continue")
    assert page.title() == "Result: Emergency - Pump Check"
    skipped = len(ruleset.steps[0].questions) - 1
    if skipped:
        assert re.search(rf"You skipped {skipped} questions?\.", page.locator("main").inner_text())


def test_an_urgent_answer_is_said_at_the_top_of_the_next_step(phone, server, ruleset, screenshots):
    page = phone
    answers = answers_for(ruleset, "urgent")
    (question_id,) = [q.id for q in ruleset.questions if not q.number and answers[q.id] != q.values[0]]
    number = ruleset.step_of[question_id]
    start(page, server, tap=True)
    for _ in range(number):
        answer_by_tapping(page, ruleset, answers)
        press_button(page, "Continue", tap=True)
    card = page.locator("#so-far")
    assert card.count() == 1 and heading_of(ruleset, "urgent") in card.inner_text()
    assert card.locator("a[href='tel:5550100']").count() >= 1
    assert card.bounding_box()["y"] < 740, "said on the first screen of the next page"
    shoot(page, screenshots, "step-after-urgent-phone")


def _tab_to(page, predicate, limit=400) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError("the keyboard never reached the element")


@pytest.mark.parametrize("level", LEVELS)
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
    while on_a_step(page):
        shown = [
            q
            for q in ruleset.questions
            if page.locator(f"main form:not(.back-form) input[name='{q.id}']:not([type=hidden])").count()
        ]
        for question in shown:
            element = _tab_to(page, lambda e, q=question: e["name"] == q.id)
            radios = page.locator(f"input[type=radio][name='{question.id}']")
            values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
            wanted = form_value(ruleset, question, answers[question.id])
            assert element["type"] == "radio" and not element["checked"], "nothing is preselected"
            page.keyboard.press("Space")  # choose the focused (first) answer
            for _ in range(values.index(wanted)):
                page.keyboard.press("ArrowDown")  # arrows move the choice within the group
            chosen = focused(page)
            assert chosen["checked"] and chosen["value"] == wanted
        _tab_to(page, lambda e: e["tag"] == "button" and e["value"] == "next")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()


@pytest.mark.parametrize("level", ["emergency", "none"])
def test_journey_without_javascript(no_js, server, ruleset, level):
    page = no_js
    start(page, server)
    go_through_check(page, ruleset, answers_for(ruleset, level))
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()


def _some_symptoms(ruleset) -> dict:
    """Answers other than the mildest wherever that gives no emergency."""
    from triage import engine
    from triage.engine.model import Level

    answers = answers_for(ruleset, "none", days=None)
    for question in ruleset.questions:
        if not question.number:
            trial = {**answers, question.id: question.values[1]}
            if engine.evaluate(ruleset, trial).level < Level.EMERGENCY:
                answers = trial
    return answers


def _checked(page, ruleset, question_id) -> list[str]:
    radios = page.locator(f"input[type=radio][name='{question_id}']")
    return [radios.nth(i).get_attribute("value") for i in range(radios.count()) if radios.nth(i).is_checked()]


def _back(page, *, tap=False):
    """Press the step's Back button (a button in a form of its own)."""
    button = page.locator("button.back-link")
    with page.expect_navigation():
        (button.tap if tap else button.click)()


def test_back_through_every_step_without_javascript_keeps_every_answer(no_js, server, ruleset):
    page = no_js
    answers = _some_symptoms(ruleset)
    start(page, server)
    for _ in ruleset.steps:
        answer_by_tapping(page, ruleset, answers)
        press_button(page, "Continue")
    assert page.title().startswith("Check your answers")
    for number in range(len(ruleset.steps), 0, -1):
        _back(page)
        assert page.title().startswith(f"Step {number} of {len(ruleset.steps)}")
        for question_id in ruleset.steps[number - 1].questions:
            want = form_value(ruleset, ruleset.question(question_id), answers[question_id])
            assert _checked(page, ruleset, question_id) == [want], question_id
    # Forward again without touching anything: every answer is still there.
    for _ in ruleset.steps:
        press_button(page, "Continue")
    assert page.title().startswith("Check your answers")
    press_button(page, "See what to do")
    from triage import engine

    level = engine.evaluate(ruleset, answers).level.id
    assert heading_of(ruleset, level) in page.locator("#action").inner_text()


def test_the_browsers_back_button_does_no_harm(phone, server, ruleset):
    page = phone
    start(page, server, tap=True)
    go_through_check(page, ruleset, answers_for(ruleset, "urgent"), tap=True)
    assert page.title().startswith("Result: ")
    page.go_back()  # a page made by a post: the browser may ask to send it again
    page.go_forward()
    page.goto(server + "/check")
    assert page.title().startswith("Step 1 of ")
    assert page.locator("input:checked").count() == 0, "nothing kept on the server"


def test_error_summary_takes_focus_with_javascript(phone, server, ruleset, screenshots):
    page = phone
    start(page, server, tap=True)
    press_button(page, "Continue", tap=True)
    choices = [q for q in ruleset.steps[0].questions if not ruleset.question(q).number]
    assert page.title().startswith("Error: Step 1 of ")
    assert wait_for_focus(page, "error-summary"), "focus moves to the error summary"
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert summary.get_by_role("link").count() == 1
    assert summary.get_by_role("link").inner_text().startswith(f"You have not answered {len(choices)}")
    shoot(page, screenshots, "step-1-error-phone")
    summary.get_by_role("link").first.click()
    assert focused(page)["name"] == choices[0]
    legend = page.locator("legend").first
    box = legend.bounding_box()
    assert box is not None and 0 <= box["y"] < 740, "the question's words are in view"


def test_error_summary_without_javascript(no_js, server, ruleset):
    page = no_js
    start(page, server)
    press_button(page, "Continue")
    summary = page.locator("#error-summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 400, "the summary is near the top of the page"
    assert wait_for_focus(page, "error-summary"), "autofocus works without a script"
    link = summary.get_by_role("link")
    assert link.count() == 1
    target = link.get_attribute("href")
    assert target.startswith("#") and page.locator(target).count() == 1
    link.click()
    assert focused(page)["name"] == ruleset.steps[0].questions[0]


def test_spanish_journey_and_back_to_english(phone, server, ruleset, screenshots):
    page = phone
    page.goto(server + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Español").tap()
    assert page.locator("html").get_attribute("lang") == "es"
    shoot(page, screenshots, "start-es-phone")
    with page.expect_navigation():
        page.get_by_role("link", name="Empezar la revisión de síntomas").tap()
    assert page.title().startswith(f"Paso 1 de {len(ruleset.steps)}: ")
    answers = answers_for(ruleset, "urgent")
    answer_by_tapping(page, ruleset, answers)
    press_button(page, "Continuar", tap=True)
    # The switch on a step re-posts the answers: the same step comes back in English.
    press_button(page, "English", tap=True)
    assert page.title().startswith(f"Step 2 of {len(ruleset.steps)}: ")
    assert "?" not in page.url, "no answer (or anything else) went into the address"
    _back(page, tap=True)
    for question_id in ruleset.steps[0].questions:
        want = form_value(ruleset, ruleset.question(question_id), answers[question_id])
        assert _checked(page, ruleset, question_id) == [want]
    press_button(page, "Español", tap=True)
    go_through_check(page, ruleset, answers, tap=True)
    assert page.locator("html").get_attribute("lang") == "es"
    assert heading_of(ruleset, "urgent", "es") in page.locator("#action").inner_text()
    assert "Porque usted dijo:" in page.locator("main").inner_text()
    shoot(page, screenshots, "result-urgent-es-phone")
    press_button(page, "English", tap=True)
    assert page.locator("html").get_attribute("lang") == "en"
    assert heading_of(ruleset, "urgent") in page.locator("#action").inner_text()


def test_spanish_error_summary_takes_focus(no_js, server, ruleset):
    page = no_js
    page.goto(server + "/check?lang=es")
    press_button(page, "Continuar")
    assert wait_for_focus(page, "error-summary")
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == "Hay un problema"
    assert summary.get_by_role("link").first.inner_text().startswith("No contestó ")
