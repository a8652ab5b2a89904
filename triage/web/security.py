"""HTTP security on every response: headers, caching, the session cookie, and proxies.

A small `after_request` rather than Flask-Talisman: Talisman's last release (1.1.0) is from
August 2023 and declares nothing newer than Python 3.9; by default it redirects every request
to HTTPS, which behind a TLS-terminating proxy needs the very proxy settings this module makes
explicit anyway. What we need is a fixed set of headers, which fits in these few lines and is
pinned by tests/test_security.py.

Patient answers only ever travel in POST bodies and in the signed session cookie (never in an
address), and every response that is not a static file is sent with `Cache-Control: no-store`, so
no browser, proxy or CDN keeps a copy of a result.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, SecurityError, UnsupportedMediaType
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import SelectMultipleField
from wtforms.fields.core import UnboundField

from ..startup import StartupError
from .errors import error

# No script at all is served, and no inline style: everything comes from this host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Features a symptom checklist never needs; `()` means no origin, not even ours, may use them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

# Sent only on HTTPS responses: browsers ignore it over HTTP, and sending it there is misleading.
# No includeSubDomains: the clinic's other hosts are not ours to force onto HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with `Secure` set whenever the request came over HTTPS.

    The session holds the forms' CSRF token and the answers of a check under way (patient/
    store.py): in the person's own browser, for the browser session only, never on the server.
    """

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def proxy_count(value) -> int:
    """Read FLASK_PROXY_FIX: how many reverse proxies stand in front of the app (0 = none)."""
    text = "" if value is None else str(value).strip()
    if text == "":
        return 0
    if isinstance(value, bool) or not text.isdigit() or int(text) > 5:
        raise StartupError(
            "FLASK_PROXY_FIX must be the number of reverse proxies in front of the "
            f"app (0 to 5), not {value!r}"
        )
    return int(text)


NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
PLAIN = list(HEADERS.items())
SECURE = PLAIN + [("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)]
# (headers to add, names they replace) by (HTTPS?, static file?)
EXTRA = {
    (https, static): (headers, {name.lower() for name, _ in headers})
    for https in (False, True)
    for static in (False, True)
    for headers in [(SECURE if https else PLAIN) + ([] if static else NO_STORE)]
}


class SecurityHeaders:
    """WSGI middleware that adds the headers to every response the app sends.

    Plain list operations rather than an after_request on werkzeug's Headers, because it runs on
    every request: a whole API request took 267 µs instead of 299 µs (test client, CPU time).
    Wrapped inside ProxyFix, so `wsgi.url_scheme` is already the client's scheme.
    """

    def __init__(self, wsgi_app, static_url_path: str):
        self.wsgi_app = wsgi_app
        self.static_prefix = static_url_path.rstrip("/") + "/"

    def __call__(self, environ, start_response):
        # Results, re-shown forms, API answers and error pages: none may be kept anywhere, so
        # everything but a static file is sent with no-store.
        extra, replaced = EXTRA[
            environ.get("wsgi.url_scheme") == "https",
            environ.get("PATH_INFO", "").startswith(self.static_prefix),
        ]

        def start(status, headers, exc_info=None):
            headers[:] = [header for header in headers if header[0].lower() not in replaced]
            headers.extend(extra)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


# Names a request to this host itself may use (the health check and deploy scripts, `make run`).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def trusted_hosts(value, proxies: int) -> list[str]:
    """Read FLASK_TRUSTED_HOSTS: the host names patients use, by commas or spaces.

    Flask then answers 400 to any other `Host`, so no redirect or link can be built on a name an
    attacker sent. Loopback names are always trusted. Behind a proxy the names are required:
    without them every patient's request would be refused while /healthz (asked over loopback)
    said ready, so the app refuses to start instead.
    """
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    names = [str(name).strip().lower() for name in value or () if str(name).strip()]
    if proxies and not names:
        raise StartupError(
            "set FLASK_TRUSTED_HOSTS to the host name(s) patients use, e.g. "
            "pumpcheck.example.org: behind a proxy the app answers only to them"
        )
    return names + [name for name in LOOPBACK_HOSTS if name not in names]


def refuse_unknown_hosts():
    """Answer a request for a host name not in TRUSTED_HOSTS with a plain 400.

    Flask has already refused it (request.routing_exception), but with no URL adapter our error
    page, which builds links with url_for, cannot be drawn; and nothing should be built on that
    name anyway.
    """
    if isinstance(request.routing_exception, SecurityError):
        return current_app.response_class(
            "400 Bad Request: this server does not answer to that host name.\n", 400, mimetype="text/plain"
        )
    return None


def refuse_cross_site_posts():
    """Refuse a form post that the browser says came from another site (Fetch Metadata).

    This replaces Flask-WTF's HTTPS Referer check, which cannot work with
    `Referrer-Policy: no-referrer` (browsers then send no Referer, so every HTTPS post would be
    refused). Browsers without Fetch Metadata send no Sec-Fetch-Site; the CSRF token and the
    SameSite session cookie still protect them. The API is not cookie-based, so it is exempt.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or request.blueprint == "api":
        return
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        raise CSRFError("The form was sent from another site.")


def refuse_oversized_chunked_bodies():
    """Refuse a chunked body over MAX_CONTENT_LENGTH with 413, as a body with Content-Length is.

    Werkzeug reads a chunked body (no Content-Length) only up to the limit and silently drops
    the rest, so the app would see a truncated body and answer 400, or even accept it.
    """
    if "chunked" not in request.environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return  # the common case, checked first: this runs on every request
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is None or request.content_length is not None:
        return
    body = request.get_data(cache=True)  # at most `limit` bytes; the app reads this copy
    if len(body) >= limit and request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def refuse_non_form_posts():
    """Take only form bodies on the pages (issue 25, L4): a page's forms are HTML forms, and
    Flask-WTF would otherwise read a JSON body (its token in X-CSRFToken) with other rules for
    repeated keys, other encodings and values that are not text. The API takes JSON only."""
    if request.method == "POST" and request.blueprint != "api" and request.mimetype not in ("", *FORM_TYPES):
        raise UnsupportedMediaType()


def refuse_repeated_fields():
    """Refuse a staff page's post that sends one field twice (`fever=yes&fever=no`), as the API
    refuses a repeated JSON key: a browser never sends that for a one-answer question, and
    WTForms would silently keep the first value. Fields of a multi-answer kind may repeat. (The
    check's own pages read a repeated answer themselves: one that cannot be read is asked again,
    and the rest of the post still counts, so no advice is ever hidden behind a refusal.)
    """
    if request.method != "POST" or request.blueprint in ("api", "check"):
        return
    form = request.form
    repeated = [name for name, values in form.lists() if len(values) > 1]
    if repeated and set(repeated) - multi_value_fields(current_app):
        raise BadRequest("a field was sent more than once")


def multi_value_fields(app) -> frozenset[str]:
    """Return the names of fields, in any form class the app keeps, that may take several values.

    Worked out at the first post, once every blueprint has built its form class.
    """
    names = app.extensions.get("pump_check_multi_value_fields")
    if names is None:
        classes = [value for value in app.extensions.values() if isinstance(value, type)]
        names = frozenset(
            name
            for form_class in classes
            for name in dir(form_class)
            if isinstance(getattr(form_class, name), UnboundField)
            and issubclass(getattr(form_class, name).field_class, SelectMultipleField)
        )
        app.extensions["pump_check_multi_value_fields"] = names
    return names


def refuse_json_not_utf8():
    """Refuse a JSON body that is not UTF-8 (RFC 8259 section 8.1), before anything reads it.

    Python's json.loads(bytes) would also read UTF-16 and UTF-32; a NUL byte never occurs in UTF-8
    JSON text, and does in every ASCII character of those.
    """
    if request.method != "POST" or request.blueprint != "api" or not request.is_json:
        return  # the pages refuse any JSON body anyway (CSRF)
    body = request.get_data(cache=True)
    try:
        body.decode("utf-8")
        utf8 = b"\0" not in body
    except UnicodeDecodeError:
        utf8 = False
    if not utf8:
        return error(
            400,
            [{"field": None, "message": "the body is not UTF-8 text; send JSON encoded as UTF-8 (RFC 8259)"}],
        )
    return None


def routing_errors_first():
    """Answer a request no route takes (404, 405) before any check of its body: the checks
    below tell the API from the pages by the route's blueprint, and such a request has none (a
    JSON POST to GET-only /api/v1/questions was refused as a page's post that is not a form, 415,
    where what is wrong is the method)."""
    if request.routing_exception is not None:
        raise request.routing_exception


def init_app(app) -> None:
    """Add the headers; trust X-Forwarded-For/-Proto only from a configured number of proxies; add
    the checks. Call it before the views' init_app, so the checks run before Flask-WTF's CSRF check.
    """
    proxies = proxy_count(app.config.get("PROXY_FIX", 0))
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.static_url_path or "/static")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.extensions["pump_check_proxies"] = proxies
    app.session_interface = SessionInterface()
    app.config["WTF_CSRF_SSL_STRICT"] = False  # see refuse_cross_site_posts
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"), proxies)
    app.before_request(refuse_unknown_hosts)  # first: before anything reads the request
    app.before_request(routing_errors_first)
    app.before_request(refuse_oversized_chunked_bodies)
    app.before_request(refuse_cross_site_posts)
    app.before_request(refuse_non_form_posts)
    app.before_request(refuse_repeated_fields)
    app.before_request(refuse_json_not_utf8)
