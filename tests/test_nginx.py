"""The shipped deploy/nginx.conf, run by Debian's nginx in front of gunicorn (issue 12).

Finding 1: CR LF in a path never becomes a header (the HTTP->HTTPS redirect used the decoded
path). Finding 12: static files carry the app's own security headers. Issue 10: text is
compressed and still never stored. And no log the deployment writes holds an answer or an address.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from gunicorn_server import running
from helpers import token_in
from nginx_server import SERVER_NAME, free_port, head_and_body, proxy, raw

from triage.web import security

CANARY = "Zq7nginxCanary42"
APP_ENV = {"FLASK_PROXY_FIX": "1", "FLASK_TRUSTED_HOSTS": SERVER_NAME}


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("deployment")
    with running(tmp_path, **APP_ENV) as (base, _, app_log):
        with proxy(tmp_path, base.removeprefix("http://")) as nginx:
            yield nginx, app_log


def get(
    port: int,
    path: str,
    *,
    tls: bool = True,
    host: str = SERVER_NAME,
    headers: str = "",
    method: str = "GET",
    body: bytes = b"",
):
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{headers}"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1") + body
    return head_and_body(raw(port, request, tls=tls))


@pytest.mark.parametrize(
    "path",
    [
        "/%0d%0aSet-Cookie:%20session=x;%20Path=/",
        "/%0aSet-Cookie:%20session=x",
        "/%0dSet-Cookie:%20session=x",
        "/a%0d%0a%0d%0a<html>body",
        "/check%0d%0aLocation:%20https://evil.example/",
    ],
)
def test_crlf_in_a_path_never_becomes_a_header(deployment, path):
    nginx, _ = deployment
    status, headers, _ = get(nginx.http_port, path, tls=False)
    assert status.split()[1] == "301"
    names = [name.lower() for name, _ in headers]
    assert "set-cookie" not in names and names.count("location") == 1
    location = dict((name.lower(), value) for name, value in headers)["location"]
    assert location == f"https://{SERVER_NAME}{path}"  # still percent-encoded
    status, headers, _ = get(nginx.https_port, path)  # and over HTTPS, through the app
    assert not any(name.lower() == "set-cookie" and "session=x" in value for name, value in headers)
    assert not any(name.lower() == "location" and "evil" in value for name, value in headers)


def test_the_redirect_keeps_neither_the_query_nor_the_clients_host(deployment):
    nginx, _ = deployment
    _, headers, _ = get(nginx.http_port, f"/check?fever={CANARY}", tls=False, host="evil.example")
    assert dict(headers)["Location"] == f"https://{SERVER_NAME}/check"


def test_a_foreign_host_is_refused_behind_the_proxy(deployment):
    nginx, _ = deployment
    status, _, _ = get(nginx.https_port, "/api//v1/questions", host="attacker.example")
    assert status.split()[1] == "400"
    status, headers, _ = get(nginx.https_port, "/api//v1/questions")
    assert status.split()[1] == "308" and dict(headers)["Location"].startswith(f"https://{SERVER_NAME}/")


def test_static_files_carry_the_apps_security_headers(deployment):
    nginx, _ = deployment
    status, headers, _ = get(nginx.https_port, "/static/site.css")
    assert status.split()[1] == "200"
    served = dict(headers)
    expected = {**security.HEADERS, "Strict-Transport-Security": security.STRICT_TRANSPORT_SECURITY}
    for name, value in expected.items():
        assert served.get(name) == value, name


@pytest.mark.parametrize("path", ["/rules", "/", "/api/v1/questions", "/static/site.css"])
def test_text_is_compressed_and_pages_are_still_never_stored(deployment, path):
    nginx, _ = deployment
    plain = get(nginx.https_port, path)
    status, headers, body = get(nginx.https_port, path, headers="Accept-Encoding: gzip\r\n")
    served = dict(headers)
    assert status.split()[1] == "200" and served.get("Content-Encoding") == "gzip"
    if "Transfer-Encoding" in served:  # chunked: undo it before gunzipping
        body = dechunk(body)
    unzipped = gzip.decompress(body)
    plain_body = dechunk(plain[2]) if "Transfer-Encoding" in dict(plain[1]) else plain[2]
    assert len(unzipped) == len(plain_body) and len(body) < len(unzipped) / 2
    assert unzipped[:100] == plain_body[:100]  # a page's CSRF token differs between two requests
    if not path.startswith("/static/"):
        assert served["Cache-Control"] == "no-store"


def dechunk(body: bytes) -> bytes:
    out = b""
    while True:
        size, _, rest = body.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            return out
        out, body = out + rest[:length], rest[length + 2 :]


def test_no_log_of_the_deployment_holds_an_answer_or_an_address(deployment):
    nginx, app_log = deployment
    status, headers, page = get(nginx.https_port, f"/?fever={CANARY}")
    cookie = dict(headers)["Set-Cookie"].split(";", 1)[0]
    form = f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    status, headers, _ = get(
        nginx.https_port,
        "/check/new",
        method="POST",
        body=f"csrf_token={token_in(page)}".encode(),
        headers=form,
    )
    assert status.split()[1] == "303"
    first = urlsplit(dict(headers)["Location"]).path  # the check's first page
    status, _, page = get(nginx.https_port, f"{first}?{CANARY}=1", headers=f"Cookie: {cookie}\r\n")
    assert status.split()[1] == "200"
    answers = f"csrf_token={token_in(page)}&fever={CANARY}&x={CANARY}".encode()
    status, _, _ = get(nginx.https_port, f"{first}?{CANARY}=1", method="POST", body=answers, headers=form)
    assert status.split()[1] in ("200", "303")
    body = json.dumps({"answers": {"fever": CANARY}}).encode()
    get(
        nginx.https_port,
        "/api/v1/triage",
        method="POST",
        body=body,
        headers="Content-Type: application/json\r\n",
    )
    get(nginx.http_port, f"/check?fever={CANARY}", tls=False)
    raw(nginx.https_port, f"GET /check?fever={CANARY} HTTP/1.1\r\nBad {CANARY}\r\n\r\n".encode(), tls=True)
    raw(nginx.http_port, f"GET /%0d%0aINJECTED HTTP/1.1\r\nHost: {SERVER_NAME}\r\n\r\n".encode())
    logs = nginx.logs() + app_log.read_text()
    assert not any(line.startswith("INJECTED") for line in logs.splitlines())  # paths are escaped
    assert "/check" in nginx.logs()  # the access log is written
    assert CANARY not in logs
    assert "client: " not in logs and "127.0.0.1:" not in nginx.logs()


def test_a_quote_in_a_path_cannot_end_the_logged_request_field(deployment):
    """Issue 25, L5: gunicorn escaped the quote that printable() had escaped, so
    `"GET /y\\" 200 INJ..."` ended the request field early. Each log escapes it once now."""
    nginx, app_log = deployment
    status, _, _ = get(nginx.https_port, "/y%22%20200%20INJLFIVE%5c%22%20x")
    assert status.split()[1] == "404"
    field = r'"GET ((?:[^"\\]|\\.)*) HTTP/1\.[01]" (\d{3}) '  # a quoted field as log readers split it
    for read in (app_log.read_text, nginx.logs):
        deadline = time.monotonic() + 10  # each server writes its line after answering
        while not (lines := [line for line in read().splitlines() if "INJLFIVE" in line]):
            assert time.monotonic() < deadline, read()[-2000:]
            time.sleep(0.05)
        [line] = lines
        path, logged_status = re.search(field, line).groups()
        assert path == r"/y\x22 200 INJLFIVE\x5C\x22 x" and logged_status == "404", line


@pytest.mark.parametrize("through_nginx", [False, True])
def test_a_script_name_header_never_moves_the_app(deployment, through_nginx):
    """Issue 25, note: gunicorn took SCRIPT_NAME (and PATH_INFO) from a header sent from
    127.0.0.1, so any local process could put the app under a prefix of its choosing."""
    nginx, app_log = deployment
    if through_nginx:
        port, tls, host = nginx.https_port, True, SERVER_NAME
    else:  # gunicorn itself, as a process on this host reaches it
        port = int(re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", app_log.read_text()).group(1))
        tls, host = False, "localhost"
    moved = "SCRIPT_NAME: /moved\r\nPATH_INFO: /moved/rules\r\n"
    status, _, body = get(port, "/moved/rules", tls=tls, host=host, headers=moved)
    assert status.split()[1] == "404"
    status, _, body = get(port, "/", tls=tls, host=host, headers=moved)
    assert status.split()[1] == "200" and b"/moved" not in body


def test_nginxs_own_413_carries_the_security_headers_and_says_whom_to_call(deployment):
    """Issue 25, note: a body over nginx's client_max_body_size got nginx's bare 413 page."""
    nginx, _ = deployment
    request = (
        f"POST /check HTTP/1.1\r\nHost: {SERVER_NAME}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 400000\r\n\r\n"
    ).encode()
    status, headers, body = head_and_body(raw(nginx.https_port, request, tls=True))
    assert status.split()[1] == "413"
    served = dict(headers)
    expected = {**security.HEADERS, "Strict-Transport-Security": security.STRICT_TRANSPORT_SECURITY}
    expected["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    for name, value in {**expected, "Cache-Control": "no-store"}.items():
        assert served.get(name) == value, name
    assert b"Too much was sent" in body and b"911" in body


def test_with_no_app_answering_the_page_says_whom_to_call_with_the_security_headers(tmp_path):
    """The 502-504 page nginx answers with itself carries the same headers as its 413 page."""
    with proxy(tmp_path, f"127.0.0.1:{free_port()}") as nginx:  # nothing listens there
        status, headers, body = get(nginx.https_port, "/check")
    assert status.split()[1] == "502"
    served = dict(headers)
    assert served.get("Cache-Control") == "no-store" and served.get("X-Frame-Options") == "DENY"
    assert served.get("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'"
    assert b"Pump Check is not available right now" in body and b"911" in body
