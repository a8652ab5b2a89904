"""Security: headers on every response, cookies, proxies, size limits, and no answer leaks.

The canary tests send a distinctive value through every way in (each kind of field on the
check's pages, API value, API key, bad requests) and look for it everywhere it must not be: logs,
the files the server writes, headers and redirects, URLs, the session cookie, and bodies other
than the reply to the same client. The session cookie does hold the answers of a check under
way (issue 21): it is tested to be HttpOnly, SameSite=Lax, Secure over HTTPS, for the browser
session only, and signed (a changed cookie is ignored), and a value that cannot be read is never
kept in it.
"""

from __future__ import annotations

import base64
import http.client as http_client
import io
import json
import logging
import re
import socket
import time
import zlib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from gunicorn_server import running
from helpers import TEST_CONFIG, csrf_token, gunicorn_settings, token_in
from walker import Walker, read, sign_reaching, signs_with_steps

from triage import PROJECT_ROOT, SHIPPED_RULES, StartupError, create_app
from triage.engine.model import Level
from triage.patient import given
from triage.web import security

CONFIG = {**TEST_CONFIG, "RULES_FILE": str(SHIPPED_RULES), "AFTER_HOURS_PHONE": ""}
CANARY = "Zq7canaryXv93"
TEMPLATES = PROJECT_ROOT / "templates"


def valid_form(ruleset, token: str) -> dict:
    """Call mode's form (every question on one page), each question at its first answer."""
    data = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    data.update({q.id: "" for q in ruleset.questions if q.number}, csrf_token=token)
    return data


def first_page(client) -> tuple[str, dict]:
    """Start the check as a browser does; return the first page's address and its form filled
    with the mildest answers and its token."""
    walker = Walker(client)
    page = walker.start()
    return page.address, {**walker.mildest(), "csrf_token": token_in(page.html)}


def every_kind_of_response(client, ruleset):
    """(name, response) for each kind of page, API reply and refusal the app sends."""
    first, form = first_page(client)
    token = form["csrf_token"]
    walker = Walker(client)
    walker.start()
    walker.through()
    big = b'{"answers": {"fever": "' + b"x" * (70 * 1024) + b'"}}'
    responses = [
        ("start", client.get("/")),
        ("resume", client.get("/check")),
        ("a page", client.get(first)),
        ("result", client.get("/check/result")),
        ("page sent", client.post(first, data=form)),
        ("page sent blank", client.post(first, data={"csrf_token": token})),
        ("page re-shown", client.get(first)),
        ("start again", client.post("/check/new", data={"csrf_token": token})),
        ("no CSRF token", client.post(first, data={**form, "csrf_token": ""})),
        ("form too big", client.post(first, data={"csrf_token": token, "x": "y" * 70_000})),
        ("not a form", client.post(first, json=form)),
        ("not found", client.get("/nowhere")),
        ("wrong method", client.put(first)),
        ("wrong method, a JSON body", client.post("/", json={"answers": {}})),  # 405 before 415
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
        "resume": 303,
        "a page": 200,
        "result": 200,
        "page sent": 303,
        "page sent blank": 303,
        "page re-shown": 400,
        "start again": 303,
        "no CSRF token": 400,
        "form too big": 413,
        "not a form": 415,
        "not found": 404,
        "wrong method": 405,
        "wrong method, a JSON body": 405,
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
    first, form = first_page(client)
    step = ruleset.steps[0]
    chosen = {q: ruleset.question(q).values[-1] for q in step.questions if not ruleset.question(q).number}
    chosen |= {area.id: area.signs[0].id for area in step.areas}
    assert chosen, "the first page asks something"
    query = urlencode({**chosen, "csrf_token": "x"})
    response = client.get(f"{first}?{query}")
    assert response.status_code == 200 and " checked" not in response.get_data(as_text=True)
    response = client.get(f"/check/result?{query}")  # nothing was answered: back to the first page
    assert response.status_code == 303 and response.headers["Location"] == first
    assert Walker(client).kept(ruleset) == given.Given()


# --- HTTPS, cookies and proxies ---


def session_cookie(response):
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(cookies) == 1
    return cookies[0]


def test_the_session_cookie_holding_the_answers_is_httponly_samesite_and_secure_over_https(app, ruleset):
    for base_url, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        cookies = [session_cookie(client.get("/", base_url=base_url))]
        token = token_in(client.get("/", base_url=base_url).get_data())
        started = client.post("/check/new", data={"csrf_token": token}, base_url=base_url)
        first = started.headers["Location"]
        walker = Walker(client)
        walker.page = read(first, client.get(first, base_url=base_url))
        sent = client.post(first, data={**walker.mildest(), "csrf_token": token}, base_url=base_url)
        assert sent.status_code == 303 and sent.headers["Location"] != first
        cookies.append(session_cookie(sent))  # this one holds the answers of the first page
        assert ruleset.steps[0].id in decoded_session(sent)
        for cookie in cookies:
            attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "path"} <= attributes and "samesite=lax" in cookie.lower()
            assert ("secure" in attributes) is secure, base_url
            assert not {"expires", "max-age"} & attributes, "the answers last the browser session only"


