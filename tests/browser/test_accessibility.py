"""axe-core (WCAG 2.2 AA) on every page and state, no sideways scrolling at 320 px, 44 px targets."""

from __future__ import annotations

import pytest
from conftest import RULES_FILE

from triage import rules

from .browser_helpers import (
    LEVELS,
    answer_by_tapping,
    answers_for,
    axe_report,
    go_through_check,
    horizontal_overflow,
    run_axe,
)

pytestmark = pytest.mark.browser


def _submit(page):
    """Send the step's form (Continue), whatever the page's language."""
    with page.expect_navigation():
        page.locator("main form:not(.back-form) button[value=next]").click()


def _result(level):
    def reach(page, server, ruleset):
        page.goto(server + "/check")
        go_through_check(page, ruleset, answers_for(ruleset, level))

    return reach


def _step(number):
    """Step `number` of the check (the summary after the last), reached by answering the steps
    before it with the mildest answers."""

    def reach(page, server, ruleset):
        page.goto(server + "/check")
        for _ in range(number - 1):
            answer_by_tapping(page, ruleset, answers_for(ruleset, "none"))
            _submit(page)

    return reach


STEPS = len(rules.load(RULES_FILE).steps)  # the server serves the rules under test


def _errors(page, server, ruleset):
    page.goto(server + "/check")
    _submit(page)
    assert page.locator("#error-summary").count() == 1


def _urgent_then_errors(page, server, ruleset):
    """A later step with the urgent advice on top and every answer missing."""
    answers = answers_for(ruleset, "urgent")
    question_id = next(q for q in answers if answers[q] != answers_for(ruleset, "none")[q])
    page.goto(server + "/check")
    for _ in range(ruleset.step_of[question_id]):
        answer_by_tapping(page, ruleset, answers)
        _submit(page)
    if page.title().startswith("Check your answers"):
        return
    _submit(page)
    assert page.locator("#so-far").count() == 1 and page.locator("#error-summary").count() == 1


def _unreadable(page, server, ruleset):
    """A tampered hidden answer beside an emergency sign: the error page still says call 911."""
    _step(2)(page, server, ruleset)
    emergency = answers_for(ruleset, "emergency")
    sign = next(q for q in ruleset.steps[0].questions if emergency[q] != answers_for(ruleset, "none")[q])
    other = next(q for q in ruleset.steps[0].questions if q != sign)
    for name, value in ((sign, emergency[sign]), (other, "maybe")):
        page.evaluate(
            """([name, value]) => { document.querySelector(
            `main form:not(.back-form) input[type=hidden][name="${name}"]`).value = value; }""",
            [name, value],
        )
    _submit(page)
    assert page.title().startswith("Some of your answers could not be read")
    assert page.locator("#so-far a[href='tel:911']").count() == 1


def _call_result(page, server, ruleset):
    page.goto(server + "/call")
    answer_by_tapping(page, ruleset, answers_for(ruleset, "urgent"))
    with page.expect_navigation():
        page.locator("#show-result").click()
    assert page.title().startswith("Call result")


def _call_errors(page, server, ruleset):
    page.goto(server + "/call")
    with page.expect_navigation():
        page.locator("#show-result").click()
    assert page.locator("#error-summary").count() == 1


def _get(path):
    def reach(page, server, ruleset):
        page.goto(server + path)

    return reach


# Every page and state a patient can meet; staff pages join when they exist.
STATES = {
    "start": _get("/"),
    "questions": _get("/check"),
    "questions-errors": _errors,
    **{f"step-{number}": _step(number) for number in range(2, STEPS + 1)},
    "summary": _step(STEPS + 1),
    "step-urgent-errors": _urgent_then_errors,
    "unreadable": _unreadable,
    **{f"result-{level}": _result(level) for level in LEVELS},
    "not-found": _get("/no-such-page"),
    # Staff pages (issue 3): call mode and the clinical review sheet.
    "call": _get("/call"),
    "call-errors": _call_errors,
    "call-result": _call_result,
    "review-sheet": _get("/rules"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_axe_finds_no_wcag22_aa_violation(phone, server, ruleset, state):
    STATES[state](phone, server, ruleset)
    violations = run_axe(phone, f"{state}-en-phone")
    assert violations == [], axe_report(violations)


SPANISH = [
    "start",
    "questions",
    "questions-errors",
    "step-2",
    "summary",
    "step-urgent-errors",
    "result-emergency",
    "result-urgent",
    "result-soon",
    "result-none",
    "not-found",
]


@pytest.mark.parametrize("state", SPANISH)
def test_axe_in_spanish(phone, server, ruleset, state):
    phone.goto(server + "/?lang=es")  # the switch's cookie carries Spanish to every page
    STATES[state](phone, server, ruleset)
    assert phone.locator("html").get_attribute("lang") == "es"
    violations = run_axe(phone, f"{state}-es-phone")
    assert violations == [], axe_report(violations)


@pytest.mark.parametrize("state", ["start", "questions-errors", "result-emergency"])
def test_axe_at_desktop_width(desktop, server, ruleset, state):
    STATES[state](desktop, server, ruleset)
    violations = run_axe(desktop, f"{state}-en-desktop")
    assert violations == [], axe_report(violations)


@pytest.mark.parametrize("width, scale", [(320, 1), (640, 2)], ids=["320px", "200%-zoom"])
@pytest.mark.parametrize("state", list(STATES))
def test_no_sideways_scrolling_at_320_px_or_200_percent(browser, server, ruleset, state, width, scale):
    """320 CSS px is a 1280 px window at 400 % zoom (WCAG 1.4.10 reflow); 640 CSS px at a device
    scale of 2 is the same window at 200 %."""
    context = browser.new_context(viewport={"width": width, "height": 640}, device_scale_factor=scale)
    page = context.new_page()
    try:
        STATES[state](page, server, ruleset)
        assert page.evaluate("() => window.innerWidth") == width
        assert horizontal_overflow(page) <= 0, f"{state} scrolls sideways at {width} px"
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width
    finally:
        context.close()


def test_the_result_prints_without_the_sites_controls(desktop, server, ruleset, screenshots):
    _result("urgent")(desktop, server, ruleset)
    desktop.emulate_media(media="print")
    assert desktop.locator("#action").is_visible() and desktop.locator(".warnings").is_visible()
    assert desktop.locator(".help-line").is_visible(), "the numbers to call stay on paper"
    assert ruleset.version in desktop.locator(".meta").inner_text()
    for hidden in (".site-header", ".site-footer", ".skip-link", "a.button"):
        assert not any(element.is_visible() for element in desktop.locator(hidden).all()), (
            f"{hidden} is not printed"
        )
    desktop.pdf(path=str(screenshots / "result-urgent-print.pdf"), format="A4")


TARGETS = (
    "button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), "
    ".radio, .checkbox, .radio label, .checkbox label, .button, .back-link, .language-link, "
    ".error-summary a, .help-line .tel, .card .tel, .site-name"
)


@pytest.mark.parametrize("state", ["start", "questions-errors", "result-urgent"])
def test_tap_targets_are_at_least_44_px(phone, server, ruleset, state):
    STATES[state](phone, server, ruleset)
    small = phone.evaluate(
        """selector => [...document.querySelectorAll(selector)]
        .filter(e => e.offsetParent !== null)
        .map(e => { const r = e.getBoundingClientRect();
                    return {what: e.outerHTML.slice(0, 80), w: Math.round(r.width),
                            h: Math.round(r.height)}; })
        .filter(b => b.w < 44 || b.h < 44)""",
        TARGETS,
    )
    assert small == []
