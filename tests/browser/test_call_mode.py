"""Call mode in a real Chromium, keyboard only: a whole call to a copied note at every level,
the keys it takes (issue 24's journey among them), the Spanish read-aloud switch, the
emergency banner, and axe-core on every state of call mode and the review sheet."""

from __future__ import annotations

import pytest
from level_examples import answers_reaching

from triage import engine
from triage.engine.model import Level
from triage.nurse import order

from .browser_helpers import axe_report, run_axe, wait_for_focus

pytestmark = pytest.mark.browser
KEY_TARGET = 40  # issue 24: a whole call, patient identified, in at most 40 keys with digits
REFERENCE = "AB1234"  # the patient reference typed at the start of every call (6 keys)
# Issue 24's journey: day 12 after surgery, a fever of 101 F, spreading redness; the patient
# answers for themself. Measured before the change (main at e4f651e, same reference, typed on
# the result page's details form): 52 keys with digits, 42 without identifying the patient.
JOURNEY = {"answerer": "self", "days_since_surgery": 12, "fever": "yes", "redness": "spreading"}


def key_target(ruleset, per_question: int) -> int:
    """At most 40 keys, or `per_question` keys a question and a few to start and copy."""
    return max(KEY_TARGET, per_question * len(ruleset.questions) + len(REFERENCE) + 8)


class Keys:
    """The keyboard, counting every key pressed (a chord such as Control+A is one)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def call_answers(ruleset, level: Level) -> dict:
    chosen = answers_reaching(ruleset, level)
    return {q.id: chosen.get(q.id, None if q.number else q.values[0]) for q in ruleset.questions}


def mildest(question, value) -> bool:
    """An answer the group key gives: a choice's first answer, or a number left blank."""
    return value is None if question.number else value == question.values[0]


def key_the_questions(page, keys: Keys, ruleset, answers: dict, *, digits: bool) -> None:
    """Answer every question from the keyboard in the call's order, from where the focus is.

    With digits (the page's script): 1-9 choose an answer and go on; 0 answers the rest of a
    group "No" when every answer left in it is the mildest. Without: Space, arrows and Tab.
    """
    done: set[str] = set()
    groups = {q.id: group for group in order.groups(ruleset) for q in group.questions}
    for question in order.call_order(ruleset):
        if question.id in done:
            continue
        value = answers[question.id]
        if question.number:
            assert focused_id(page) == question.id
            if value is not None:
                keys.type(str(value))
            keys.press("Tab")
            continue
        assert focused_id(page) == f"{question.id}-0", f"focus is not on {question.id}"
        group = groups.get(question.id)
        rest = group.questions[group.questions.index(question) :] if group else ()
        if digits and rest and all(mildest(q, answers[q.id]) for q in rest):
            keys.press("0")  # this question and the rest of its group: "No"
            done.update(q.id for q in rest)
            for q in rest:
                assert q.number or page.is_checked(f"#{q.id}-0")
            continue
        position = question.values.index(value)
        if digits:
            keys.press(str(position + 1))  # choose, and go on to the next question
        else:
            if position == 0:
                keys.press("Space")
            else:
                keys.press("ArrowDown", position)  # arrows move and choose
            keys.press("Tab")
        assert page.is_checked(f"#{question.id}-{position}")
    assert focused_id(page) == "show-result"


def start_the_call(page, keys: Keys, ruleset, *, digits: bool) -> None:
    """Type the patient reference where the page starts, then go to the first question."""
    assert wait_for_focus(page, "reference"), "focus is not in the patient reference"
    keys.type(REFERENCE)
    if digits:
        keys.press("Enter")  # the script: to the first question not yet answered
    else:
        keys.press("Tab", 2 + (len(ruleset.languages) > 1))  # "no reference", the language
    first = order.call_order(ruleset)[0]
    assert focused_id(page) == (first.id if first.number else f"{first.id}-0")


def whole_call(page, server, ruleset, answers: dict, *, digits: bool) -> Keys:
    page.goto(server + "/call")
    keys = Keys(page)
    start_the_call(page, keys, ruleset, digits=digits)
    key_the_questions(page, keys, ruleset, answers, digits=digits)
    with page.expect_navigation():
        keys.press("Enter")
    assert page.title().startswith("Call result: ")
    assert wait_for_focus(page, "result-heading"), "focus is not on the result heading"
    return keys


def copy_the_note(page, keys: Keys) -> str:
    keys.press("Tab")
    assert focused_id(page) == "copy-note"  # Copy is next after the heading
    keys.press("Enter")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    note = page.input_value("#chart-note")
    assert page.evaluate("navigator.clipboard.readText()") == note
    assert f"Patient reference: {REFERENCE}" in note
    return note


@pytest.mark.parametrize("level", list(Level), ids=lambda level: level.id)
def test_a_whole_keyboard_call_to_a_copied_note(browser, server, ruleset, level, figures):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        keys = whole_call(page, server, ruleset, call_answers(ruleset, level), digits=True)
        assert page.title().startswith(f"Call result: {level.id.replace('_', ' ').upper()}")
        note = copy_the_note(page, keys)
        assert note.splitlines()[3].startswith(f"Level:        {level.id.replace('_', ' ').upper()}")
        figures(
            f"keystrokes for a whole call to a copied note, {level.id}, digits (JavaScript): {keys.count}"
        )
        assert keys.count <= key_target(ruleset, 1)
    finally:
        context.close()


