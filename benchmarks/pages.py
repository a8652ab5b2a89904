"""A complete check's CPU time, every page to the result, in this one process.

    .venv/bin/python benchmarks/pages.py               # 30 rounds of each journey
    .venv/bin/python benchmarks/pages.py --rounds 5    # quick

Each journey goes through Flask's test client as a browser would: the start page, "Start", then
every page of the check (GET the page, POST its answers with the page's own CSRF token, follow
the 303) to the result page, which is fetched too. Nothing but the app's own work is measured
(no server, no network). The figure is this process's CPU time (time.process_time: the machine
may be shared) for the whole journey, the median of the rounds, beside the best and the worst.
The budget: a complete check costs at most 30 ms of CPU.

The journeys are derived from the loaded rules, so the benchmark holds for any valid rule file:
- well: every page's mildest answer ("None of these" on every checklist);
- urgent: the first sign whose answers alone give URGENT, the rest mildest (the check stops);
- emergency: the first sign on the first page whose answers alone give EMERGENCY.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage import SHIPPED_RULES, create_app, engine  # noqa: E402
from triage.engine.model import Level, RuleSet  # noqa: E402

BUDGET_MS = 30.0
CONFIG = {
    "SECRET_KEY": "benchmark-secret-key-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
}
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FIELD = re.compile(r'type="(radio|checkbox)" id="[^"]*" name="([^"]+)" value="([^"]*)"')


def sign_giving(ruleset: RuleSet, level: Level, first_page: bool) -> dict[str, str] | None:
    """A checklist's tick whose answers alone give `level`: {area id: sign id}."""
    steps = ruleset.steps[:1] if first_page else ruleset.steps[1:]
    for step in steps:
        for area in step.areas:
            for sign in area.signs:
                if sign.sets and engine.evaluate(ruleset, dict(sign.sets)).level == level:
                    return {area.id: sign.id}
    return None


def journey(client, ticks: dict[str, str]) -> tuple[int, str]:
    """Walk the check once; return the pages seen before the result and the result's level."""
    start = client.get("/").get_data(as_text=True)
    response = client.post("/check/new", data={"csrf_token": TOKEN.search(start).group(1)})
    pages = 0
    while response.status_code == 303 and not response.headers["Location"].endswith("/result"):
        address = response.headers["Location"]
        html = client.get(address).get_data(as_text=True)
        pages += 1
        answers: dict[str, object] = {"csrf_token": TOKEN.search(html).group(1)}
        for kind, name, value in FIELD.findall(html):
            if kind == "checkbox":
                answers[name] = ticks.get(name, "none")
            else:
                answers.setdefault(name, value)  # the first: the mildest
        response = client.post(address, data=answers)
    result = client.get("/check/result").get_data(as_text=True)
    level = re.search(r'class="card card--([a-z_]+)" id="action"', result).group(1)
    return pages, level


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    app = create_app({**CONFIG, "RULES_FILE": str(SHIPPED_RULES)})
    ruleset = app.extensions["pump_check"].ruleset
    journeys = {"well": {}}
    for name, level, first in (("urgent", Level.URGENT, False), ("emergency", Level.EMERGENCY, True)):
        ticks = sign_giving(ruleset, level, first)
        if ticks is not None:
            journeys[name] = ticks
    print(f"rules {ruleset.version} ({ruleset.digest}); {len(ruleset.steps)} steps; {args.rounds} rounds")
    print(f"{'journey':<10} {'result':<15} {'pages':>5} {'median ms':>10} {'best':>7} {'worst':>7}")
    over = 0
    for name, ticks in journeys.items():
        journey(app.test_client(), ticks)  # warm: templates compiled, catalogues read
        times, pages, level = [], 0, ""
        for _ in range(args.rounds):
            client = app.test_client()  # a new browser: its own session and token
            started = time.process_time()
            pages, level = journey(client, ticks)
            times.append((time.process_time() - started) * 1000)
        median = statistics.median(times)
        over += median > BUDGET_MS
        print(f"{name:<10} {level:<15} {pages:>5} {median:>10.1f} {min(times):>7.1f} {max(times):>7.1f}")
    print(f"budget: a complete check within {BUDGET_MS:.0f} ms of CPU: {'met' if not over else 'NOT met'}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
