"""How long the safety proofs of `flask rules check` take (goal: under a minute on 2 cores).

Run: .venv/bin/python benchmarks/safety_check.py [RULES_FILE] [--runs N]
Prints the time of each run of safety.check (the load is timed apart) and exits 1 if the
slowest run misses the goal. The whole command, with Python and Flask starting, is measured with
`time .venv/bin/flask --app wsgi rules check`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from triage import SHIPPED_RULES, rules, safety

GOAL_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", default=str(SHIPPED_RULES))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    ruleset = rules.load(args.file)
    print(f"load: {time.perf_counter() - started:.3f} s")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = safety.check(ruleset)
        times.append(time.perf_counter() - started)
    statuses = ", ".join(f"{r.name} {r.status}" for r in report.properties)
    print(
        f"safety.check over {report.states:,} states: median {statistics.median(times):.3f} s, "
        f"slowest {max(times):.3f} s of {args.runs} runs ({statuses})"
    )
    return 0 if max(times) < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
