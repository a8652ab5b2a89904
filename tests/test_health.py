"""/healthz, and the real server: gunicorn refuses an invalid rule file, and a new rule file
is put into force only when it is valid (deploy/reload-rules.sh, gunicorn USR2)."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from gunicorn_server import get, running, server_env, start, wait_for
from helpers import SMALL_CASES, SMALL_RULES, gunicorn_settings

from triage import PROJECT_ROOT, SHIPPED_RULES, rules, safety

RELOAD = PROJECT_ROOT / "deploy" / "reload-rules.sh"
UNSAFE = PROJECT_ROOT / "tests" / "rules_unsafe" / "red_flag.yaml"  # valid, fails a proof
# What the reload and signal tests put in force: a small file and its cases (tests/helpers.py),
# proved in a blink by each gunicorn master and `rules verify` they start. What they prove is the
# mechanism; the shipped file is served by test_gunicorn_serves_the_shipped_rules_and_says_so.
SMALL = SMALL_RULES


def test_healthz_reports_ready_with_the_rules_in_force(client, ruleset):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ready",
        "rules_version": ruleset.version,
        "rules_digest": ruleset.digest,
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert client.head("/healthz").status_code == 200


@pytest.mark.parametrize(
    "broken",
    [
        None,
        lambda loaded: dataclasses.replace(loaded, ruleset=None),
        lambda loaded: dataclasses.replace(loaded, ruleset=dataclasses.replace(loaded.ruleset, rules=())),
        lambda loaded: dataclasses.replace(loaded, ruleset=dataclasses.replace(loaded.ruleset, digest="")),
        lambda loaded: dataclasses.replace(loaded, safety=None),  # never proved
        lambda loaded: dataclasses.replace(loaded, safety=safety.check(rules.load(UNSAFE))),  # failed
    ],
)
def test_healthz_is_not_ready_without_a_valid_rule_set(app, broken):
    app.extensions["pump_check"] = broken(app.extensions["pump_check"]) if broken else None
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "not ready"


def test_gunicorn_refuses_to_start_on_an_invalid_rule_file(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nquestions: []\n")
    log = tmp_path / "gunicorn.log"
    process = start(log, FLASK_RULES_FILE=str(bad))
    assert process.wait(timeout=60) != 0
    output = log.read_text()
    assert "Pump Check did not start: the rule file is not valid" in output
    assert f"{bad}:1:" in output
    assert "Listening at" not in output  # it never accepted a connection


def test_gunicorn_refuses_to_start_on_a_rule_file_that_fails_the_safety_proofs(tmp_path):
    log = tmp_path / "gunicorn.log"
    process = start(log, FLASK_RULES_FILE=str(UNSAFE))
    assert process.wait(timeout=120) != 0
    output = log.read_text()
    assert f"Pump Check did not start: the rule file {UNSAFE} is valid but not safe" in output
    assert "Red-flag floor: FAILED" in output
    assert "Listening at" not in output


def test_gunicorn_refuses_to_start_without_a_secret_key(tmp_path):
    log = tmp_path / "gunicorn.log"
    process = start(log, FLASK_SECRET_KEY="")
    assert process.wait(timeout=60) != 0
    assert "set FLASK_SECRET_KEY" in log.read_text()


def test_gunicorn_serves_the_shipped_rules_and_says_so(tmp_path):
    ruleset = rules.load(SHIPPED_RULES)
    with running(tmp_path) as (base, _, log):
        status, body = get(base + "/healthz")
        assert status == 200
        assert json.loads(body) == {
            "status": "ready",
            "rules_version": ruleset.version,
            "rules_digest": ruleset.digest,
        }
        assert f"Pump Check ready: rules version {ruleset.version} ({ruleset.digest})" in log.read_text()


def digest_served(base: str) -> str:
    return json.loads(get(base + "/healthz")[1])["rules_digest"]


def test_hup_does_not_load_a_new_rule_file_with_preload(tmp_path):
    """As gunicorn's docs say: with preload_app, HUP restarts workers from the loaded app."""
    live = tmp_path / "rules.yaml"
    shutil.copy(SMALL, live)
    old = rules.load(live).digest
    with running(tmp_path, FLASK_RULES_FILE=str(live)) as (base, process, log):
        live.write_text(live.read_text().replace('version: "', 'version: "new-', 1))
        process.send_signal(signal.SIGHUP)
        wait_for(log, r"Hang up: Master")
        wait_for(log, r"(?s)Hang up: Master.*Booting worker")
        assert digest_served(base) == old