def test_the_journey_of_issue_24_takes_at_most_40_keys(browser, server, ruleset, figures):
    """Day 12, fever 101 F, spreading redness, patient identified: the reference, the answers,
    the result and the copied note, counted key by key (digits, with the page's script)."""
    if not set(JOURNEY) <= set(ruleset.questions_by_id):
        pytest.skip("this rule set does not ask the journey's questions")
    answers = {q.id: None if q.number else q.values[0] for q in ruleset.questions} | JOURNEY
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    try:
        keys = whole_call(page, server, ruleset, answers, digits=True)
        level = engine.evaluate(ruleset, {**answers, "days_since_surgery": 12}).level
        assert page.title().startswith(f"Call result: {level.id.replace('_', ' ').upper()}")
        note = copy_the_note(page, keys)
        assert "12 days" in note and "Who answered:" in note
        figures(f"keystrokes for the call of issue 24, identified, digits (JavaScript): {keys.count}")
        assert keys.count <= KEY_TARGET
    finally:
        context.close()


def test_the_journey_of_issue_24_without_javascript(browser, server, ruleset, figures):
    """The same call by Tab, Space and arrows only: counted, for the record (no target)."""
    if not set(JOURNEY) <= set(ruleset.questions_by_id):
        pytest.skip("this rule set does not ask the journey's questions")
    answers = {q.id: None if q.number else q.values[0] for q in ruleset.questions} | JOURNEY
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        keys = whole_call(page, server, ruleset, answers, digits=False)
        keys.press("Tab")
        assert focused_id(page) == "chart-note"  # no Copy button without JavaScript
        keys.press("Control+A")
        keys.press("Control+C")
        assert f"Patient reference: {REFERENCE}" in page.input_value("#chart-note")
        figures(
            f"keystrokes for the call of issue 24, identified, Tab/Space/arrows (no JavaScript): {keys.count}"
        )
    finally:
        context.close()


@pytest.mark.parametrize("level", [Level.EMERGENCY, Level.NONE], ids=lambda level: level.id)
def test_a_whole_call_without_javascript_tab_space_and_arrows(browser, server, ruleset, level, figures):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        keys = whole_call(page, server, ruleset, call_answers(ruleset, level), digits=False)
        keys.press("Tab")
        assert focused_id(page) == "chart-note"  # no Copy button without JavaScript
        keys.press("Control+A")
        keys.press("Control+C")
        figures(
            f"keystrokes for a whole call to a copied note, {level.id}, Tab/Space/arrows (no JavaScript): "
            f"{keys.count} (at most {key_target(ruleset, 2)})"
        )
        assert keys.count <= key_target(ruleset, 2)
    finally:
        context.close()


def test_the_note_waits_for_the_patient_to_be_identified_without_javascript(no_js, server, ruleset):
    """No reference typed: the result comes, the note only after "no reference" is ticked."""
    no_js.goto(server + "/call")
    for question in ruleset.questions:
        if not question.number:
            no_js.check(f"#{question.id}-0")
    with no_js.expect_navigation():
        no_js.click("#show-result")
    assert no_js.title().startswith("Call result: NONE")
    assert no_js.locator("#chart-note").count() == 0 and no_js.locator("#copy-note").count() == 0
    no_js.check("#no_reference")
    with no_js.expect_navigation():
        no_js.click("#show-note")
    assert "patient not identified" in no_js.input_value("#chart-note")


def test_enter_in_a_text_field_never_sends_a_half_filled_call(browser, server, ruleset):
    number = next((q for q in ruleset.questions if q.number), None)
    if number is None:
        pytest.skip("no text field in this rule set's questions")
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        try:
            page.goto(server + "/call")
            page.focus(f"#{number.id}")
            page.keyboard.type("12")
            page.keyboard.press("Enter")
            page.wait_for_timeout(300)
            assert page.title().startswith("Follow-up call"), "Enter sent the form"
            assert page.input_value(f"#{number.id}") == "12"
            if javascript:  # Enter goes on to a question not answered
                assert focused_id(page).endswith("-0")
        finally:
            context.close()


def test_the_emergency_banner_comes_at_once_with_javascript(desktop, server, ruleset):
    chosen = answers_reaching(ruleset, Level.EMERGENCY)
    desktop.goto(server + "/call")
    assert desktop.locator("#stop-banner").count() == 0
    desktop.fill("#reference", REFERENCE)
    for question_id, value in chosen.items():
        question = ruleset.question(question_id)
        if question.number:
            desktop.fill(f"#{question_id}", str(value))
            desktop.dispatch_event(f"#{question_id}", "change")
        else:
            desktop.check(f"#{question_id}-{question.values.index(value)}")
    desktop.wait_for_selector("#stop-banner", timeout=5000)
    assert "Emergency — stop and act" in desktop.inner_text("#stop-banner")
    assert desktop.title().startswith("Follow-up call")  # nothing was sent: the banner came first
    violations = run_axe(desktop, "call-emergency-banner-desktop")
    assert violations == [], axe_report(violations)
    with desktop.expect_navigation():
        desktop.click("#end-call")  # stop here and write the note
    assert desktop.title().startswith("Call result: EMERGENCY")
    assert "not asked" in desktop.input_value("#chart-note")


