"""A patient's whole journey in a real browser: by touch, by keyboard, without JavaScript; the
phone's Back, forward and reload; and the answers never leave the person's browser. Every story
comes from the loaded rules (browser_helpers.story_for), so these hold for any valid rule file.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

from .browser_helpers import (
    LEVELS,
    focused,
    go_through_check,
    shoot,
    start,
    story_for,
    wait_for_focus,
)

pytestmark = pytest.mark.browser


def heading_of(ruleset, level: str, language: str = "en") -> str:
    from triage.engine.model import Level

    return ruleset.levels[Level.from_id(level)].heading[language]


def story_or_skip(ruleset, level):
    story = story_for(ruleset, level)
    if story is None:
        pytest.skip(f"no sign alone gives {level} in these rules")
    return story


@pytest.mark.parametrize("level", LEVELS)
def test_phone_journey_reaches_each_level(phone, server, ruleset, screenshots, level):
    story = story_or_skip(ruleset, level)
    page = phone
    start(page, server, tap=True)
    if level == "none":
        shoot(page, screenshots, "step-1-phone")
    go_through_check(page, ruleset, story, tap=True)
    heading = heading_of(ruleset, level)
    assert page.title() == f"Result: {heading} - Pump Check"
    assert heading in page.locator("#action").inner_text()
    assert page.get_by_text("This is not a diagnosis").count() == 1
    assert ruleset.version in page.locator("main").inner_text()
    shoot(page, screenshots, f"result-{level}-phone")


def test_a_well_check_takes_few_pages_taps_and_screens(phone, server, ruleset):
    """Issue 21's goal for the most common check: at most 5 pages, 15 taps, 4 screens scrolled
    to reach each Continue (benchmarks/phone_journeys.py measures the same way)."""
    import phone_journeys

    found = phone_journeys.run(phone, server, ruleset, {"days_since_surgery": 200}, None)
    assert found["result"] == "none"
    assert found["pages"] <= 5 and found["taps"] <= 15, found
    assert found["scrolled"] <= 4, found


@pytest.mark.parametrize("level", ["emergency", "urgent"])
def test_the_card_comes_right_after_the_page_that_reached_it(phone, server, ruleset, level):
    story = story_or_skip(ruleset, level)
    page = phone
    start(page, server, tap=True)
    seen = []
    go_through_check(page, ruleset, story, tap=True, heights=seen)
    assert page.url.endswith("/check/result")
    from triage import engine

    steps = [step for step in ruleset.steps if set(step.all_questions) & set(story)]
    first = ruleset.steps.index(steps[0]) + 1
    assert len(seen) <= first + 1, "at most the step and its details before the card"
    assert engine.evaluate(ruleset, story).level.id == level


def test_back_forward_and_reload_keep_every_answer(phone, server, ruleset):
    page = phone
    start(page, server, tap=True)
    visited = []
    while "/check/result" not in page.url:
        from phone_journeys import taps_for_page

        _, tapped = taps_for_page(page, ruleset, {"days_since_surgery": 45})
        visited.append((page.url, sorted(tapped)))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.tap()
    result = page.url
    for url, tapped in reversed(visited):  # the phone's Back gesture, page by page
        page.go_back()
        assert page.url == url
        assert "Confirm Form Resubmission" not in page.content()
        chosen = page.eval_on_selector_all(
            "main input:checked", "els => els.map(e => `${e.name}=${e.value}`)"
        )
        assert sorted(chosen) == tapped, url
        page.reload()
        chosen = page.eval_on_selector_all(
            "main input:checked", "els => els.map(e => `${e.name}=${e.value}`)"
        )
        assert sorted(chosen) == tapped, f"reload of {url}"
    for url, _ in visited[1:]:
        page.go_forward()
        assert page.url == url
    page.go_forward()
    assert page.url == result and page.locator("#action").count() == 1


def test_no_answer_leaves_the_browser(phone, server, ruleset, server_log):
    """A canary: the signs ticked and the answers they set never appear in an address, in the
    server's log, or in a file the server writes (they live in the signed session cookie)."""
    story = story_or_skip(ruleset, "emergency")
    sign = next(
        s for step in ruleset.steps for a in step.areas for s in a.signs if s.sets and dict(s.sets) == story
    )
    canaries = {sign.id, *story.values()}
    began = time.time()
    page = phone
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    start(page, server, tap=True)
    go_through_check(page, ruleset, story, tap=True)
    assert page.url.endswith("/check/result")
    assert not [url for url in urls if any(canary in url for canary in canaries)]
    log = server_log()
    assert "/check/result" in log, "the server's log was captured"
    assert not [canary for canary in canaries if canary in log]
    assert not [
        path for path in written_since(began) if any(c.encode() in path.read_bytes() for c in canaries)
    ]