def test_usr2_with_an_invalid_rule_file_leaves_the_old_rules_in_force(tmp_path):
    live = tmp_path / "rules.yaml"
    shutil.copy(SMALL, live)
    old = rules.load(live).digest
    with running(tmp_path, FLASK_RULES_FILE=str(live)) as (base, process, log):
        live.write_text("version: broken\n")
        process.send_signal(signal.SIGUSR2)
        wait_for(log, r"Pump Check did not start: the rule file is not valid")
        assert process.poll() is None
        assert digest_served(base) == old


def reload_rules(pidfile: Path, base: str, live: Path, new_file: Path, cases: Path, bin_dir=None, **env):
    """Run deploy/reload-rules.sh; `rules verify` uses the small file's cases, in verify-cases/
    beside the CASES file (see `deployed`)."""
    env = server_env(
        FLASK_RULES_FILE=str(live),
        PUMP_CHECK_BIN=str(bin_dir or Path(sys.executable).parent),
        PATH=os.environ["PATH"],
        **{"RELOAD_TIMEOUT": "240", "RULES_CASES": str(cases.parent / "verify-cases"), **env},
    )  # busy machine
    return subprocess.run(
        [str(RELOAD), str(pidfile), base, str(new_file), str(cases)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


CASE = (
    "- name: early fever\n  answers: {days_since_surgery: 5, fever: yes}\n"
    "  level: urgent\n  categories: [site_infection]\n"
)


@pytest.fixture
def deployed(tmp_path):
    """A gunicorn serving the small rules through FLASK_RULES_FILE (a plain file at first)."""
    store = tmp_path / "rules"
    store.mkdir()
    live = store / "current.yaml"
    shutil.copy(SMALL, live)
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASE)
    (tmp_path / "verify-cases").mkdir()
    (tmp_path / "verify-cases" / "cases.yaml").write_text(SMALL_CASES)
    pidfile = tmp_path / "gunicorn.pid"
    try:
        with running(tmp_path, "--pid", str(pidfile), FLASK_RULES_FILE=str(live)) as (base, process, _):
            yield base, process, live, cases, pidfile
    finally:
        stop_new_masters(pidfile)


def test_reload_rules_puts_a_valid_file_in_force_and_refuses_an_invalid_one(deployed, tmp_path):
    base, process, live, cases, pidfile = deployed
    old = rules.load(live).digest
    edited = tmp_path / "edited.yaml"
    good = SMALL.read_text()
    edited.write_text(good.replace("version:", "version: [", 1))
    refused = reload_rules(pidfile, base, live, edited, cases)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "RULES NOT CHANGED: the new rule file is not valid" in refused.stderr
    assert f'"rules_digest":"{old}"' in refused.stderr  # says loudly what is in force
    assert digest_served(base) == old and process.poll() is None

    edited.write_text(good.replace('version: "', 'version: "reloaded-', 1))
    new = rules.load(edited).digest
    done = reload_rules(pidfile, base, live, edited, cases)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f'"rules_digest":"{new}"' in done.stdout
    assert digest_served(base) == new
    process.wait(timeout=30)  # the old master has stopped; the new one owns the pidfile
    assert int(pidfile.read_text()) != process.pid
    # What is in force is a read-only copy named by its digest, and the link names it.
    copy = live.resolve()
    assert copy.name == f"rules-{hashlib.sha256(edited.read_bytes()).hexdigest()}.yaml"
    assert copy.read_bytes() == edited.read_bytes() and not copy.stat().st_mode & 0o222


def test_reload_rules_refuses_an_unsafe_file(deployed, tmp_path):
    base, process, live, cases, pidfile = deployed
    old = rules.load(live).digest
    refused = reload_rules(pidfile, base, live, UNSAFE, cases)
    assert refused.returncode == 1
    assert "Red-flag floor" in refused.stdout + refused.stderr
    assert "RULES NOT CHANGED: the new rule file is not valid or not safe" in refused.stderr
    assert digest_served(base) == old and not live.is_symlink()


def test_reload_rules_refuses_a_file_that_fails_rules_verify(deployed, tmp_path):
    """A file that fails `rules verify` (a rule lowered: its example cases no longer hold) is refused."""
    base, process, live, cases, pidfile = deployed
    old = rules.load(live).digest
    ruleset = rules.load(SMALL)
    text = SMALL.read_text("utf-8").replace('version: "', 'version: "unverified-', 1)
    rule = next(r for r in ruleset.rules if r.level.id == "urgent")
    lines = text.splitlines(keepends=True)
    at = next(i for i in range(rule.line - 1, len(lines)) if lines[i].strip() == "level: urgent")
    lines[at] = lines[at].replace("level: urgent", "level: soon")
    edited = tmp_path / "unverified.yaml"
    edited.write_text("".join(lines), "utf-8")
    refused = reload_rules(pidfile, base, live, edited, cases)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "does not pass `rules verify`" in refused.stderr
    assert digest_served(base) == old and process.poll() is None


def fake_flask(tmp_path: Path, after_test: str) -> Path:
    """A bin folder whose `flask` runs the real one, then runs `after_test` after `rules test`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    real = Path(sys.executable).parent
    (bin_dir / "python").symlink_to(real / "python")
    flask = bin_dir / "flask"
    flask.write_text(
        f'#!/bin/sh\n"{real}/flask" "$@"; status=$?\n'
        f'case "$*" in *"rules test"*) {after_test} ;; esac\nexit $status\n'
    )
    flask.chmod(0o755)
    return bin_dir


def test_a_file_changed_after_its_check_never_goes_live(deployed, tmp_path):
    """Issue 12, finding 3: the new master serves exactly the bytes that were checked."""
    base, process, live, cases, pidfile = deployed
    edited = tmp_path / "edited.yaml"
    checked = SMALL.read_text().replace('version: "', 'version: "checked-', 1)
    edited.write_text(checked)
    sneaked = checked.replace('version: "', 'version: "unchecked-', 1)
    (tmp_path / "sneaked.yaml").write_text(sneaked)
    bin_dir = fake_flask(tmp_path, f"cp '{tmp_path / 'sneaked.yaml'}' '{edited}'")
    done = reload_rules(pidfile, base, live, edited, cases, bin_dir)
    assert edited.read_text() == sneaked  # the file did change after its check
    expected = hashlib.sha256(checked.encode()).hexdigest()[:12]
    assert done.returncode == 0, done.stdout + done.stderr
    assert digest_served(base) == expected
    assert f'"rules_digest":"{expected}"' in done.stdout


def test_reload_rules_gives_up_on_a_check_that_hangs(deployed, tmp_path):
    base, process, live, cases, pidfile = deployed
    old = rules.load(live).digest
    bin_dir = fake_flask(tmp_path, "sleep 30")
    started = time.monotonic()
    refused = reload_rules(pidfile, base, live, SMALL, cases, bin_dir, RELOAD_TIMEOUT="3")
    assert time.monotonic() - started < 25
    assert refused.returncode == 1
    assert refused.stderr.startswith("RULES NOT CHANGED: ")
    assert "did not finish within 3s" in refused.stderr
    assert digest_served(base) == old


# Issue 25, M3 and L1: what the script copies into the store, and what it trusts there. These
# refusals come before any gunicorn is needed, so a stand-in answers /healthz for the script.

FAKE_DIGEST = "0123456789ab"


@pytest.fixture
def store(tmp_path):
    """(base_url, live link, store folder, cases): a stand-in app at base_url serves FAKE_DIGEST."""

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = json.dumps({"status": "ready", "rules_digest": FAKE_DIGEST}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folder = tmp_path / "rules"
    folder.mkdir()
    live = folder / "current.yaml"
    shutil.copy(SHIPPED_RULES, live)
    cases = tmp_path / "cases.yaml"
    cases.write_text(CASE)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", live, folder, cases
    finally:
        server.shutdown()
        server.server_close()


def store_entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name != "current.yaml")


def quick_flask(tmp_path: Path) -> Path:
    """A bin folder whose `flask` passes every check at once and notes what it was asked."""
    bin_dir = tmp_path / "quick-bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(Path(sys.executable).parent / "python")
    flask = bin_dir / "flask"
    flask.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path}/flask-calls.txt"\nexit 0\n')
    flask.chmod(0o755)
    return bin_dir


SECRET = "password: Zq7secretCanary42\ntoken: Zq7secretCanary42\n"


def test_reload_rules_refuses_a_link_at_the_clinics_path_and_copies_nothing(store, tmp_path):
    base, live, folder, cases = store
    secret = tmp_path / "secrets.yaml"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    link = tmp_path / "rules.yaml"
    link.symlink_to(secret)
    refused = reload_rules(tmp_path / "no.pid", base, live, link, cases)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"RULES NOT CHANGED: {link} is a symbolic link")
    assert "Zq7secretCanary42" not in refused.stdout + refused.stderr
    assert store_entries(folder) == []


def test_reload_rules_refuses_a_file_not_owned_by_the_expected_user(store, tmp_path):
    base, live, folder, cases = store
    other = str(os.getuid() + 4242)
    refused = reload_rules(tmp_path / "no.pid", base, live, SHIPPED_RULES, cases, RULES_OWNER=other)
    assert refused.returncode == 1
    assert f"is not owned by user {other} (RULES_OWNER): nothing was copied" in refused.stderr
    assert store_entries(folder) == []


def test_reload_rules_refuses_a_file_over_the_loaders_limit_before_copying(store, tmp_path):
    base, live, folder, cases = store
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as out:
        out.truncate(1024 * 1024 + 1)  # sparse: no megabyte is written
    refused = reload_rules(tmp_path / "no.pid", base, live, huge, cases)
    assert refused.returncode == 1
    assert "is 1048577 bytes; a rule file is at most 1048576 (1 MB): nothing was copied" in refused.stderr
    assert store_entries(folder) == []


def test_reload_rules_deletes_a_refused_copy_and_quotes_nothing_of_a_file_that_is_not_rules(store, tmp_path):
    base, live, folder, cases = store
    secret = tmp_path / "secrets.yaml"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    refused = reload_rules(tmp_path / "no.pid", base, live, secret, cases)
    assert refused.returncode == 1
    output = refused.stdout + refused.stderr
    assert "RULES NOT CHANGED: the new rule file is not valid" in refused.stderr
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    assert f"rules-{digest}.yaml:1: this is not a rule file: it has none of the keys" in output
    assert "Zq7secretCanary42" not in output and "password" not in output
    assert store_entries(folder) == []  # the refused copy is gone


def test_a_planted_store_entry_is_replaced_not_trusted(store, tmp_path):
    """L1: a link named rules-<digest>.yaml to a file an attacker can change later is never
    reused: the store holds the script's own read-only (0440) copy of the bytes it checked."""
    base, live, folder, cases = store
    new = tmp_path / "new.yaml"
    new.write_text(SHIPPED_RULES.read_text().replace('version: "', 'version: "planted-', 1))
    digest = hashlib.sha256(new.read_bytes()).hexdigest()
    theirs = tmp_path / "theirs.yaml"
    theirs.write_bytes(new.read_bytes())  # the same bytes today; the attacker's to edit later
    (folder / f"rules-{digest}.yaml").symlink_to(theirs)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    (folder / ".reload.lock").symlink_to(victim)  # once opened with `exec 9>`: truncated
    refused = reload_rules(tmp_path / "no.pid", base, live, new, cases, quick_flask(tmp_path))
    assert "no gunicorn master is running" in refused.stderr  # past the copy and the checks
    copy = folder / f"rules-{digest}.yaml"
    assert not copy.is_symlink() and copy.stat().st_uid == os.getuid()
    assert copy.stat().st_mode & 0o777 == 0o440 and copy.read_bytes() == new.read_bytes()
    assert f"rules verify {copy} " in (tmp_path / "flask-calls.txt").read_text()
    assert victim.read_text() == "keep me\n" and theirs.read_bytes() == new.read_bytes()


def test_only_one_reload_runs_at_a_time(store, tmp_path):
    base, live, folder, cases = store
    held = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = reload_rules(tmp_path / "no.pid", base, live, SHIPPED_RULES, cases)
    finally:
        os.close(held)
    assert refused.stderr.startswith("RULES NOT CHANGED: another reload is running.")
    assert store_entries(folder) == []


def stop_new_masters(pidfile: Path) -> None:
    """Stop any master a USR2 started (the test's own process is stopped by `running`)."""
    for file in (pidfile, pidfile.with_name(pidfile.name + ".2")):
        try:
            pid = int(file.read_text())
            os.kill(pid, signal.SIGTERM)
        except (OSError, ValueError):
            continue
        for _ in range(600):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"gunicorn master {pid} did not stop")


