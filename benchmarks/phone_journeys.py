"""A patient's journey on a 360 x 740 phone: pages, screens, taps and page heights.

    .venv/bin/python benchmarks/phone_journeys.py [--language en]

Serves the app (the `triage` package that Python imports, with its shipped rules) on a free
port of 127.0.0.1 and drives Debian's Chromium through three journeys, as a patient taps them:
a well patient (every answer the mildest, surgery 20 days ago), an urgent one and an emergency
one (one answer that gives that level on the loaded rules; for an emergency, an answer marked
red_flag: emergency). It works on the single page of questions too (before the check had
steps), so the two can be compared: run it with PYTHONPATH pointing at the other checkout.

Per journey it prints each page's height in CSS px, the screens scrolled (the sum of the page
heights over 740 px), and the taps: Start, each answer, each Continue or submit button.
"""

from __future__ import annotations

import argparse
import logging
import threading

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from triage import create_app, engine
from triage.engine.model import Level

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
CONFIG = {
    "SECRET_KEY": "journey-benchmark-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
}


def journey_answers(ruleset, level: Level, days: int = 20) -> dict:
    answers = {q.id: (days if q.number else q.values[0]) for q in ruleset.questions}
    if level == Level.NONE:
        return answers
    for question in ruleset.questions:
        options = (
            [o for o in question.options if o.red_flag == Level.EMERGENCY]
            if level == Level.EMERGENCY
            else question.options[1:]
        )
        for option in options:
            trial = {**answers, question.id: option.value}
            if engine.evaluate(ruleset, trial).level == level:
                return trial
    raise SystemExit(f"no single answer gives {level.id}")


def tap_answers(page, ruleset, answers: dict) -> int:
    """Tap the answer of every question the page shows; return the taps."""
    taps = 0
    bands = getattr(ruleset, "bands", {})
    for question in ruleset.questions:
        visible = page.locator(f"main form input[name='{question.id}']:not([type=hidden])")
        if visible.count() == 0:
            continue
        value = answers[question.id]
        if question.number and question.id in bands:
            value = next(b.value for b in bands[question.id] if value in b)
        if question.number and visible.first.get_attribute("type") != "radio":
            visible.first.tap()
            visible.first.fill(str(value))
        else:
            radio = page.locator(f"input[name='{question.id}'][value='{value}']")
            page.locator(f"label[for='{radio.get_attribute('id')}']").tap()
        taps += 1
    return taps


def run_journey(page, base: str, ruleset, answers: dict) -> dict:
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator("main a[href='/check']").first.tap()
    taps, heights = 1, []
    while not page.title().startswith(("Result", "Resultado")):
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        taps += tap_answers(page, ruleset, answers)
        button = page.locator("main form:not(.back-form) button[value=next]")
        if button.count() == 0:  # the single page of questions: its one submit button
            button = page.locator("main form button[type=submit]").last
        with page.expect_navigation():
            button.tap()
        taps += 1
    result = page.evaluate("document.documentElement.scrollHeight")
    return {
        "pages": len(heights),
        "heights": heights,
        "result": result,
        "taps": taps,
        "screens": sum(heights) / PHONE["height"],
        "level": page.title().split(" - ")[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines in the figures
    app = create_app(dict(CONFIG))
    ruleset = app.extensions["pump_check"].ruleset
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    print(
        f"rules {ruleset.version}; {len(ruleset.questions)} questions; "
        f"{len(getattr(ruleset, 'steps', ()))} steps; phone {PHONE['width']} x {PHONE['height']}"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, level in (("well", Level.NONE), ("urgent", Level.URGENT), ("emergency", Level.EMERGENCY)):
            context = browser.new_context(
                viewport=PHONE, is_mobile=True, has_touch=True, locale=args.language
            )
            page = context.new_page()
            if args.language != "en":
                page.goto(f"{base}/?lang={args.language}")
            row = run_journey(page, base, ruleset, journey_answers(ruleset, level))
            print(
                f"{name:<10} {row['level']:<28} pages before the result {row['pages']}, "
                f"{row['screens']:.1f} screens, {row['taps']} taps; heights "
                f"{', '.join(map(str, row['heights']))} px; result page {row['result']} px"
            )
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
