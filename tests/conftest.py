"""Shared fixtures: an app on the rules under test, its client and CLI runner.

The rules under test are the shipped rules.yaml, or FLASK_RULES_FILE when it is set (a clinic's
edited copy: the app's tests hold for any valid rule set).
"""

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from helpers import RULES_FILE, TEST_CONFIG

from triage import create_app, rules
from triage.rules import review_digest

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
AXE_RESULTS = PROJECT / "artifacts" / "axe"  # written by tests/browser/browser_helpers.run_axe
STARTED = pytest.StashKey[float]()


def pytest_sessionstart(session):
    session.config.stash[STARTED] = time.time()


def pytest_collection_modifyitems(items):
    """Refuse two tests with one node id: pytest -n hands tests out by id and runs only one."""
    seen = Counter(item.nodeid for item in items)
    twice = sorted(nodeid for nodeid, count in seen.items() if count > 1)
    if twice:
        raise pytest.UsageError(f"{len(twice)} node ids name more than one test, e.g. {twice[0]}")


FIGURES: list[str] = []  # what tests measured, printed at the end (see `figures` below)


@pytest.fixture
def figures(record_property):
    """Say a measured figure at the end of the run: figures("page weights: ...").

    A print from a test worker (pytest -n) is never shown; a property of the test's report is
    sent to the main process, which prints them all in its summary."""
    return lambda text: record_property("figure", text)


def pytest_runtest_logreport(report):
    if report.when == "call":
        FIGURES.extend(value for name, value in report.user_properties if name == "figure")


def pytest_terminal_summary(terminalreporter, config):
    """Print the figures the tests measured, then what axe-core found on each page and state.

    axe's results are read back from artifacts/axe/, which every test worker writes to."""
    if FIGURES:
        terminalreporter.section("figures measured by the tests")
        for text in FIGURES:
            terminalreporter.write_line(text)
    started = config.stash.get(STARTED, time.time())
    rows = sorted(path for path in AXE_RESULTS.glob("*.json") if path.stat().st_mtime >= started - 1)
    if not rows:
        return
    terminalreporter.section("axe-core, WCAG 2.2 AA (wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa)")
    for path in rows:
        result = json.loads(path.read_text())
        incomplete = sorted(rule["id"] for rule in result["incomplete"])
        review = f"; needs review: {', '.join(incomplete)}" if incomplete else ""
        terminalreporter.write_line(
            f"{path.stem:<32} {len(result['violations'])} violations, "
            f"{result['passed']} rules passed (axe {result['testEngine']['version']}){review}"
        )


@pytest.fixture(scope="session", autouse=True)
def rule_files_read_once():
    """Read and check each rule file once per test process, not once per app.

    create_app reads its rule file twice (rules.load, then the review digests): 0.9 s of the
    1 s CPU an app takes once its rules are proved, and the tests create hundreds of apps.
    Both are pure functions of the file's bytes, so each (file, bytes) is read once here and
    the same frozen RuleSet served again; a changed file is read anew, and a file with problems
    raises every time. The proofs already
    run once per process and rule set (safety/proofs.py), so each test process still starts an
    app the whole way once: read, checked, proved.
    """
    real_load, real_digests = rules.load, review_digest.current_digests
    loaded: dict[tuple[str, bytes], object] = {}
    digests: dict[tuple[str, bytes], dict[str, str]] = {}

    def load(path):
        try:
            key = (str(path), Path(path).read_bytes())
        except OSError:
            return real_load(path)  # which says what is wrong, in its words
        if key not in loaded:
            loaded[key] = real_load(path)
        return loaded[key]

    def current_digests(ruleset):
        if not ruleset.file:
            return real_digests(ruleset)
        try:
            key = (ruleset.file, Path(ruleset.file).read_bytes())
        except OSError:
            return real_digests(ruleset)
        if key not in digests:
            digests[key] = real_digests(ruleset)
        return dict(digests[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "load", load)
        patch.setattr(review_digest, "current_digests", current_digests)
        yield


@pytest.fixture(scope="session")
def ruleset(rule_files_read_once):
    return rules.load(RULES_FILE)


@pytest.fixture
def app():
    return create_app(dict(TEST_CONFIG))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