@pytest.mark.parametrize("bind", ["0.0.0.0:0", "[::]:0", "[::ffff:0.0.0.0]:0"])
def test_gunicorn_refuses_to_listen_where_clients_could_bypass_the_proxy(tmp_path, bind):
    """Issue 12, finding 11: only the proxy may reach the sync workers."""
    log = tmp_path / "gunicorn.log"
    process = start(log, GUNICORN_BIND=bind)
    assert process.wait(timeout=60) != 0
    output = log.read_text()
    assert "gunicorn must listen only where the reverse proxy reaches it" in output
    assert "Listening at" not in output


@pytest.mark.parametrize(
    "bind, allowed",
    [
        ("127.0.0.1:8000", True),
        ("unix:/run/pump-check/gunicorn.sock", True),
        ("[::1]:8000", True),
        ("10.0.0.12:8000", True),
        ("localhost:8000", True),
        ("[::ffff:127.0.0.1]:8000", True),
        ("[::ffff:10.0.0.12]:8000", True),
        ("0.0.0.0:8000", False),
        ("[::ffff:0.0.0.0]:8000", False),  # issue 25, L6: every IPv4 address
        ("[::ffff:8.8.8.8]:80", False),
        ("8.8.8.8:80", False),
        (":8000", False),
        ("pumpcheck.example.org:8000", False),
    ],
)
def test_the_bind_address_must_be_private(bind, allowed):
    settings = gunicorn_settings()
    if allowed:
        assert settings["private_bind"](bind) == bind
    else:
        with pytest.raises(RuntimeError, match="must listen only where the reverse proxy"):
            settings["private_bind"](bind)
