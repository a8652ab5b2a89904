"""Six journeys on a 360 x 740 phone, in English and Spanish: pages, taps and screens scrolled.

    .venv/bin/python benchmarks/phone_journeys.py [--language en es] [--json FILE]

Serves the app (its shipped rules) on a free port of 127.0.0.1 and drives Debian's Chromium by
touch, as a person would, from the start page's button to the result:

- pages: the pages of questions shown, plus the result page;
- taps: "Start", each answer tapped (a radio, a sign, each "None of these") and each Continue;
- screens scrolled: on each page of questions, how far a person scrolls to reach the bottom of
  its Continue button, (that depth - 740) / 740, summed over the pages (0 when it is on the
  first screen).
  "content" is the pages' whole height over 740, for comparison with earlier figures;
- card after: for the urgent and emergency journeys, whether the result card came on the page
  right after the one where the answers reached that level.

A journey is a person's story as the answers the engine reads (question id: answer, a number of
days, who is answering); on each page the driver taps what the story says: a question's answer
(a number's band), each sign whose answers the story has, "None of these" where it has none. So
the journeys follow the rule file's pages, whatever they are. The targets (issue 21): a well
check in at most 5 pages, 15 taps and 4 screens scrolled; the result card right after the page
where urgent or an emergency was reached.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from triage import create_app, engine  # noqa: E402
from triage.engine.model import RuleSet  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}
CONFIG = {
    "SECRET_KEY": "journey-benchmark-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
}
# How far down the page the Continue button ends, in CSS px.
CONTINUE_DEPTH = (
    "Math.ceil(document.querySelector('main form button[type=submit]')"
    ".getBoundingClientRect().bottom + window.scrollY)"
)
BLANK = "blank on page"  # a story key: leave that page's questions blank
# (name, the story as answers); the level each reaches is the engine's for the whole story
JOURNEYS = [
    ("well, day 200", {"days_since_surgery": 200}),
    (
        "day 12, fever 101 °F, spreading redness",
        {"days_since_surgery": 12, "fever": "yes", "redness": "spreading"},
    ),
    ("caregiver: child very sleepy, hard to wake", {"answerer": "cannot_say", "sleepiness": "hard_to_wake"}),
    ("page 1 answered, then a blank page", {BLANK: 2}),
    ("breathing slow or shallow", {"breathing": "slow_or_shallow"}),
    ("caregiver, well, day 45", {"answerer": "helper", "days_since_surgery": 45}),
]


def story_answers(ruleset: RuleSet, story: dict) -> dict:
    """The story's answers that this rule file has (a renamed or retired question is dropped)."""
    return {q: v for q, v in story.items() if q in ruleset.questions_by_id}


def taps_for_page(page, ruleset: RuleSet, story: dict, tap: bool = True) -> tuple[int, list[str]]:
    """Tap (or click) the page's answers as the story says; return the taps and what was tapped."""
    taps, tapped = 0, []
    names = page.eval_on_selector_all(
        "main form input[type=radio], main form input[type=checkbox]", "els => els.map(e => e.name)"
    )
    areas = {area.id: area for step in ruleset.steps for area in step.areas}
    for name in dict.fromkeys(names):
        if name in areas:
            chosen = [
                sign.id
                for sign in areas[name].signs
                if (sign.sets and all(story.get(q) == v for q, v in sign.sets))
                or any(q in story and story[q] != ruleset.question(q).values[0] for q in sign.opens)
            ] or ["none"]
        else:
            question = ruleset.question(name)
            value = story.get(name)
            if question.number:
                bands = ruleset.bands.get(name, ())
                value = next((b.value for b in bands if value is not None and value in b), "unknown")
            offered = page.eval_on_selector_all(f"input[name='{name}']", "els => els.map(e => e.value)")
            chosen = [value if value in offered else offered[0]]
        for value in chosen:
            box = page.locator(f"main form input[name='{name}'][value='{value}']")
            label = page.locator(f"label[for='{box.get_attribute('id')}']")
            (label.tap if tap else label.click)()
            taps += 1
            tapped.append(f"{name}={value}")
    return taps, tapped


def run(page, base: str, ruleset: RuleSet, story: dict, expected: str | None) -> dict:
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator("main form[action='/check/new'] button").first.tap()
    taps, heights, reach, asked = 1, [], [], set()
    answers = story_answers(ruleset, story)
    steps = {step.id: step for step in ruleset.steps}
    card_after = None
    while "/check/result" not in page.url:
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        reach.append(page.evaluate(CONTINUE_DEPTH))
        if story.get(BLANK) == len(heights):
            with page.expect_navigation():
                page.locator("main form button[type=submit]").last.tap()
            taps += 1
            summary = page.locator("#error-summary").count() == 1
            way_out = summary and "555-0100" in page.inner_text("#error-summary")
            result = "error summary" + (", a way out" if way_out else "")
            return row(heights, reach, taps, len(heights), result, None)
        page_taps, _ = taps_for_page(page, ruleset, answers)
        taps += page_taps
        step = steps[page.url.split("/check/")[1].split("/")[0]]
        if page.url.endswith("/details"):  # the questions the ticks opened: answered here
            asked |= {q for sign in step.signs for q in sign.opens}
        else:  # asked on the page, or answered by ticking (or not ticking) a sign
            asked |= set(step.questions) | {q for sign in step.signs for q, _ in sign.sets}
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.tap()
        taps += 1
        if expected:  # the level the answers asked so far give: the card must come at once
            so_far = engine.evaluate(ruleset, {q: v for q, v in answers.items() if q in asked}).level.id
            if so_far == expected and card_after is None:
                card_after = "/check/result" in page.url
    level = page.eval_on_selector("#action", "e => e.className.split('card--')[1]")
    return row(heights, reach, taps, len(heights) + 1, level, card_after)


def row(heights: list[int], reach: list[int], taps: int, pages: int, result: str, card_after) -> dict:
    screen = PHONE["height"]
    return {
        "pages": pages,
        "taps": taps,
        "scrolled": round(sum(max(0, r - screen) for r in reach) / screen, 2),
        "content": round(sum(heights) / screen, 2),
        "heights": heights,
        "result": result,
        "card_after": card_after,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", nargs="+", default=["en", "es"])
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(dict(CONFIG))
    ruleset = app.extensions["pump_check"].ruleset
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    print(f"rules {ruleset.version}; {len(ruleset.steps)} steps; phone {PHONE['width']} x {PHONE['height']}")
    print(f"{'journey':<44} {'lang':<4} {'pages':>5} {'taps':>4} {'scrolled':>8} {'content':>7}  result")
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for language in args.language:
            for name, story in JOURNEYS:
                level = engine.evaluate(ruleset, story_answers(ruleset, story))
                expected = (
                    level.level.id if level.level.id in ("urgent", "emergency_room", "emergency") else None
                )
                context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale=language)
                page = context.new_page()
                page.goto(f"{base}/?lang={language}")
                found = run(page, base, ruleset, story, expected)
                rows.append({"journey": name, "language": language, **found})
                after = "" if found["card_after"] is None else f" (card right after: {found['card_after']})"
                print(
                    f"{name:<44} {language:<4} {found['pages']:>5} {found['taps']:>4} "
                    f"{found['scrolled']:>8.2f} {found['content']:>7.2f}  {found['result']}{after}"
                )
                context.close()
        browser.close()
    server.shutdown()
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