def test_a_changed_session_cookie_is_ignored_and_the_check_starts_afresh(client, ruleset):
    _, area, sign = sign_reaching(ruleset, Level.EMERGENCY, first_page=True)
    walker = Walker(client)
    walker.start()
    assert walker.send({**walker.mildest(), area: sign.id}).level == "emergency"
    value = client.get_cookie("session").value
    payload, signature = value.rsplit(".", 1)
    for changed in (
        payload + "." + signature[::-1],
        value.replace(value[1], "A" if value[1] != "A" else "B", 1),
    ):
        client.set_cookie("session", changed)
        page = walker.open("/check/result")
        assert page.address == f"/check/{ruleset.steps[0].id}" and not page.is_result
        assert all(not chosen for _, _, chosen in page.fields.values())
    client.set_cookie("session", value)  # the cookie as the app signed it still holds the check
    assert walker.open("/check/result").level == "emergency"


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_x_forwarded_proto_is_ignored_without_a_configured_proxy(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in session_cookie(response)


def test_x_forwarded_proto_is_honoured_with_flask_proxy_fix():
    client = create_app({**CONFIG, "PROXY_FIX": 1, "TRUSTED_HOSTS": "localhost"}).test_client()
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in session_cookie(response)
    assert "Strict-Transport-Security" not in client.get("/").headers


def https_post(client, fetch_site: str | None, **request):
    """Start the check over HTTPS and send its first page the way a browser with `no-referrer`
    does: no Referer; `fetch_site`: the Sec-Fetch-Site header it sends (None: a browser without
    Fetch Metadata, which sends none on any request)."""
    request.setdefault("base_url", "https://localhost")
    headers = request.pop("headers", {})
    ours = {**headers, "Sec-Fetch-Site": "same-origin"} if fetch_site else headers
    token = csrf_token(client, headers=ours, **request)
    started = client.post("/check/new", data={"csrf_token": token}, headers=ours, **request)
    assert started.status_code == 303, started.status_code
    first = started.headers["Location"]
    walker = Walker(client)
    walker.page = read(first, client.get(first, headers=ours, **request))
    data = {**walker.mildest(), "csrf_token": token}
    sent = {**headers, "Sec-Fetch-Site": fetch_site} if fetch_site else headers
    return first, client.post(first, data=data, headers=sent, **request)


@pytest.mark.parametrize("fetch_site", ["same-origin", None])
def test_an_https_form_post_without_a_referer_works(client, fetch_site):
    first, response = https_post(client, fetch_site)
    assert response.status_code == 303 and response.headers["Location"] not in (first, "/check/result")


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_form_post_from_another_site_is_refused(client, site):
    _, response = https_post(client, site)
    assert response.status_code == 400
    assert "Your answers were not sent" in response.get_data(as_text=True)


def test_the_api_may_be_called_from_another_site(client):
    response = client.post("/api/v1/triage", json={"answers": {}}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


def test_an_https_form_post_works_behind_a_proxy():
    client = create_app({**CONFIG, "PROXY_FIX": 1, "TRUSTED_HOSTS": "localhost"}).test_client()
    https = {"X-Forwarded-Proto": "https"}
    first, response = https_post(client, None, base_url="http://localhost", headers=https)
    assert response.status_code == 303 and response.headers["Location"] not in (first, "/check/result")
    assert "Secure" in session_cookie(response)


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


def page_addresses(client, ruleset) -> dict[str, str]:
    """The addresses a form of the check posts to, for a browser that has one of each open:
    a page, a details page (a ticked sign's questions), start again, and the remaining pages."""
    opening = next((n, a, s) for n, _, a, s in signs_with_steps(ruleset) if s.opens and not s.sets)
    walker = Walker(client)
    walker.start()
    while opening[1] not in walker.page.fields:
        walker.send(walker.mildest())
    step = walker.page.address
    details = walker.send({**walker.mildest(), opening[1]: opening[2].id}).address
    assert details == f"{step}/details"
    return {"page": step, "details": details, "start again": "/check/new", "remaining": "/check/more"}


PAGE_POSTS = ["page", "details", "start again", "remaining"]


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_an_oversized_form_post_gets_the_413_page(client, ruleset, name):
    path = page_addresses(client, ruleset)[name]
    response = client.post(path, data={"csrf_token": csrf_token(client), "fever": "x" * 70_000})
    assert response.status_code == 413
    assert response.mimetype == "text/html" and "Too much was sent" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_a_multipart_form_with_too_many_parts_is_refused(client, app, ruleset, name):
    assert app.config["MAX_FORM_PARTS"] == 200
    path = page_addresses(client, ruleset)[name]
    data = {f"field{i}": "x" for i in range(250)}
    data["csrf_token"] = csrf_token(client)
    response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    small = {"csrf_token": data["csrf_token"], "field": "x"}  # a multipart form of a page's size is read
    assert client.post(path, data=small, content_type="multipart/form-data").status_code != 413


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


@pytest.mark.parametrize("name", PAGE_POSTS)
def test_a_chunked_form_over_the_limit_gets_the_413_page(client, ruleset, name):
    path = page_addresses(client, ruleset)[name]
    body = f"csrf_token={csrf_token(client)}&fever=".encode() + b"x" * (64 * 1024)
    response = chunked(client, path, body, "application/x-www-form-urlencoded")
    assert response.status_code == 413 and "Too much was sent" in response.get_data(as_text=True)


def test_a_small_chunked_form_is_read_whole(client):
    walker = Walker(client)
    page = walker.start()
    body = urlencode({**walker.mildest(), "csrf_token": token_in(page.html)}, doseq=True).encode()
    response = chunked(client, page.address, body, "application/x-www-form-urlencoded")
    assert response.status_code == 303 and response.headers["Location"] != page.address


def test_form_limits_are_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 64 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == 64 * 1024


# --- The canary: an answer must never leak ---


def decoded_session(response) -> str:
    """The session cookies' payload (signed, not encrypted, so anyone can read it)."""
    texts = []
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            texts.append(decoded(header.split(";", 1)[0].split("=", 1)[1]))
    return " ".join(texts)


def decoded(value: str) -> str:
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if value.startswith(".") else raw).decode()


def canary_requests(client, ruleset):
    """Send the canary every way a client can; return (name, response, may echo to sender).

    A post to a page of the check is followed as a browser follows it: the page it redirects
    to is checked too (a value that cannot be read is asked again, never shown or kept).
    """
    sent = []

    def send(name, response, echo_ok=False):
        sent.append((name, response, echo_ok))
        if response.status_code == 303:
            sent.append((f"{name}, then", client.get(response.headers["Location"]), echo_ok))

    walker = Walker(client)
    first = walker.start()
    page = {**walker.mildest(), "csrf_token": token_in(first.html)}
    radio = next(name for name, (kind, _, _) in first.fields.items() if kind == "radio")
    area = next(name for name, (kind, _, _) in first.fields.items() if kind == "checkbox")
    at = first.address
    send("page: choice value", client.post(at, data={**page, radio: CANARY}))
    send("page: checklist value", client.post(at, data={**page, area: [CANARY, "none"]}))
    send("page: choice sent twice", client.post(at, data={**page, radio: [page[radio], CANARY]}))
    send("page: unknown field", client.post(at, data={**page, CANARY: CANARY}))
    send("page: valid answers plus canary", client.post(at, data={**page, "x": CANARY}))
    send("page: bad CSRF token", client.post(at, data={**page, "csrf_token": CANARY}))
    send("page: oversized", client.post(at, data={**page, radio: CANARY * 6000}))
    send("page: multipart", client.post(at, data={**page, radio: CANARY}, content_type="multipart/form-data"))
    send(
        "page: JSON",
        client.post(at, json={**page, radio: CANARY}, headers={"X-CSRFToken": page["csrf_token"]}),
    )
    send("start again", client.post("/check/new", data={"csrf_token": page["csrf_token"], "x": CANARY}))
    walker.start()
    second = walker.send(walker.mildest())  # the next page: a number asked in bands, if any
    numbers = [name for name in second.fields if name in ruleset.questions_by_id]
    numbers = [name for name in numbers if ruleset.question(name).number] or numbers[:1]
    form = {**walker.mildest(), "csrf_token": token_in(second.html)}
    send("page: number value", client.post(second.address, data={**form, numbers[0]: CANARY}))
    send("remaining pages", client.post("/check/more", data={"csrf_token": form["csrf_token"], "x": CANARY}))
    form = valid_form(ruleset, page["csrf_token"])  # call mode's form
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
    assert len(sent) >= 30
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
    kept = decoded(client.get_cookie("session").value)
    assert '"check"' in kept and CANARY not in kept  # the answers kept, the canary never
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
    from triage.patient import flow

    def broken(ruleset, answers):
        raise RuntimeError("the engine broke")

    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    first, page = first_page(client)
    monkeypatch.setattr(engine, "evaluate", broken)
    monkeypatch.setattr(flow, "evaluate", broken)
    form = client.post(first, data={**page, "x": CANARY})
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


class Browser:
    """Just enough of a browser over http.client: it keeps the session cookie and follows 303s."""

    def __init__(self, base: str):
        self.base, self.cookie = base, ""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form, doseq=True)
        status, response_headers, page = http(self.base, method, path, body, headers)
        for header in response_headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        return status, response_headers, page.decode()

    def send(self, path: str, form: dict):
        """Post a form; return (status, address, page) of the page the post redirects to."""
        status, headers, _ = self.request("POST", path, form)
        assert status == 303, (path, status)
        address = headers["Location"]
        status, _, page = self.request("GET", address)
        return status, address, page


