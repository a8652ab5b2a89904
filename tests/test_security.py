"""Security: headers on every response, cookies, proxies, size limits, and no answer leaks.

The canary tests send a distinctive value through every way in (form, API value, API key,
bad requests) and look for it everywhere it must not be: logs, headers, URLs, the session
cookie, and bodies other than the reply to the same client.
"""

from __future__ import annotations

import base64
import http.client as http_client
import io
import json
import logging
import re
import runpy
import socket
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from gunicorn_server import running
from helpers import TEST_CONFIG, csrf_token, token_in

from triage import PROJECT_ROOT, SHIPPED_RULES, StartupError, create_app
from triage.web import security

CONFIG = {**TEST_CONFIG, "RULES_FILE": str(SHIPPED_RULES), "AFTER_HOURS_PHONE": ""}
CANARY = "Zq7canaryXv93"
TEMPLATES = PROJECT_ROOT / "templates"


def valid_form(ruleset, token: str) -> dict:
    data = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    data.update({q.id: "" for q in ruleset.questions if q.number}, csrf_token=token)
    return data


def every_kind_of_response(client, ruleset):
    """(name, response) for each kind of page, API reply and refusal the app sends."""
    token = csrf_token(client)
    big = b'{"answers": {"fever": "' + b"x" * (70 * 1024) + b'"}}'
    responses = [
        ("start", client.get("/")),
        ("questions", client.get("/check")),
        ("result", client.post("/check", data=valid_form(ruleset, token))),
        ("form re-shown", client.post("/check", data={"csrf_token": token, "fever": "maybe"})),
        ("no CSRF token", client.post("/check", data=valid_form(ruleset, ""))),
        ("form too big", client.post("/check", data={"csrf_token": token, "x": "y" * 70_000})),
        ("not found", client.get("/nowhere")),
        ("wrong method", client.put("/check")),
        ("questions API", client.get("/api/v1/questions")),
        ("triage API", client.post("/api/v1/triage", json={"answers": {"fever": "yes"}})),
        ("API not JSON", client.post("/api/v1/triage", data="fever=yes")),
        ("API 422", client.post("/api/v1/triage", json={"answers": {"fever": "maybe"}})),
        ("API too big", client.post("/api/v1/triage", data=big, content_type="application/json")),
        ("API not found", client.get("/api/v1/nothing")),
        ("health", client.get("/healthz")),
        ("static", client.get("/static/site.css")),
        ("call mode", client.get("/call")),
        ("call result", client.post("/call", data=valid_form(ruleset, token))),
        ("call re-shown", client.post("/call", data={"csrf_token": token})),
        (
            "call FHIR download",
            client.post("/call/fhir", data={**valid_form(ruleset, token), "reference": "AB 1"}),
        ),
        ("rules sheet", client.get("/rules")),
        ("FHIR questionnaire", client.get("/fhir/Questionnaire")),
        ("triage API as FHIR", client.post("/api/v1/triage?format=fhir", json={"answers": {}})),
    ]
    for _, response in responses:
        response.get_data()  # buffer the body, then release the file behind a static response
        response.close()
    return responses


@pytest.fixture
def responses(client, ruleset):
    return every_kind_of_response(client, ruleset)


def test_each_kind_of_response_has_the_expected_status(responses):
    statuses = {name: response.status_code for name, response in responses}
    assert statuses == {
        "start": 200,
        "questions": 200,
        "result": 200,
        "form re-shown": 400,
        "no CSRF token": 400,
        "form too big": 413,
        "not found": 404,
        "wrong method": 405,
        "questions API": 200,
        "triage API": 200,
        "API not JSON": 415,
        "API 422": 422,
        "API too big": 413,
        "API not found": 404,
        "health": 200,
        "static": 200,
        "call mode": 200,
        "call result": 200,
        "call re-shown": 400,
        "call FHIR download": 200,
        "rules sheet": 200,
        "FHIR questionnaire": 200,
        "triage API as FHIR": 200,
    }