def written_since(moment: float) -> list[Path]:
    """Every file changed since `moment` where a server could write: the project (but for the
    virtual environment, git and the tests' own artifacts) and the temporary folder."""
    from triage import PROJECT_ROOT

    skip = {".venv", ".git", "artifacts", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    found = []
    for root in (PROJECT_ROOT, Path(tempfile.gettempdir())):
        for folder, names, files in os.walk(root):
            names[:] = [n for n in names if n not in skip and not n.startswith(("pytest-of", "playwright"))]
            for name in files:
                path = Path(folder) / name
                try:
                    if path.stat().st_mtime >= moment and path.is_file():
                        found.append(path)
                except OSError:
                    continue
    return found


def test_keyboard_only_journey(desktop, server, ruleset):
    """Tab to each answer, Space to choose it, Enter to continue: no mouse, no touch."""
    page = desktop
    page.goto(server + "/")
    page.locator("main form[action='/check/new'] button").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    while "/check/result" not in page.url:
        names = page.eval_on_selector_all(
            "main form input[type=radio], main form input[type=checkbox]", "els => els.map(e => e.name)"
        )
        for name in dict.fromkeys(names):
            boxes = page.locator(f"main form input[name='{name}']")
            kind = boxes.first.get_attribute("type")
            target = boxes.last if kind == "checkbox" else boxes.first  # "None of these" / the mildest
            target.focus()
            page.keyboard.press("Space")
            assert target.is_checked(), name
        page.locator("main form button[type=submit]").last.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.locator("#action").count() == 1


@pytest.mark.parametrize("level", ["emergency", "none"])
def test_journey_without_javascript(no_js, server, ruleset, level):
    story = story_or_skip(ruleset, level)
    page = no_js
    start(page, server)
    go_through_check(page, ruleset, story)
    assert page.title() == f"Result: {heading_of(ruleset, level)} - Pump Check"


def test_none_of_these_with_a_sign_is_asked_again_without_javascript(no_js, server, ruleset):
    from phone_journeys import taps_for_page
    from walker import sign_reaching

    from triage.engine.model import Level

    found = sign_reaching(ruleset, Level.SOON, first_page=False) or sign_reaching(
        ruleset, Level.NONE, first_page=False
    )
    if found is None:
        pytest.skip("no sign after the first page is below urgent on its own")
    _, area_id, sign = found
    page = no_js
    start(page, server)
    while not page.locator(f"main input[name='{area_id}']").count():
        taps_for_page(page, ruleset, {}, tap=False)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
    taps_for_page(page, ruleset, {}, tap=False)  # "None of these" everywhere
    page.locator(f"main input[name='{area_id}'][value='{sign.id}']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator("#error-summary").count() == 1
    assert page.locator(f"main input[name='{area_id}'][value='{sign.id}']").is_checked()


def test_error_summary_takes_focus_with_javascript(phone, server, ruleset, screenshots):
    page = phone
    start(page, server, tap=True)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.tap()
    assert page.title().startswith("Error: ")
    assert wait_for_focus(page, "error-summary"), "focus moves to the error summary"
    summary = page.locator("#error-summary")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    assert "Cannot answer? Call" in summary.inner_text()
    shoot(page, screenshots, "step-1-error-phone")
    link = summary.get_by_role("link").first
    target = link.get_attribute("href")
    link.click()
    assert focused(page)["id"] == target[1:]
    box = page.locator("legend").first.bounding_box()
    assert box is not None and box["y"] < 740, "the question's words are in view"


def test_error_summary_without_javascript(no_js, server, ruleset):
    page = no_js
    start(page, server)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    summary = page.locator("#error-summary")
    box = summary.bounding_box()
    assert box is not None and box["y"] < 400, "the summary is near the top of the page"
    assert wait_for_focus(page, "error-summary"), "autofocus works without a script"
    target = summary.get_by_role("link").first.get_attribute("href")
    assert target.startswith("#") and page.locator(target).count() == 1


def test_spanish_journey_and_back_to_english(phone, server, ruleset, screenshots):
    if "es" not in ruleset.languages:
        pytest.skip("the rules have no Spanish")
    page = phone
    start(page, server, tap=True, language="es")
    assert page.locator("html").get_attribute("lang") == "es"
    shoot(page, screenshots, "step-1-phone-es")
    go_through_check(page, ruleset, {}, tap=True)
    assert page.title() == f"Resultado: {heading_of(ruleset, 'none', 'es')} - Pump Check"
    shoot(page, screenshots, "result-none-phone-es")
    with page.expect_navigation():
        page.get_by_role("link", name="English").tap()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title() == f"Result: {heading_of(ruleset, 'none')} - Pump Check"
