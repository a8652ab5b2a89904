"""Browser tests: the app served by a real server on 127.0.0.1, driven by Debian's Chromium.

Where Chromium (or the Playwright package) is missing, these tests skip and say why, unless
the run must prove them: with CI set, or PUMP_CHECK_BROWSER_REQUIRED=1 (as .ci/run sets), a
missing browser is a failure instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import RULES_FILE
from live_server import base_url, serving

from triage import PROJECT_ROOT, create_app

CHROMIUM = os.environ.get("PUMP_CHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CONFIG = {
    "SECRET_KEY": "browser-test-secret-key-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
    "EMERGENCY_NUMBER": "911",
    "RULES_FILE": RULES_FILE,  # the shipped rules.yaml, or FLASK_RULES_FILE (see tests/conftest.py)
}


def browser_required() -> bool:
    """Return True where a missing browser must fail the run (CI, or .ci/run)."""
    flags = (os.environ.get("CI", ""), os.environ.get("PUMP_CHECK_BROWSER_REQUIRED", ""))
    return any(flag.strip().lower() not in ("", "0", "false", "no") for flag in flags)


def _unavailable(reason: str):
    if browser_required():
        pytest.fail(
            f"browser tests must run here (CI or PUMP_CHECK_BROWSER_REQUIRED) but {reason}", pytrace=False
        )
    pytest.skip(f"browser tests skipped: {reason}")


# Module scope: Playwright's sync API allows one instance at a time, and other test modules
# (e.g. tests/test_call_browser.py) start their own.
@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        _unavailable(
            f"Chromium is not at {CHROMIUM} (install it: apt-get install -y chromium; "
            "`make test` does this when run as root)"
        )
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="module")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_server():
    """Serve the app with the rules under test on a free port of 127.0.0.1.

    Each response is closed even when the browser drops the request (tests/live_server.py)."""
    with serving(create_app(dict(CONFIG))) as httpd:
        yield httpd


@pytest.fixture(scope="session")
def server(live_server):
    """The base URL of the app under test."""
    return base_url(live_server)


@pytest.fixture
def server_log(live_server):
    """Return a function giving every line the server logged so far (requests and errors)."""
    return lambda: "\n".join(live_server.log_lines)


def _context(browser, viewport, **options):
    context = browser.new_context(viewport=viewport, locale="en-US", **options)
    context.set_default_timeout(10_000)
    outside = []

    def only_local(route):
        if route.request.url.startswith("http://127.0.0.1:"):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()

    context.route("**/*", only_local)
    context.outside_requests = outside  # a page that asks another host fails the test below
    return context


@pytest.fixture
def phone(browser):
    """A page on a phone-sized screen with JavaScript on."""
    context = _context(browser, PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    yield page
    assert context.outside_requests == [], "pages must load nothing from another host"
    context.close()


@pytest.fixture
def desktop(browser):
    context = _context(browser, DESKTOP)
    page = context.new_page()
    yield page
    assert context.outside_requests == []
    context.close()


@pytest.fixture
def no_js(browser):
    """A phone-sized page with JavaScript turned off."""
    context = _context(browser, PHONE, java_script_enabled=False)
    page = context.new_page()
    yield page
    assert context.outside_requests == []
    context.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