def test_every_response_carries_the_security_headers(responses):
    for name, response in responses:
        headers = response.headers
        assert headers["Content-Security-Policy"] == security.CONTENT_SECURITY_POLICY, name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["X-Frame-Options"] == "DENY", name
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in headers["Permissions-Policy"], name
        assert "Strict-Transport-Security" not in headers, f"{name}: HSTS over plain HTTP"


def test_every_response_but_static_files_is_kept_out_of_caches(responses):
    for name, response in responses:
        if name == "static":
            assert "no-store" not in response.headers.get("Cache-Control", "")
        else:
            assert response.headers["Cache-Control"] == "no-store", name


def test_the_content_security_policy_is_strict():
    directives = dict(part.split(" ", 1) for part in security.CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in security.CONTENT_SECURITY_POLICY
    assert not {"script-src", "style-src"} & set(directives), "must not loosen default-src"


# A script must be a file from /static (<script src=...></script>); nothing inline.
INLINE = re.compile(
    r"<script\b(?![^>]*\ssrc=)|<script\b[^>]*>(?!\s*</script>)|<style|\sstyle\s*="
    r"|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_templates_have_no_inline_script_or_style(template):
    """The CSP forbids inline script and style, so a template using them would break."""
    assert not INLINE.findall((TEMPLATES / template).read_text("utf-8"))


@pytest.mark.parametrize(
    "markup, inline",
    [
        ('<script src="/static/copy.js" defer></script>', False),
        ("<script>alert(1)</script>", True),
        ('<script src="/static/a.js">alert(1)</script>', True),
        ('<p style="color: red">', True),
        ('<button onclick="go()">', True),
        ("<style>p {}</style>", True),
        ('<p class="x">', False),
    ],
)
def test_the_inline_check_tells_files_from_inline_code(markup, inline):
    assert bool(INLINE.findall(markup)) is inline


def test_rendered_pages_have_no_inline_script_or_style_and_load_nothing_from_elsewhere(responses):
    for name, response in responses:
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        assert not INLINE.findall(page), name
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert not re.match(r"[a-z]+:", url) or url.startswith("tel:"), (name, url)
            assert not url.startswith("//"), (name, url)


def test_every_form_posts_so_answers_never_go_into_a_url(responses):
    forms = 0
    for name, response in responses:
        for form in re.findall(r"<form\b[^>]*>", response.get_data(as_text=True)):
            forms += 1
            assert re.search(r'method="post"', form, re.IGNORECASE), (name, form)
    assert forms


def test_answers_in_a_query_string_are_ignored(client, ruleset):
    first = [ruleset.question(q) for q in ruleset.steps[0].questions]
    query = "&".join(f"{q.id}={q.values[-1]}" for q in first if not q.number)
    response = client.get(f"/check?{query}&step=2&go=next&csrf_token=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Step 1 of " in page and "checked" not in page


# --- HTTPS, cookies and proxies ---


def session_cookie(response):
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(cookies) == 1
    return cookies[0]


def test_the_session_cookie_is_httponly_and_samesite_and_secure_only_over_https(app):
    plain = session_cookie(app.test_client().get("/check"))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = session_cookie(app.test_client().get("/check", base_url="https://localhost"))
    assert "HttpOnly" in secure and "SameSite=Lax" in secure and "Secure" in secure


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_x_forwarded_proto_is_ignored_without_a_configured_proxy(client):
    response = client.get("/check", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in session_cookie(response)


def test_x_forwarded_proto_is_honoured_with_flask_proxy_fix():
    client = create_app({**CONFIG, "PROXY_FIX": 1, "TRUSTED_HOSTS": "localhost"}).test_client()
    response = client.get("/check", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in session_cookie(response)
    assert "Strict-Transport-Security" not in client.get("/").headers


def https_post(client, ruleset, **headers):
    """Post valid answers over HTTPS the way a browser with `no-referrer` does: no Referer."""
    token = csrf_token(client, base_url="https://localhost")
    return client.post(
        "/check", data=valid_form(ruleset, token), base_url="https://localhost", headers=headers
    )


def test_an_https_form_post_without_a_referer_works(client, ruleset):
    response = https_post(client, ruleset, **{"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200 and "No warning signs" in response.get_data(as_text=True)
    response = https_post(client, ruleset)  # a browser without Fetch Metadata
    assert response.status_code == 200 and "No warning signs" in response.get_data(as_text=True)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_form_post_from_another_site_is_refused(client, ruleset, site):
    response = https_post(client, ruleset, **{"Sec-Fetch-Site": site})
    assert response.status_code == 400
    assert "Your answers were not sent" in response.get_data(as_text=True)


def test_the_api_may_be_called_from_another_site(client):
    response = client.post("/api/v1/triage", json={"answers": {}}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


def test_an_https_form_post_works_behind_a_proxy(ruleset):
    client = create_app({**CONFIG, "PROXY_FIX": 1, "TRUSTED_HOSTS": "localhost"}).test_client()
    https = {"X-Forwarded-Proto": "https"}
    token = csrf_token(client, headers=https)
    # The cookie is Secure, so the test client (at http://localhost) would not send it back.
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value)
    response = client.post("/check", data=valid_form(ruleset, token), headers=https)
    assert response.status_code == 200 and "No warning signs" in response.get_data(as_text=True)


@pytest.mark.parametrize("value, count", [(0, 0), ("0", 0), ("", 0), (None, 0), (1, 1), ("2", 2)])
def test_the_proxy_count_is_read_from_the_setting(value, count):
    assert security.proxy_count(value) == count


@pytest.mark.parametrize("value", [True, "yes", -1, "-1", 6, "1.5", [1]])
def test_a_wrong_proxy_count_stops_the_app_with_a_plain_message(value):
    with pytest.raises(StartupError, match="FLASK_PROXY_FIX must be the number of reverse proxies"):
        create_app({**CONFIG, "PROXY_FIX": value, "TRUSTED_HOSTS": "localhost"})


def test_flask_proxy_fix_from_the_environment(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "test-secret-key-0123456789")
    monkeypatch.setenv("FLASK_PROXY_FIX", "1")
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", "pumpcheck.example.org")
    assert create_app().extensions["pump_check_proxies"] == 1


# --- Size limits ---


def test_the_api_refuses_a_body_over_64_kb_with_413_json(client):
    body = json.dumps({"answers": {"fever": "no", "x": "y" * (64 * 1024)}})
    response = client.post("/api/v1/triage", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json and response.get_json()["errors"][0]["message"]


def test_the_api_accepts_a_body_just_under_the_limit(client):
    padding = " " * (64 * 1024 - 40)
    body = '{"answers": {"fever": "no"}}' + padding
    assert len(body) < 64 * 1024
    response = client.post("/api/v1/triage", data=body, content_type="application/json")
    assert response.status_code == 200


def test_an_oversized_form_post_gets_the_413_page(client):
    response = client.post("/check", data={"csrf_token": csrf_token(client), "fever": "x" * 70_000})
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "Too much was sent" in response.get_data(as_text=True)


def test_a_multipart_form_with_too_many_parts_is_refused(client, app):
    assert app.config["MAX_FORM_PARTS"] == 200
    data = {f"field{i}": "x" for i in range(250)}
    data["csrf_token"] = csrf_token(client)
    response = client.post("/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def chunked(client, path: str, body: bytes, content_type: str):
    """Post `body` as a server passes on a chunked request: no Content-Length, stream terminated."""
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


@pytest.mark.parametrize("size, status", [(100, 200), (64 * 1024 - 1, 200), (64 * 1024 + 1, 413)])
def test_a_chunked_api_body_is_held_to_the_same_limit(client, size, status):
    body = b'{"answers": {"fever": "yes"}}'
    response = chunked(client, "/api/v1/triage", body.ljust(size), "application/json")
    assert response.status_code == status
    assert response.is_json and (status == 413) == ("errors" in response.get_json())


def test_a_chunked_form_over_the_limit_gets_the_413_page(client):
    body = f"csrf_token={csrf_token(client)}&fever=".encode() + b"x" * (64 * 1024)
    response = chunked(client, "/check", body, "application/x-www-form-urlencoded")
    assert response.status_code == 413 and "Too much was sent" in response.get_data(as_text=True)


def test_form_limits_are_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 64 * 1024


# --- The canary: an answer must never leak ---


def decoded_session(response) -> str:
    """The session cookie's payload (it is signed, not encrypted, so anyone can read it)."""
    texts = []
    for header in response.headers.getlist("Set-Cookie"):
        value = header.split(";", 1)[0].split("=", 1)[1]
        payload = value.lstrip(".").split(".")[0]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        texts.append((zlib.decompress(raw) if value.startswith(".") else raw).decode())
    return " ".join(texts)


def canary_requests(client, ruleset):
    """Send the canary every way a client can; return (name, response, may echo to sender)."""
    token = csrf_token(client)
    form = valid_form(ruleset, token)
    sent = []

    def send(name, response, echo_ok=False):
        sent.append((name, response, echo_ok))

    send("form: choice value", client.post("/check", data={**form, "fever": CANARY}))
    # The days are chosen in bands: a number that is not one is refused, never shown again.
    send("form: number value", client.post("/check", data={**form, "days_since_surgery": CANARY}))
    send("form: unknown field", client.post("/check", data={**form, CANARY: CANARY}))
    send("form: valid answers plus canary", client.post("/check", data={**form, "x": CANARY}))
    send("form: bad CSRF token", client.post("/check", data={**form, "csrf_token": CANARY}))
    send("form: oversized", client.post("/check", data={**form, "fever": CANARY * 6000}))
    send(
        "form: multipart",
        client.post("/check", data={**form, "fever": CANARY}, content_type="multipart/form-data"),
    )
    api = "/api/v1/triage"
    # The API's 422 says which value was wrong to the client that sent it (see README, Security).
    send("API: value", client.post(api, json={"answers": {"fever": CANARY}}), echo_ok=True)
    send("API: number", client.post(api, json={"answers": {"days_since_surgery": CANARY}}))
    send("API: unknown key", client.post(api, json={"answers": {CANARY: "yes"}}), echo_ok=True)
    send("API: unknown top-level key", client.post(api, json={CANARY: {}}), echo_ok=True)
    send("API: valid answers, extra value", client.post(api, json={"answers": {"fever": "no", "x": CANARY}}))
    send(
        "API: repeated key",
        client.post(
            api, data=f'{{"answers": {{"{CANARY}": 1, "{CANARY}": 2}}}}', content_type="application/json"
        ),
        echo_ok=True,
    )
    send("API: not JSON", client.post(api, data=f'{{"answers": {CANARY}', content_type="application/json"))
    send("API: wrong content type", client.post(api, data=f"fever={CANARY}"))
    send("API: as a form", client.post(api, data={"fever": CANARY}))
    send("API: oversized", client.post(api, json={"answers": {"fever": CANARY * 6000}}))
    send("API: answers not an object", client.post(api, json={"answers": [CANARY]}))
    send(
        "API as FHIR: value",
        client.post(api + "?format=fhir", json={"answers": {"fever": CANARY}}),
        echo_ok=True,
    )
    # Call mode: the nurse's patient reference is shown in the chart note on the result page.
    send("call: reference", client.post("/call", data={**form, "reference": CANARY}), echo_ok=True)
    send("call: choice value", client.post("/call", data={**form, "fever": CANARY}))
    send("call: FHIR download", client.post("/call/fhir", data={**form, "x": CANARY}))
    return sent


def test_the_canary_never_leaks(client, ruleset, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    sent = canary_requests(client, ruleset)
    assert len(sent) == 22
    for name, response, echo_ok in sent:
        assert 200 <= response.status_code < 500, name
        assert response.headers["Cache-Control"] == "no-store", name
        assert CANARY not in str(response.headers), f"{name}: canary in a header"
        assert CANARY not in decoded_session(response), f"{name}: canary in the session cookie"
        assert CANARY not in response.request.url, f"{name}: canary in the URL"
        body = response.get_data(as_text=True)
        if not echo_ok:
            assert CANARY not in body, f"{name}: canary in the body"
    echoed = {name for name, response, _ in sent if CANARY in response.get_data(as_text=True)}
    assert "API: value" in echoed  # the echo check can fail
    assert CANARY not in caplog.text
    assert all(CANARY not in str(record.args) for record in caplog.records)
    out, err = capfd.readouterr()
    assert CANARY not in out + err


def test_the_canary_check_would_see_a_logged_answer(client, caplog):
    """The log scan above is real: an answer that is logged is caught."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("triage").debug("answers: %s", {"fever": CANARY})
    assert CANARY in caplog.text


def test_a_crash_while_answering_logs_no_answers(app, ruleset, caplog, capfd, monkeypatch):
    """Even an unexpected error shows the 500 page and logs the traceback without the answers."""
    from triage import engine

    def broken(ruleset, answers):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(engine, "evaluate", broken)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    token = csrf_token(client)
    form = client.post("/check", data={**valid_form(ruleset, token), "x": CANARY})
    api = client.post("/api/v1/triage", json={"answers": {"fever": "no"}, "x": CANARY})
    api_ok = client.post("/api/v1/triage", json={"answers": {"fever": "no"}})
    assert form.status_code == 500 and api_ok.status_code == 500 and api.status_code == 422
    assert "the engine broke" in caplog.text  # the fault itself is logged, loudly
    assert form.headers["Cache-Control"] == "no-store"
    assert CANARY not in caplog.text + "".join(capfd.readouterr())


def test_the_templates_folder_is_the_one_checked():
    assert Path(create_app(CONFIG).template_folder) == TEMPLATES


# --- The real server: gunicorn's logs and its handling of bodies ---


def http(base: str, method: str, path: str, body=None, headers: dict | None = None):
    """One request with http.client (which can send chunked bodies); returns (status, headers, body)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http_client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(
            method,
            path,
            body=body,
            headers=headers or {},
            encode_chunked=not isinstance(body, bytes | str | None),
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_gunicorn_logs_hold_no_answers_and_refuse_big_chunked_bodies(tmp_path, ruleset):
    with running(tmp_path, GUNICORN_LOGLEVEL="debug") as (base, _, log):
        status, headers, page = http(base, "GET", f"/check?fever={CANARY}")
        assert status == 200 and CANARY not in page.decode()
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        token = token_in(page)
        form = {**valid_form(ruleset, token), "x": CANARY}
        form_headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        status, _, page = http(base, "POST", f"/check?{CANARY}=1", urlencode(form), form_headers)
        assert status == 200 and "No warning signs" in page.decode()
        status, _, _ = http(base, "POST", "/check", urlencode({**form, "fever": CANARY}), form_headers)
        assert status == 400
        api = {"Content-Type": "application/json"}
        for answers in ({"fever": CANARY}, {CANARY: "yes"}, {"fever": "no", "x": CANARY}):
            status, _, _ = http(base, "POST", "/api/v1/triage", json.dumps({"answers": answers}), api)
            assert status == 422
        status, _, _ = http(base, "POST", "/api/v1/triage", f"{{{CANARY}", api)
        assert status == 400
        chunks = iter([b'{"answers": {"fever": "', *[CANARY.encode() * 100] * 60, b'"}}'])
        status, headers, body = http(base, "POST", "/api/v1/triage", chunks, api)
        assert status == 413 and json.loads(body)["errors"], "a chunked body over 64 KB"
        chunks = iter([b'{"answers": ', b'{"fever": "yes"}}'])
        status, _, body = http(base, "POST", "/api/v1/triage", chunks, api)
        assert status == 200 and json.loads(body)["level"] == "urgent", "a small chunked body"
    output = log.read_text()
    assert '"POST /check HTTP/1.1" 200' in output  # the access log is on and was captured
    assert '"GET /check HTTP/1.1" 200' in output  # the path is logged, its query string is not
    assert CANARY not in output


def test_the_cookie_signer_follows_a_new_secret_key(app, client, ruleset):
    """The session's signer is built once, but a changed secret key (rotation) is seen."""
    form = valid_form(ruleset, csrf_token(client))
    first = app.session_interface.get_signing_serializer(app)
    assert app.session_interface.get_signing_serializer(app) is first
    assert client.post("/check", data=form).status_code == 200
    app.secret_key = "another-secret-key-0123456789"
    assert app.session_interface.get_signing_serializer(app) is not first
    # The cookie signed with the old key is no longer accepted, so the same post is refused.
    assert client.post("/check", data=form).status_code == 400


def raw_request(base: str, data: bytes) -> bytes:
    """Send bytes as they are (no client library would send these); return the status line."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        return connection.makefile("rb").readline()


BAD_REQUESTS = [  # each carries the canary in its request line, a header, or both
    f"GET /check?fever={CANARY} HTTP/1.1 x\r\nHost: localhost\r\n\r\n",
    f"GET /check?fever={CANARY} HTTP/9.9\r\nHost: localhost\r\n\r\n",
    f"G\x01T /check?fever={CANARY} HTTP/1.1\r\nHost: localhost\r\n\r\n",
    f"GET /check?fever={CANARY} HTTP/1.1\r\nBad {CANARY}: x\r\n\r\n",
    f"GET /check?fever={CANARY} HTTP/1.1\r\nX: a\x01{CANARY}\r\n\r\n",
    f"GET /check?fever={CANARY}{'x' * 3000} HTTP/1.1\r\nHost: localhost\r\n\r\n",
    f"GET /check?fever={CANARY} HTTP/1.1\r\n{'X-Many: 1' + chr(13) + chr(10)}" * 60 + "\r\n",
]


def test_gunicorn_error_log_holds_no_address_or_request_line_and_no_line_is_forged(tmp_path):
    """Issue 12, findings 5 and 6: with every request gunicorn refuses, and a path with CR LF."""
    with running(tmp_path, GUNICORN_LOGLEVEL="debug") as (base, _, log):
        for request in BAD_REQUESTS:
            assert raw_request(base, request.encode("latin-1")).startswith(b"HTTP/1.1 ")
        forged = raw_request(base, b"GET /x%0D%0AINJECTED-LINE%0D%0A HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert forged.startswith(b"HTTP/1.1 404")
        deadline = time.monotonic() + 10
        while log.read_text().count("Invalid request refused") < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
    output = log.read_text()
    assert output.count("Invalid request refused") >= 5, output  # the refusals were logged
    assert CANARY not in output
    assert "ip=" not in output
    addresses = [line for line in output.splitlines() if "127.0.0.1" in line]
    assert all("Listening at" in line or "bind:" in line for line in addresses), addresses
    assert not any(line.startswith("INJECTED-LINE") for line in output.splitlines())
    assert r'"GET /x\r\nINJECTED-LINE\r\n HTTP/1.1" 404' in output  # logged, on its own line


@pytest.mark.parametrize(
    "message, args, logged",
    [
        ("Error handling request %s", (f"/check?fever={CANARY}",), "Error handling request /check"),
        (
            "Invalid request from ip=203.0.113.9: Invalid HTTP request line: 'GET /?a=1'",
            (),
            "Invalid request refused: Invalid HTTP request line",
        ),
        ("Closing connection. %s", ("a\r\nforged",), r"Closing connection. a\r\nforged"),
    ],
)
def test_gunicorn_error_records_are_rewritten(message, args, logged):
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    record = logging.LogRecord("gunicorn.error", logging.ERROR, "", 0, message, args, None)
    assert settings["_PrivateErrors"]().filter(record) and record.getMessage() == logged