def test_gunicorn_logs_and_files_hold_no_answers_and_refuse_big_chunked_bodies(tmp_path, ruleset):
    with running(tmp_path, GUNICORN_LOGLEVEL="debug") as (base, _, log):
        browser = Browser(base)
        status, _, page = browser.request("GET", f"/?fever={CANARY}")
        assert status == 200 and CANARY not in page
        token = token_in(page)
        status, address, page = browser.send(f"/check/new?{CANARY}=1", {"csrf_token": token})
        assert status == 200 and CANARY not in page
        fields = read(address, FakeResponse(status, page)).fields
        radio = next(name for name, (kind, _, _) in fields.items() if kind == "radio")
        status, again, page = browser.send(address, {**mildest(fields), radio: CANARY, "csrf_token": token})
        assert (status, again) == (400, address) and CANARY not in page  # asked again, not shown
        for _ in range(20):
            status, address, page = browser.send(
                address, {**mildest(fields), "x": CANARY, "csrf_token": token}
            )
            assert status == 200 and CANARY not in page
            if address == "/check/result":
                break
            fields = read(address, FakeResponse(status, page)).fields
        assert ruleset.levels[Level.NONE].heading["en"] in page
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
    first = ruleset.steps[0].id
    assert f'"POST /check/{first} HTTP/1.1" 303' in output  # the access log is on and was captured
    assert '"POST /check/new HTTP/1.1" 303' in output  # the path is logged, its query string is not
    assert '"GET /check/result HTTP/1.1" 200' in output
    assert CANARY not in output
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert log in written and not [path for path in written if CANARY.encode() in path.read_bytes()]


