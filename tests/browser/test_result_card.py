"""The result card, "Also noted", while you wait, the safety net and the When to call sheet, in
Chromium: what a patient sees first on a phone, both languages, zero axe violations, print."""

from __future__ import annotations

import pytest
from level_examples import one_answer_per_level

from triage import engine
from triage.engine import signs
from triage.engine.model import Level

from .browser_helpers import axe_report, horizontal_overflow, run_axe, shoot

pytestmark = pytest.mark.browser


def level_answers(ruleset) -> dict[str, dict]:
    """Answers for each level one answer reaches, plus every answer at its worst."""
    found = {level.id: answers for level, answers in one_answer_per_level(ruleset).items()}
    found["worst"] = {q.id: (None if q.number else q.values[-1]) for q in ruleset.questions}
    return found


def reach_result(page, server: str, ruleset, answers: dict, language: str = "en") -> None:
    """Answer the questions on each page the check shows, as a patient taps them, and go on
    until a result appears (one page of questions or several steps alike)."""
    page.goto(f"{server}/check?lang={language}")
    for _ in range(len(ruleset.questions) + 2):
        if page.locator("#action").count():
            return
        for question in ruleset.questions:
            value = answers.get(question.id)
            if value is None or question.number:
                continue
            radio = page.locator(f"input[type=radio][name='{question.id}'][value='{value}']")
            if radio.count():
                page.locator(f"label[for='{radio.get_attribute('id')}']").tap()
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.tap()
    raise AssertionError("no result after answering every question")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", ["emergency", "urgent", "soon", "none", "worst"])
def test_the_card_comes_first_with_a_full_width_call_button(
    phone, server, ruleset, screenshots, name, language
):
    answers = level_answers(ruleset).get(name)
    if answers is None:
        pytest.skip(f"no single answer reaches {name} in this rule set")
    reach_result(phone, server, ruleset, answers, language)
    # The check stops after the first step whose answers reach an emergency: the result is
    # worked out from the answers given up to there.
    given: dict = {}
    for step in ruleset.steps:
        given.update({q: answers[q] for q in step.questions if q in answers})
        if engine.evaluate(ruleset, given).level == Level.EMERGENCY:
            break
    result = engine.evaluate(ruleset, given)
    level_text = ruleset.levels[result.level]
    card = phone.locator("#action")
    assert level_text.heading[language] in card.inner_text()
    # The card is the first thing in the main content, and starts on the first phone screen.
    assert phone.evaluate("() => document.querySelector('main').firstElementChild.id") == "action"
    assert card.bounding_box()["y"] < 740
    buttons = card.locator("a.button--call")
    if result.level > Level.NONE:
        first = buttons.first.bounding_box()
        inner = phone.evaluate("""() => { const c = document.querySelector('#action');
            return c.clientWidth; }""")
        assert first["width"] >= inner - 2 * 16 - 1, "the call button spans the card"
        assert first["height"] >= 44
        assert buttons.first.get_attribute("href").startswith("tel:")
    else:
        assert buttons.count() == 0
    main = phone.locator("main").inner_text()
    for item in level_text.while_you_wait:
        assert " ".join(item[language].split()[:3]) in main
    noted = [w for w in result.warnings if w.level < result.level]
    assert phone.locator(".also-noted .warning").count() == len(noted)
    for warning in noted:
        assert " ".join(warning.rule.advice[language].split()) not in " ".join(main.split())
    if result.level == Level.NONE:
        net = phone.locator(".safety-net").inner_text()
        for _, words in signs.red_flags(ruleset, language):
            assert all(sign in net for sign in words)
    assert horizontal_overflow(phone) <= 0
    violations = run_axe(phone, f"card-{name}-{language}-phone")
    assert violations == [], axe_report(violations)
    shoot(phone, screenshots, f"card-{name}-{language}-phone")


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
    for hidden in (".site-header", ".site-footer", "a.button"):
        assert not desktop.locator(hidden).is_visible(), f"{hidden} is not printed"
    desktop.pdf(path=str(screenshots / f"when-to-call-{language}-print.pdf"), format="A4")


def test_no_page_asks_for_something_missing(desktop, server):
    """Lighthouse's best-practices 404 was the browser asking for /favicon.ico."""
    missing = []
    desktop.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    for path in ("/", "/check", "/when-to-call", "/?lang=es"):
        desktop.goto(server + path)
        desktop.wait_for_load_state("load")
    assert missing == []
    icon = desktop.evaluate("() => document.querySelector('link[rel=icon]').href")
    assert desktop.request.get(icon).status == 200
    assert desktop.request.get(server + "/favicon.ico").status == 200
