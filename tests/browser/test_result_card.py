"""The result card, "Also noted", while you wait, the safety net and the When to call sheet, in
Chromium: what a patient sees first on a phone, both languages, zero axe violations, print."""

from __future__ import annotations

import pytest

from triage import engine
from triage.engine import signs
from triage.engine.model import Level

from .browser_helpers import (
    LEVELS,
    axe_report,
    go_through_check,
    horizontal_overflow,
    run_axe,
    shoot,
    start,
    story_for,
)

pytestmark = pytest.mark.browser


def worst_first_page(ruleset) -> dict:
    """Every sign of the first page ticked at once: an emergency with other findings beside it."""
    return {q: v for area in ruleset.steps[0].areas for s in area.signs for q, v in s.sets}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", [*LEVELS, "worst"])
def test_the_card_comes_first_with_a_full_width_call_button(
    phone, server, ruleset, screenshots, name, language
):
    story = worst_first_page(ruleset) if name == "worst" else story_for(ruleset, name)
    if story is None:
        pytest.skip(f"no sign alone reaches {name} in this rule set")
    start(phone, server, tap=True, language=language)
    go_through_check(phone, ruleset, story, tap=True)
    result = engine.evaluate(ruleset, story)
    level_text = ruleset.levels[result.level]
    card = phone.locator("#action")
    assert level_text.heading[language] in card.inner_text()
    # The card is the first thing in the main content, and starts on the first phone screen.
    assert phone.evaluate("() => document.querySelector('main').firstElementChild.id") == "action"
    assert card.bounding_box()["y"] < 740
    buttons = card.locator("a.button--call")
    if result.level in (Level.EMERGENCY, Level.URGENT, Level.SOON):
        first = buttons.first.bounding_box()
        inner = phone.evaluate("() => document.querySelector('#action').clientWidth")
        assert first["width"] >= inner - 2 * 16 - 1, "the call button spans the card"
        box = card.bounding_box()
        inside = box["x"] < first["x"] and first["x"] + first["width"] < box["x"] + box["width"]
        assert inside, "and stays in it"
        assert first["height"] >= 44
        assert buttons.first.get_attribute("href").startswith("tel:")
        # Its words on one line and the number on the next: neither wraps.
        lines = buttons.first.evaluate(
            "b => [...b.children].map(c => Math.round(c.getBoundingClientRect().height / "
            "parseFloat(getComputedStyle(c).lineHeight)))"
        )
        assert lines == [1, 1], lines
    else:
        assert buttons.count() == 0
    if result.level == Level.EMERGENCY:
        assert buttons.first.get_attribute("href") == "tel:911"
    main = phone.locator("main").inner_text()
    for item in level_text.while_you_wait:
        assert " ".join(item[language].split()[:3]) in main
    assert phone.locator("main a[href='tel:5550100']").count() <= 2, "the clinic's number at most twice"
    noted = [w for w in result.warnings if w.level < result.level]
    assert phone.locator(".also-noted .warning").count() == len(noted)
    if result.level == Level.NONE:
        net = phone.locator(".safety-net").inner_text()
        for _, words in signs.red_flags(ruleset, language):
            assert all(sign in net for sign in words)
    assert horizontal_overflow(phone) <= 0
    violations = run_axe(phone, f"card-{name}-{language}-phone")
    assert violations == [], axe_report(violations)
    shoot(phone, screenshots, f"card-{name}-{language}-phone")


def test_the_call_button_does_not_wrap_at_320_px(browser, server, ruleset):
    story = story_for(ruleset, "urgent")
    if story is None:
        pytest.skip("no sign alone reaches urgent")
    for language in ("en", "es"):
        context = browser.new_context(viewport={"width": 320, "height": 640}, has_touch=True)
        page = context.new_page()
        start(page, server, language=language)
        go_through_check(page, ruleset, story)
        button = page.locator("#action a.button--call").first
        lines = button.evaluate(
            "b => [...b.children].map(c => Math.round(c.getBoundingClientRect().height / "
            "parseFloat(getComputedStyle(c).lineHeight)))"
        )
        assert lines == [1, 1], (language, lines)
        context.close()


def test_the_start_page_has_a_tappable_emergency_button(phone, server):
    phone.goto(server + "/")
    button = phone.locator("main a.button--call[href='tel:911']")
    assert button.count() == 1 and button.bounding_box()["height"] >= 44
    assert button.bounding_box()["y"] < 740


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_when_to_call_sheet_reads_and_prints(desktop, phone, server, ruleset, screenshots, language):
    phone.goto(f"{server}/when-to-call?lang={language}")
    assert phone.locator("html").get_attribute("lang") == language
    for level, words in signs.watch_for(ruleset, language):
        block = phone.locator(f".signs--{level.id}").inner_text()
        assert all(sign in block for sign in words)
    assert horizontal_overflow(phone) <= 0
    violations = run_axe(phone, f"when-to-call-{language}-phone")
    assert violations == [], axe_report(violations)
    shoot(phone, screenshots, f"when-to-call-{language}-phone")
    desktop.goto(f"{server}/when-to-call?lang={language}")
    desktop.emulate_media(media="print")
    assert desktop.locator(".help-line").is_visible(), "the numbers to call stay on paper"
    assert desktop.locator(".signs").first.is_visible() and desktop.locator(".wait").is_visible()
    assert ruleset.digest in desktop.locator(".details").inner_text()
    for hidden in (".site-header", ".site-footer", ".no-print"):
        assert not any(e.is_visible() for e in desktop.locator(hidden).all()), f"{hidden} is not printed"
    desktop.pdf(path=str(screenshots / f"when-to-call-{language}-print.pdf"), format="A4")


def test_no_page_asks_for_something_missing(desktop, server):
    """Lighthouse's best-practices 404 was the browser asking for /favicon.ico."""
    missing = []
    desktop.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for path in ("/", "/when-to-call", "/?lang=es"):
        desktop.goto(server + path)
        desktop.wait_for_load_state("load")
    assert missing == []
    icon = desktop.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert desktop.request.get(icon).status == 200
    assert desktop.request.get(server + "/favicon.ico").status == 200
