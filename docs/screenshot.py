"""Take the README's screenshot: an urgent result on a 360 x 740 phone, in English.

    .venv/bin/python docs/screenshot.py          # writes docs/screenshot-result-phone.png

The app runs from this checkout with the browser tests' settings (the Pump Clinic, 555-0100);
the check is walked by touch with the first sign that alone gives "call the care team now", as
the browser tests do. Needs Debian's Chromium (/usr/bin/chromium) and the test tools (make
setup-test).
"""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests"), str(PROJECT / "tests" / "browser")]

from browser_helpers import go_through_check, start, story_for  # noqa: E402
from helpers import TEST_CONFIG  # noqa: E402
from live_server import base_url, serving  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from triage import create_app  # noqa: E402

OUT = PROJECT / "docs" / "screenshot-result-phone.png"


def main() -> int:
    app = create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": True})
    ruleset = app.extensions["pump_check"].ruleset
    story = story_for(ruleset, "urgent")
    with serving(app) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
        page = context.new_page()
        start(page, base_url(server), tap=True)
        go_through_check(page, ruleset, story, tap=True)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"{OUT}: rules {ruleset.version}, an urgent result at 360 x 740")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
