"""Schemathesis reads GET /api/v1/openapi.json and attacks every operation it describes.

An independent client: it knows nothing of our code, only the document. It runs in-process on
the WSGI app (the same app object as production, security middleware included) with a fixed
seed and a bounded number of examples, and applies all of its default checks to every
response, among them: no 5xx, the response matches the documented schema, its status code and
content type are documented, schema-valid requests are accepted and invalid ones refused, and a
method the document does not list is a 405 with `Allow`. What it finds is fixed in the app or
the document, never silenced: see README "API" for the two it found.
"""

from __future__ import annotations

import collections
import time

import pytest
import schemathesis
from helpers import TEST_CONFIG
from hypothesis import HealthCheck, settings

from triage import create_app

SEED = 20261128
MAX_EXAMPLES = 25  # per operation and phase; the coverage phase adds its own boundary cases
MIN_REQUESTS = 10  # each operation must really have been exercised

APP = create_app(dict(TEST_CONFIG))
REQUESTS: collections.Counter[str] = collections.Counter()
CLOCK: dict[str, float] = {}  # wall and CPU time at the first request, and after the last


def _count(wsgi_app):
    """Wrap the app so the test can say how many requests Schemathesis sent, where, and how fast."""

    def counting(environ, start_response):
        if not REQUESTS:
            CLOCK.update(wall=time.perf_counter(), cpu=time.process_time())
        REQUESTS[environ["PATH_INFO"]] += 1
        try:
            return wsgi_app(environ, start_response)
        finally:
            CLOCK.update(wall_end=time.perf_counter(), cpu_end=time.process_time())

    return counting


CONFIG = schemathesis.Config.from_dict({"seed": SEED, "generation": {"max-examples": MAX_EXAMPLES}})
# Schemathesis leaves out the operation that serves the document itself unless a filter names
# it; every /api/v1 and /fhir operation is to be tested, so name them all.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG).include(
    path_regex=r"^/(api/v1|fhir)/"
)
OPERATIONS = {result.ok().label for result in schema.get_all_operations()}
APP.wsgi_app = _count(APP.wsgi_app)  # after loading the document: count only the tests' requests


def pytest_generate_tests(metafunc):
    """Give each operation's test its own node id: ...[GET /api/v1/questions][10+ requests].

    Schemathesis 4.32 under pytest 9.2 gives the five operations' tests one node id, and pytest -n
    hands out tests by node id, so it would run only one of them. A parametrized test gets its
    operation in its id; the parameter is the `sent` check below."""
    if "sent" in metafunc.fixturenames:
        metafunc.parametrize("sent", [MIN_REQUESTS], ids=[f"{MIN_REQUESTS}+ requests"], indirect=True)


@pytest.fixture
def sent(request):
    """Check that the operation's test really sent at least `MIN_REQUESTS` requests."""
    before = sum(REQUESTS.values())
    yield
    assert sum(REQUESTS.values()) - before >= request.param


@schema.parametrize()
# No example database (a run depends on the seed alone); no deadline on a shared machine. The
# `sent` fixture checks the whole test, not each example.
@settings(
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_the_api_keeps_its_documented_contract(case, sent):
    case.call_and_validate()


def test_every_route_is_an_operation_schemathesis_tests():
    rules = {
        rule.rule.replace("<resource_id>", "{id}")
        for rule in APP.url_map.iter_rules()
        if rule.rule.startswith(("/api/v1/", "/fhir/"))
    }
    methods = {label.split(" ", 1)[1] for label in OPERATIONS}
    assert methods == rules and len(OPERATIONS) == 5


def test_every_operation_got_requests(figures):
    """Runs after the fuzzing above (pytest keeps the file's order, and pytest -n, with
    --dist loadfile, runs a file on one worker); says what it did."""
    if not REQUESTS:
        pytest.skip("run with the Schemathesis tests above")
    paths = {"/api/v1/questions", "/api/v1/triage", "/api/v1/openapi.json", "/fhir/Questionnaire"}
    for path in paths:
        assert REQUESTS[path] >= MIN_REQUESTS, (path, REQUESTS[path])
    by_id = sum(n for path, n in REQUESTS.items() if path.startswith("/fhir/Questionnaire/"))
    assert by_id >= MIN_REQUESTS
    figures(
        f"Schemathesis {schemathesis.__version__}: {len(OPERATIONS)} operations, "
        f"{sum(REQUESTS.values())} requests in {CLOCK['wall_end'] - CLOCK['wall']:.1f} s "
        f"({CLOCK['cpu_end'] - CLOCK['cpu']:.1f} s CPU), seed {SEED}"
    )