def test_the_emergency_banner_comes_on_submit_without_javascript(no_js, server, ruleset):
    chosen = answers_reaching(ruleset, Level.EMERGENCY)
    no_js.goto(server + "/call")
    for question_id, value in chosen.items():
        question = ruleset.question(question_id)
        if question.number:
            no_js.fill(f"#{question_id}", str(value))
        else:
            no_js.check(f"#{question_id}-{question.values.index(value)}")
    with no_js.expect_navigation():
        no_js.click("#show-result")
    assert no_js.locator("#stop-banner").is_visible()
    assert wait_for_focus(no_js, "stop-banner")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_spanish_read_aloud_switch(browser, server, ruleset, javascript):
    if "es" not in ruleset.languages:
        pytest.skip("this rule set has no Spanish wording")
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(server + "/call")
        assert wait_for_focus(page, "reference")
        page.keyboard.type(REFERENCE)
        spanish = page.locator(".say-es").first
        assert not spanish.is_visible()
        page.keyboard.press("Tab")  # "no reference"
        page.keyboard.press("Tab")  # the switch, on "English"
        assert focused_id(page) == "call_language-0"
        page.keyboard.press("ArrowDown")  # Español
        assert page.is_checked("#call_language-1")
        for question in ruleset.questions:
            shown = page.locator(
                f"[data-question='{question.id}'] .say-es, label[for='{question.id}'] .say-es"
            )
            assert shown.first.is_visible()
            assert shown.first.inner_text() == (question.ask or question.text).in_language("es")
            assert shown.first.get_attribute("lang") == "es"
        if javascript:
            violations = run_axe(page, "call-spanish-desktop")
            assert violations == [], axe_report(violations)
        page.keyboard.press("Tab")
        answers = call_answers(ruleset, Level.URGENT)
        keys = Keys(page)
        key_the_questions(page, keys, ruleset, answers, digits=javascript)
        with page.expect_navigation():
            keys.press("Enter")
        note = page.input_value("#chart-note")
        assert "Call held in Spanish" in " ".join(note.split())
        assert all(ch.isascii() for ch in note)
        said = page.locator(".say-box .say-aloud[lang=es]")  # the level's line, in Spanish
        assert said.is_visible() and ruleset.levels[Level.URGENT].say["es"][:20] in said.inner_text()
    finally:
        context.close()


def _call_result(level, identified: bool = True):
    def reach(page, server, ruleset):
        page.goto(server + "/call")
        if identified:
            page.fill("#reference", REFERENCE)
        answers = call_answers(ruleset, level)
        for question in ruleset.questions:
            value = answers[question.id]
            if question.number:
                if value is not None:
                    page.fill(f"#{question.id}", str(value))
            else:
                page.check(f"#{question.id}-{question.values.index(value)}")
        with page.expect_navigation():
            page.click("#show-result")
        assert page.title().startswith("Call result")

    return reach


def _call_errors_with_emergency(page, server, ruleset):
    page.goto(server + "/call")
    for question_id, value in answers_reaching(ruleset, Level.EMERGENCY).items():
        question = ruleset.question(question_id)
        if not question.number:
            page.check(f"#{question_id}-{question.values.index(value)}")
        else:
            page.fill(f"#{question_id}", str(value))
    with page.expect_navigation():
        page.click("#show-result")
    assert page.locator("#stop-banner").count() == 1


def _call_ended_early(page, server, ruleset):
    page.goto(server + "/call")
    with page.expect_navigation():
        page.click("#show-result")
    with page.expect_navigation():
        page.click("#end-call-early")
    assert page.title().startswith("Call result: NONE")


def _get(path):
    def reach(page, server, ruleset):
        page.goto(server + path)

    return reach


STATES = {
    **{f"call-result-{level.id}": _call_result(level) for level in Level},
    "call-result-not-identified": _call_result(Level.URGENT, identified=False),
    "call-errors-emergency": _call_errors_with_emergency,
    "call-ended-early": _call_ended_early,
    "review-sheet": _get("/rules"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_axe_finds_no_violation_in_call_mode(desktop, server, ruleset, state):
    STATES[state](desktop, server, ruleset)
    violations = run_axe(desktop, f"{state}-desktop")
    assert violations == [], axe_report(violations)


def test_the_review_sheet_prints_with_one_signature_block(desktop, server, screenshots):
    desktop.goto(server + "/rules")
    desktop.emulate_media(media="print")
    assert desktop.locator(".sign-off").count() == 1 and desktop.locator(".sign-off").is_visible()
    assert not desktop.locator("nav[aria-labelledby='contents-title']").is_visible()
    desktop.pdf(path=str(screenshots / "review-sheet-print.pdf"), format="A4")
