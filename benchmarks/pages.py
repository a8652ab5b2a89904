"""Page speed: CPU time per request through the app, beside a plain Jinja page of the same size.

    .venv/bin/python benchmarks/pages.py                    # the table and the growth
    .venv/bin/python benchmarks/pages.py --rounds 3 --requests 10 --no-growth   # quick
    .venv/bin/python benchmarks/pages.py --profile /tmp/pages.prof [--only 'POST /call']

Every patient page and post goes through Flask's test client in this one process (no server,
no network: what is measured is the app's own work). Beside each, measured in the same run and
the same way: the floor (benchmarks/floor.py), a bare Flask app rendering an already-compiled
Jinja template of paragraphs to exactly the same number of bytes; for the JSON API, a bare Flask
three-field `jsonify`. The figure is CPU time of this process (time.process_time: the machine
is shared), per request, the best of several rounds; rounds interleave the rows so a busy
neighbour hurts them alike. "share" is floor time / page time: 1.00 would be as fast as the
floor; the goal is 0.50 or more on every row.

The examples are derived from the loaded rules (no question id is pinned): the mildest answers
(each question's first option), and an emergency with an urgent and a soon finding beside it.
Growth: the same pages on rule sets with every question copied 3 and 10 times (each copy with
new ids, in the same step as its original, with copies of the rules that use it), giving the
cost per extra question.

--profile PATH runs the rows (or --only those whose name contains the text) under cProfile
(pyinstrument instead, if it is installed and PATH ends in .html), writes the profile to PATH
and prints the 30 costliest functions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import floor  # noqa: E402
from growth import app_with_copies  # noqa: E402

from triage import SHIPPED_RULES, create_app, engine
from triage.engine.model import Level, RuleSet  # noqa: E402

GOAL = 0.50
GOAL_PER_QUESTION_US = 60
CONFIG = {
    "SECRET_KEY": "benchmark-secret-key-0123456789",
    "CARE_TEAM_NAME": "the Pump Clinic",
    "CARE_TEAM_PHONE": "555-0100",
    "AFTER_HOURS_PHONE": "555-0199",
    "EMERGENCY_NUMBER": "911",
}


def mildest(ruleset: RuleSet) -> dict[str, str]:
    """Each choice question's first option; numbers left blank (not known)."""
    return {q.id: ("" if q.number else q.values[0]) for q in ruleset.questions}


def emergency_answers(ruleset: RuleSet) -> dict[str, str]:
    """The mildest answers, but for the first answer that alone gives each of emergency, urgent
    and soon (on different questions): an emergency with findings at lower levels beside it."""
    answers = mildest(ruleset)
    used: set[str] = set()
    for level in (Level.EMERGENCY, Level.URGENT, Level.SOON):
        found = next(
            (
                (q.id, value)
                for q in ruleset.questions
                if not q.number and q.id not in used
                for value in q.values[1:]
                if engine.evaluate(ruleset, {q.id: value}).level == level
            ),
            None,
        )
        if found:
            used.add(found[0])
            answers[found[0]] = found[1]
    assert engine.evaluate(ruleset, engine_answers(answers)).level == Level.EMERGENCY
    return answers


def engine_answers(form: dict[str, str]) -> dict:
    return {key: value for key, value in form.items() if value != ""}


class Row:
    """One request to time: a name, how to send it, and what its response must show."""

    def __init__(self, name: str, send: Callable, status: int = 200, expect: bytes = b"", language="en"):
        self.name, self.send, self.status, self.expect = name, send, status, expect
        self.language = language
        self.size = 0
        self.best = float("inf")

    def check(self) -> None:
        response = self.send()
        body = response.get_data()
        assert response.status_code == self.status, (self.name, response.status_code, body[:400])
        assert self.expect in body, (self.name, self.expect, body[:400])
        page = body.startswith(b"<!doctype html>")
        assert not page or f'<html lang="{self.language}">'.encode() in body[:100], (self.name, body[:100])
        self.size = len(body)


