"""A nurse's whole call in a real Chromium, with the keyboard only, with and without JavaScript.

Skips when Playwright or Debian's Chromium is missing, except where the run must prove it
(PUMP_CHECK_BROWSER_REQUIRED=1, as .ci/run sets): there a missing browser fails.
"""

import importlib.util
import os
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# What the patient says, as the nurse keys it: how many arrow-downs from the first answer.
SAID = {"fever": 1, "neck_pain": 2}


@pytest.fixture(scope="module")
def base_url():
    from werkzeug.serving import make_server

    from triage import create_app

    app = create_app({"SECRET_KEY": "browser-test-secret-0123456789", "CARE_TEAM_NAME": "the Pump Clinic",
                      "CARE_TEAM_PHONE": "555-0100", "AFTER_HOURS_PHONE": "555-0199"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    missing = ("Playwright is not installed" if importlib.util.find_spec("playwright") is None
               else f"{CHROMIUM} is missing (apt-get install chromium)"
               if not Path(CHROMIUM).exists() else "")
    if missing and os.environ.get("PUMP_CHECK_BROWSER_REQUIRED"):
        pytest.fail(f"browser tests must run here, but {missing}")
    if missing:
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def key_the_call(page, ruleset, reference="AB 1234"):
    """Answer every question with the keyboard only, as a nurse would, and submit."""
    tab_to(page, "reference")
    page.keyboard.type(reference)
    page.keyboard.press("Tab")
    assert focused(page) == "call_date"
    page.keyboard.press("Tab")                       # date left blank: today
    assert focused(page) == "days_since_surgery"
    page.keyboard.type("12")
    for question in ruleset.questions[1:]:
        page.keyboard.press("Tab")
        assert focused(page) == f"{question.id}-0"   # one Tab per question
        if question.id in SAID:
            for _ in range(SAID[question.id]):
                page.keyboard.press("ArrowDown")     # arrows move and choose
        else:
            page.keyboard.press("Space")             # the first answer ("No", "None", "Normal")
    page.keyboard.press("Tab")
    assert focused(page) == "show-result"            # the next stop after the last question
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_whole_call_by_keyboard_then_copy_the_note(browser, base_url, ruleset):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(base_url + "/call")
    key_the_call(page, ruleset)
    assert page.title().startswith("Call result: ")
    assert page.locator(".card--emergency").is_visible()
    note = page.input_value("#chart-note")
    assert "Patient reference: AB 1234" in note and note.count("    Answer: ") == len(ruleset.questions)
    assert "rule csf-fever-stiff-neck" in note
    assert page.is_visible("#copy-note")
    tab_to(page, "copy-note")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == note
    assert "Copied" in page.text_content("#copy-status")
    context.close()


def test_without_javascript_the_call_works_and_the_note_is_selectable(browser, base_url, ruleset):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.goto(base_url + "/call")
    key_the_call(page, ruleset, reference="CD 5678")
    assert page.locator(".card--emergency").is_visible()
    assert not page.is_visible("#copy-note")          # no dead button without JavaScript
    tab_to(page, "chart-note")                        # the note is a keyboard stop, read-only
    assert page.get_attribute("#chart-note", "readonly") is not None
    assert "Patient reference: CD 5678" in page.input_value("#chart-note")
    context.close()


def test_an_early_enter_submits_but_loses_nothing(browser, base_url, ruleset):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + "/call")
    tab_to(page, "fever-0")
    page.keyboard.press("ArrowDown")                  # fever: yes
    with page.expect_navigation():
        page.keyboard.press("Enter")                  # Chromium submits the form from a radio
    assert page.title().startswith("Error: ")
    page.wait_for_function("document.activeElement.id === 'error-summary'", timeout=3000)  # autofocus
    assert page.is_checked("#fever-1")
    assert page.locator(".error-summary li").count() == len(ruleset.questions) - 2
    page.close()


@pytest.mark.parametrize("width", [1280, 768])
def test_call_pages_fit_desktop_and_tablet_and_print_the_note_only(browser, base_url, ruleset, width):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(base_url + "/call")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    key_the_call(page, ruleset)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.emulate_media(media="print")
    assert page.is_visible(".chart-note-print") and not page.is_visible("#chart-note")
    assert not page.is_visible(".card") and not page.is_visible(".site-header")
    page.close()
