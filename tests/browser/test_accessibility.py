"""axe-core (WCAG 2.2 AA) on every page and state, no sideways scrolling at 320 px, 44 px targets."""

from __future__ import annotations

import pytest
from conftest import RULES_FILE

from triage import rules

from .browser_helpers import (
    LEVELS,
    axe_report,
    go_through_check,
    horizontal_overflow,
    run_axe,
    start,
    story_for,
)

pytestmark = pytest.mark.browser


def _submit(page):
    """Send the page's form (Continue), whatever the page's language."""
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


def _mildest(page, ruleset):
    from phone_journeys import taps_for_page

    taps_for_page(page, ruleset, {}, tap=False)


def _result(level):
    def reach(page, server, ruleset):
        story = story_for(ruleset, level)
        if story is None:
            pytest.skip(f"no sign alone gives {level} in these rules")
        start(page, server)
        go_through_check(page, ruleset, story)

    return reach


def _step(number):
    """Page `number` of the check, reached by answering the pages before it with the mildest."""

    def reach(page, server, ruleset):
        start(page, server)
        for _ in range(number - 1):
            _mildest(page, ruleset)
            _submit(page)

    return reach


def _details(page, server, ruleset):
    """A details page: the questions a ticked sign opened."""
    area, sign = next((a, s) for step in ruleset.steps[1:] for a in step.areas for s in a.signs if s.opens)
    start(page, server)
    while not page.locator(f"main input[name='{area.id}']").count():
        _mildest(page, ruleset)
        _submit(page)
    _mildest(page, ruleset)
    page.locator(f"main input[name='{area.id}'][value='none']").uncheck()
    page.locator(f"main input[name='{area.id}'][value='{sign.id}']").check()
    _submit(page)
    assert page.url.endswith("/details")


STEPS = len(rules.load(RULES_FILE).steps)  # the server serves the rules under test


def _errors(page, server, ruleset):
    start(page, server)
    _submit(page)
    assert page.locator("#error-summary").count() == 1


def _soon_then_errors(page, server, ruleset):
    """A later page sent with blanks, after answers that already call for advice."""
    from walker import sign_reaching

    from triage.engine.model import Level

    _, area_id, sign = sign_reaching(ruleset, Level.SOON, first_page=False)
    start(page, server)
    while not page.locator(f"main input[name='{area_id}']").count():
        _mildest(page, ruleset)
        _submit(page)
    page.locator(f"main input[name='{area_id}'][value='{sign.id}']").check()
    _submit(page)
    assert page.locator("#so-far").count() == 1 and page.locator("#error-summary").count() == 1


def _call_result(page, server, ruleset):
    page.goto(server + "/call")
    for name in dict.fromkeys(
        page.eval_on_selector_all("main form input[type=radio]", "els => els.map(e => e.name)")
    ):
        page.locator(f"main form input[type=radio][name='{name}']").first.check()
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
    "questions": _step(1),
    "questions-errors": _errors,
    **{f"step-{number}": _step(number) for number in range(2, STEPS + 1)},
    "details": _details,
    "step-advice-errors": _soon_then_errors,
    "when-to-call": _get("/when-to-call"),
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
    "details",
    "step-advice-errors",
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
    assert "555-0100" in desktop.locator("#action").inner_text(), "the number to call stays on paper"
    assert ruleset.version in desktop.locator(".meta").inner_text()
    for hidden in (".site-header", ".site-footer", ".skip-link", ".no-print"):
        assert not any(element.is_visible() for element in desktop.locator(hidden).all()), (
            f"{hidden} is not printed"
        )
    desktop.pdf(path=str(screenshots / "result-urgent-print.pdf"), format="A4")


TARGETS = (
    "button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), "
    ".choice label, .button, .back-link, .language-link, "
    ".error-summary a, .help-line .tel, .card .tel, .site-name"
)


@pytest.mark.parametrize("state", ["start", "questions", "questions-errors", "details", "result-urgent"])
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