def page_rows(app, *, steps_too: bool = True) -> list[Row]:
    """Return the rows for every patient page and post of `app`, each checked once."""
    # Spanish rows have a client of their own: the language switch sets a cookie, and the
    # English rows must stay English. Each client has its session (the CSRF token's cookie).
    # The API's client is another program: it has no cookie of the pages.
    client, spanish, api = app.test_client(), app.test_client(), app.test_client()
    loaded = app.extensions["pump_check"]
    ruleset, plan = loaded.ruleset, loaded.plan
    token = _token(client.get("/check").get_data(as_text=True))
    spanish_token = _token(spanish.get("/check?lang=es").get_data(as_text=True))
    mild, emergency = mildest(ruleset), emergency_answers(ruleset)
    assert engine.evaluate(ruleset, engine_answers(mild)).level == Level.NONE, "the mildest answers warn"
    digest = ruleset.digest.encode()

    def post(path: str, data: dict, **kwargs):
        return lambda: client.post(path, data={"csrf_token": token, **data}, **kwargs)

    def answers_up_to(step: int, answers: dict) -> dict:
        return {q: answers[q] for number in range(1, step + 1) for q in plan.step(number).questions}

    rows = [
        Row("GET /", lambda: client.get("/")),
        Row("GET /check (step 1)", lambda: client.get("/check")),
        Row("GET /check, es (step 1)", lambda: spanish.get("/check"), language="es"),
        Row("POST /check all, emergency", post("/check", emergency), expect=digest),
        Row("POST /check all, no warning", post("/check", mild), expect=digest),
        Row(
            "POST /check all, es, emergency",
            lambda: spanish.post("/check", data={"csrf_token": spanish_token, **emergency}),
            expect=digest,
            language="es",
        ),
    ]
    first = plan.step(1).questions
    emergency_first = {q: emergency[q] for q in first}
    if engine.evaluate(ruleset, engine_answers(emergency_first)).level == Level.EMERGENCY:
        rows.append(
            Row(
                "POST step 1, emergency -> result",
                post("/check", {"step": "1", **emergency_first}),
                expect=digest,
            )
        )
    rows.append(Row("POST step 1, none answered -> error", post("/check", {"step": "1"}), status=400))
    for number in range(1, plan.count + 1) if steps_too else (1, plan.count):
        following = "summary" if number == plan.count else f"step {number + 1}"
        rows.append(
            Row(
                f"POST step {number} -> {following}",
                post("/check", {"step": str(number), "go": "next", **answers_up_to(number, mild)}),
            )
        )
    rows += [
        Row(
            f"POST step {plan.count} Back -> step {plan.count - 1}",
            post("/check", {"step": str(plan.count), "go": "back", **answers_up_to(plan.count, mild)}),
        ),
        Row(
            "POST summary -> result, no warning",
            post("/check", {"step": str(plan.summary), "go": "next", **mild}),
            expect=digest,
        ),
        Row("GET /call", lambda: client.get("/call")),
        Row("POST /call, emergency", post("/call", {**emergency, "call_language": "en"}), expect=digest),
        Row("GET /when-to-call", lambda: client.get("/when-to-call")),
        Row(
            "POST /api/v1/triage, emergency",
            lambda: api.post("/api/v1/triage", json={"answers": engine_answers(emergency)}),
            expect=b'"emergency"',
        ),
    ]
    for row in rows:
        row.check()
    return rows


EMPTY = "/_benchmark/empty"  # a view of the same app that returns nothing: see empty_rows


def empty_rows(app) -> list[Row]:
    """Return what the app costs before any page: a GET, and a post of step 5's answers (or the
    middle step's), to a view that returns nothing, through every check a page goes through
    (the security checks, the CSRF token and its session cookie, the language)."""
    client = app.test_client()
    token = _token(client.get("/check").get_data(as_text=True))
    plan = app.extensions["pump_check"].plan
    middle = min(5, plan.count)
    mild = mildest(plan.ruleset)
    answers = {q: mild[q] for number in range(1, middle + 1) for q in plan.step(number).questions}
    data = {"csrf_token": token, "step": str(middle), "go": "next", **answers}
    rows = [
        Row("GET, a view that returns nothing", lambda: client.get(EMPTY)),
        Row(
            f"POST step {middle}'s answers, a view that returns nothing",
            lambda: client.post(EMPTY, data=data),
        ),
    ]
    for row in rows:
        row.check()
    return rows


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def floor_rows(rows: list[Row]) -> dict[str, Row]:
    """Return the floor for each row: a plain page of the same size, or the JSON floor."""
    client = floor.app.test_client()
    floors = {}
    for row in rows:
        if "/api/" in row.name:
            floors[row.name] = Row("floor: jsonify", lambda: client.post("/json"))
        else:
            size = row.size
            floors[row.name] = Row(f"floor: {size} B", lambda size=size: client.get(f"/floor/{size}"))
        floors[row.name].check()
        if "/api/" not in row.name:
            assert floors[row.name].size == row.size, (row.name, floors[row.name].size, row.size)
    return floors


def measure(rows: list[Row], rounds: int, requests: int) -> None:
    """Set each row's `best`: CPU µs per request, the best of `rounds` runs of `requests`."""
    for round_number in range(rounds):
        shift = round_number % len(rows)
        for row in rows[shift:] + rows[:shift]:
            send = row.send
            start = time.process_time()
            for _ in range(requests):
                send()
            row.best = min(row.best, (time.process_time() - start) / requests * 1e6)


def name_width(rows: list[Row]) -> int:
    return max(len(row.name) for row in rows) + 2


def table(rows: list[Row], floors: dict[str, Row]) -> list[tuple[str, float, float]]:
    width = name_width(rows)
    print(f"{'request':<{width}} {'bytes':>7} {'µs':>8} {'floor µs':>9} {'share':>6}")
    shares = []
    for row in rows:
        bottom = floors[row.name]
        share = bottom.best / row.best
        shares.append((row.name, row.best, share))
        mark = "" if share >= GOAL else "  < goal"
        print(f"{row.name:<{width}} {row.size:>7} {row.best:>8.0f} {bottom.best:>9.0f} {share:>6.2f}{mark}")
    return shares


