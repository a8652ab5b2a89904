"""The benchmarks' own inputs stay valid as the rule file and the app change (no timing here:
speed is measured by running the scripts in benchmarks/, not by tests)."""

import asyncio
import re
import sys
from pathlib import Path

from triage import PROJECT_ROOT, engine, rules

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import engine as engine_benchmark  # noqa: E402
import load  # noqa: E402


def test_generated_rule_files_load_and_evaluate(tmp_path: Path):
    for size in (10, 100):
        ruleset = rules.load(engine_benchmark.generated_file(size, tmp_path))
        assert len(ruleset.rules) == size
        for answers in engine_benchmark.answer_sets(ruleset, 20):
            engine.evaluate(ruleset, answers)


def test_the_load_benchmark_answers_are_valid_and_show_several_warnings(ruleset):
    result = engine.evaluate(ruleset, load.ANSWERS)  # raises on an answer the rules do not know
    assert len(result.warnings) >= 2


def test_the_load_and_soak_requests_work_against_gunicorn(tmp_path):
    """What load.py and soak.py send gets the responses they check for: a check walked to its
    result page by page (load.prepare asserts each step), a page sent, and the API."""
    import soak
    from gunicorn_server import running

    with running(tmp_path) as (base, _, _):
        port = int(base.rsplit(":", 1)[1])
        prepared = load.prepare(port)  # asserts a result page and an emergency from the API
        assert prepared["result_bytes"] > 1000 and prepared["step_path"].startswith("/check/")
        requests = soak.build_requests(port)
        assert {name for name, _, _ in requests} >= {"start page", "a page", "a page sent", "result"}
        for name, raw, expect in requests:
            assert asyncio.run(soak.one(port, raw, expect, timeout=30)) is None, name
        _, raw, expect = next(request for request in requests if request[0] == "a page sent")
        wrong = re.sub(rb"csrf_token=[^&]+", lambda m: b"x" * len(m.group()), raw)  # a refused post
        assert asyncio.run(soak.one(port, wrong, expect, timeout=30)) is not None


def test_the_page_benchmark_runs_on_the_rules_under_test(capsys, monkeypatch):
    """benchmarks/pages.py walks each journey to a result page of the level it was built for
    (one round; the time is the benchmark's business, not this test's)."""
    import pages
    from conftest import RULES_FILE

    monkeypatch.setattr(pages, "SHIPPED_RULES", Path(RULES_FILE))
    pages.main(["--rounds", "1"])
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[2:-1]}
    assert rows["well"][1] == "none" and int(rows["well"][2]) >= 1
    if "emergency" in rows:
        assert rows["emergency"][1] == "emergency"
    if "urgent" in rows:
        assert rows["urgent"][1] == "urgent"
