"""gunicorn settings for production. gunicorn reads this file from the working directory:

    FLASK_SECRET_KEY=... FLASK_CARE_TEAM_PHONE=... .venv/bin/gunicorn

Each setting can be changed from the environment (see README, "Deployment"). Put a buffering
reverse proxy (nginx, see deploy/nginx.conf) in front: it terminates TLS and shields the sync
workers from slow clients.
"""

import os

wsgi_app = "wsgi:app"

# Only the reverse proxy should reach gunicorn: the default suits a proxy on this host (or use a
# unix socket, unix:/run/pump-check/gunicorn.sock); a proxy elsewhere needs a private address.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

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
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Which scheme a request came over is decided in one place, the app: FLASK_PROXY_FIX=<number of
# proxies> makes it trust X-Forwarded-Proto/-For (werkzeug ProxyFix). gunicorn's own header trust
# (secure_scheme_headers from the addresses in forwarded_allow_ips, 127.0.0.1 by default) is
# switched off so that the two cannot disagree.
secure_scheme_headers = {}

proc_name = "pump-check"


def when_ready(server):
    """Say loudly which rule set is in force, so a deploy can check it took the new file."""
    if server.cfg.preload_app:
        loaded = server.app.wsgi().extensions.get("pump_check")  # absent for benchmarks/floor.py
        if loaded is not None:
            ruleset = loaded.ruleset
            server.log.info("Pump Check ready: rules version %s (%s), %d rules",
                            ruleset.version, ruleset.digest, len(ruleset.rules))