def growth(args) -> None:
    """Time the pages that show or read every question on rule sets with 1x, 3x, 10x questions."""
    names = (
        "GET /check (step 1)",
        "POST step {last} -> summary",
        "POST summary -> result, no warning",
        "POST /check all, emergency",
        "GET /call",
        "POST /call, emergency",
    )
    figures: dict[int, tuple[int, dict[str, Row]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for times in args.growth:
            app = app_with_copies(SHIPPED_RULES, times, Path(folder), CONFIG)
            plan = app.extensions["pump_check"].plan
            wanted = {name.replace("{last}", str(plan.count)) for name in names}
            rows = [row for row in page_rows(app, steps_too=False) if row.name in wanted]
            measure(rows, args.rounds, max(1, args.requests // times))
            figures[times] = (len(plan.ruleset.questions), {row.name.split(" ->")[0]: row for row in rows})
    print(
        "\ngrowth: µs per request with every question copied (questions: "
        + ", ".join(f"{times}x = {count}" for times, (count, _) in figures.items())
        + ")"
    )
    first, last = min(figures), max(figures)
    base_count, base_rows = figures[first]
    print(f"{'request':<36} " + " ".join(f"{f'{t}x µs':>9}" for t in figures) + f" {'µs/question':>12}")
    for name, row in base_rows.items():
        top_count, top_rows = figures[last]
        other = top_rows.get(name) or next(
            r for n, r in top_rows.items() if n.split()[:2] == name.split()[:2]
        )
        per_question = (other.best - row.best) / (top_count - base_count)
        cells = []
        for times in figures:
            rows_at = figures[times][1]
            match = rows_at.get(name) or next(
                r for n, r in rows_at.items() if n.split()[:2] == name.split()[:2]
            )
            cells.append(f"{match.best:>9.0f}")
        mark = "" if per_question <= GOAL_PER_QUESTION_US else "  > goal"
        print(f"{name:<36} " + " ".join(cells) + f" {per_question:>12.1f}{mark}")


def profile(rows: list[Row], path: str, requests: int) -> None:
    def run():
        for row in rows:
            for _ in range(requests):
                row.send()

    if path.endswith(".html"):
        try:
            import pyinstrument
        except ImportError:
            pyinstrument = None
        if pyinstrument is not None:
            profiler = pyinstrument.Profiler(interval=0.0005)
            profiler.start()
            run()
            profiler.stop()
            Path(path).write_text(profiler.output_html(), "utf-8")
            print(profiler.output_text(unicode=True, show_all=False))
            return
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(run)
    profiler.dump_stats(path)
    pstats.Stats(path).sort_stats("cumulative").print_stats(30)
    pstats.Stats(path).sort_stats("tottime").print_stats(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds; the best is kept (7)")
    parser.add_argument("--requests", type=int, default=30, help="requests per row per round (30)")
    parser.add_argument("--growth", type=int, nargs="*", default=[1, 3, 10], help="copies (1 3 10)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth table")
    parser.add_argument("--only", help="only the rows whose name contains this text")
    parser.add_argument("--profile", metavar="PATH", help="profile the rows into PATH instead")
    args = parser.parse_args(argv)

    app = create_app({**CONFIG, "RULES_FILE": str(SHIPPED_RULES)})
    app.add_url_rule(EMPTY, "benchmark_empty", lambda: "", methods=["GET", "POST"])
    rows = page_rows(app)
    if args.only:
        # "=NAME": that row only; otherwise every row whose name contains the text
        rows = [
            row
            for row in rows
            if row.name == args.only[1:] or args.only in row.name[: len(row.name) * (args.only[0] != "=")]
        ]
    if args.profile:
        profile(rows, args.profile, args.requests)
        return 0
    floors = floor_rows(rows)
    empty = [] if args.only else empty_rows(app)
    measure(rows + list(floors.values()) + empty, args.rounds, args.requests)
    ruleset = app.extensions["pump_check"].ruleset
    print(
        f"Python {sys.version.split()[0]}; rules {ruleset.version}: {len(ruleset.questions)} questions, "
        f"{len(ruleset.rules)} rules, {len(ruleset.steps)} steps; CPU µs per request (test client), "
        f"best of {args.rounds} x {args.requests}; load average {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} cores"
    )
    shares = table(rows, floors)
    below = [name for name, _, share in shares if share < GOAL]
    print(f"\n{len(shares) - len(below)} of {len(shares)} rows at or above {GOAL:.2f} of their floor")
    if empty:
        step_floor = next((floors[row.name] for row in rows if row.name.startswith("POST step 5 ")), None)
        print("\nwhat the app costs before any page (the same app, a view that returns nothing):")
        for row in empty:
            print(f"{row.name:<{name_width(rows + empty)}} {row.best:>8.0f} µs", end="")
            if step_floor and row.name.startswith("POST"):
                share = step_floor.best / row.best
                print(f"  = {share:.2f} of the step page's floor ({step_floor.best:.0f} µs)")
            else:
                print()
    if not args.no_growth and not args.only:
        growth(args)
    print(json.dumps({"below_goal": below}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