class FakeResponse:
    """A page read over http.client, as walker.read() reads a test client's response."""

    def __init__(self, status: int, page: str):
        self.status_code, self.page = status, page

    def get_data(self, as_text: bool = False):
        return self.page


def mildest(fields: dict) -> dict:
    """Each question's first answer, "None of these" for each checklist (as Walker.mildest)."""
    return {name: "none" if kind == "checkbox" else values[0] for name, (kind, values, _) in fields.items()}


def test_a_new_secret_key_refuses_the_old_cookie_and_its_answers(app, client, ruleset):
    """A changed secret key (rotation) is seen at once: a cookie signed with the old key is no
    longer read, so its token is refused and its answers are gone. (The kept signer this test
    also covered went with issue 21: Flask builds it per request.)"""
    address, form = first_page(client)
    assert client.post(address, data=form).status_code == 303
    assert Walker(client).kept(ruleset).done == [ruleset.steps[0].id]
    app.secret_key = "another-secret-key-0123456789"
    assert client.post(address, data=form).status_code == 400
    assert Walker(client).open("/check/result").address == address  # the check starts afresh


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
    settings = gunicorn_settings()
    record = logging.LogRecord("gunicorn.error", logging.ERROR, "", 0, message, args, None)
    assert settings["_PrivateErrors"]().filter(record) and record.getMessage() == logged
