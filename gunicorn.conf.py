"""gunicorn settings for production. gunicorn reads this file from the working directory:

    FLASK_SECRET_KEY=... FLASK_CARE_TEAM_PHONE=... .venv/bin/gunicorn

Each setting can be changed from the environment (see README, "Deployment"). Put a buffering
reverse proxy (nginx, see deploy/nginx.conf) in front: it terminates TLS and shields the sync
workers from slow clients.
"""

import ipaddress
import logging
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "wsgi:app"

# Under gunicorn, patients use the app: it refuses to start without the care team's number
# (FLASK_CARE_TEAM_PHONE). Only for a try-out: FLASK_PRODUCTION=false.
os.environ.setdefault("FLASK_PRODUCTION", "true")

# Only the reverse proxy may reach gunicorn: its sync workers are shielded from slow clients by
# nginx (five clients sending a byte a second would hold all five workers; issue 12, finding 11).
# The default suits a proxy on this host (or a unix socket, unix:/run/pump-check/gunicorn.sock);
# a proxy elsewhere needs a private address. Any other address stops gunicorn at start-up.


def private_bind(value: str) -> str:
    """Return GUNICORN_BIND if only a proxy can reach it (unix socket, loopback, private net)."""
    for address in value.split():
        if address.startswith(("unix:", "fd://")):
            continue
        host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # [::ffff:0.0.0.0] listens on every IPv4 address (issue 25, L6)
        if host != "localhost" and (ip is None or not (ip.is_loopback or ip.is_private) or ip.is_unspecified):
            raise RuntimeError(
                f"GUNICORN_BIND={value!r}: gunicorn must listen only where the reverse proxy "
                "reaches it (127.0.0.1:PORT, unix:/path, or a private address), never on every "
                "address or a public one; see README, Deployment"
            )
    return value


bind = private_bind(os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"))

# The work is pure CPU (a form, ~40 rules, a template), so sync workers, two per core plus one.
# Sync workers close each connection after one request and must sit behind a buffering proxy.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1))
worker_class = "sync"

# Load the app (and the rule file) once in the master, before forking: with no secret key or an
# invalid rule file, gunicorn exits at once with our one-line message before it listens (fail
# closed) instead of booting and losing workers in a loop; and workers share the loaded rules.
# With preload, `kill -HUP` does NOT load a new rule file; see README "Deploying a new rule file".
preload_app = True

timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # a request takes milliseconds
graceful_timeout = 30

# Requests carry a short form or a small JSON body; the app itself caps bodies at 64 KB.
limit_request_line = 2048
limit_request_fields = 50
limit_request_field_size = 8190

# Logs never hold answers. Answers travel only in POST bodies, which gunicorn never logs, and the
# access log shows the path without its query string (%(U)s, never %(r)s or %(q)s), without the
# referrer, and without the client address (that a given address used a pump symptom checker is
# itself health information; the proxy may log addresses for abuse handling if the clinic decides).
# gunicorn's own error log would name the client address and repeat a bad request line with its
# query string; PrivateLogger (below) takes both out, and no line of either log can be forged.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Which scheme a request came over is decided in one place, the app: FLASK_PROXY_FIX=<number of
# proxies> makes it trust X-Forwarded-Proto/-For (werkzeug ProxyFix). gunicorn's own header trust
# (secure_scheme_headers from the addresses in forwarded_allow_ips, 127.0.0.1 by default) is
# switched off so that the two cannot disagree; so is its trust in SCRIPT_NAME and PATH_INFO
# headers (forwarder_headers): any local process, or anyone on a unix socket, could otherwise
# move the app's address under a prefix of its choosing (issue 25).
secure_scheme_headers = {}
forwarder_headers = ""

proc_name = "pump-check"


def when_ready(server):
    """Say loudly which rule set is in force, so a deploy can check it took the new file."""
    if server.cfg.preload_app:
        loaded = server.app.wsgi().extensions.get("pump_check")  # absent for benchmarks/floor.py
        if loaded is not None:
            ruleset = loaded.ruleset
            server.log.info(
                "Pump Check ready: rules version %s (%s), %d rules",
                ruleset.version,
                ruleset.digest,
                len(ruleset.rules),
            )


def printable(text: str) -> str:
    """Escape what could forge a log line or a field: control characters, quotes, backslashes.

    A quote and a backslash become \\x22 and \\x5C (as nginx writes them), never \\" : gunicorn
    escapes each quote of an access-log field again, and `\\\\"` would end the field (issue 25, L5).
    """
    return "".join(
        c if c.isprintable() and c not in '"\\' else (f"\\x{ord(c):02X}" if c in '"\\' else repr(c)[1:-1])
        for c in text
    )


class _PrivateErrors(logging.Filter):
    """Rewrite gunicorn's error-log records: no client address, no request line or query string."""

    # "Invalid request from ip=203.0.113.9: Invalid HTTP request line: 'GET /check?fever=...'"
    INVALID = re.compile(r"Invalid request from ip=[^:]*: ([^:'\"(]*)")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        invalid = self.INVALID.match(message)
        if invalid:
            message = f"Invalid request refused: {invalid.group(1).strip() or 'unreadable'}"
        elif message.startswith("Error handling request "):
            message = "Error handling request " + message[23:].split("?", 1)[0]
        record.msg, record.args = printable(message), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's logger, with the access log's fields escaped and the error log kept private."""

    def setup(self, cfg):
        super().setup(cfg)
        if not any(isinstance(f, _PrivateErrors) for f in self.error_log.filters):
            self.error_log.addFilter(_PrivateErrors())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "m", "H"):  # the decoded path could hold CR LF: one request, one line
            atoms[key] = printable(str(atoms[key] or "-"))
        return atoms


logger_class = PrivateLogger
