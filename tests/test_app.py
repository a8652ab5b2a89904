"""The factory: configuration from the environment, and refusing to start (fail closed)."""

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime

import pytest
from conftest import PROJECT
from helpers import SMALL_RULES, TEST_CONFIG
from walker import Walker

from triage import SHIPPED_RULES, StartupError, create_app

SECRET = "a-real-secret-key-0123456789abcdef"


@pytest.fixture
def clean_env(monkeypatch):
    """Start from an environment with no FLASK_ settings at all."""
    for name in list(os.environ):
        if name.startswith("FLASK_"):
            monkeypatch.delenv(name)
    return monkeypatch


def env_app(clean_env, **settings):
    for name, value in settings.items():
        clean_env.setenv(f"FLASK_{name}", value)
    return create_app()


def test_defaults_from_an_almost_empty_environment(clean_env):
    app = env_app(clean_env, SECRET_KEY=SECRET)
    assert app.config["EMERGENCY_NUMBER"] == "911"
    assert app.config["RULES_FILE"] == str(SHIPPED_RULES)
    assert app.config["CARE_TEAM_NAME"] == "your care team"
    assert app.config["CARE_TEAM_PHONE"] == ""
    assert app.config["SECRET_KEY"] == SECRET


@pytest.mark.parametrize(
    "given",
    ["911", "112", "000", "5550100", "1.50", "1e3", "true", "null", "+1 555 0100", "(555) 010-0100", " 999 "],
)
def test_numbers_and_names_arrive_as_the_exact_text_given(clean_env, given):
    # from_prefixed_env parses JSON: 911 would become an int, 1.50 the float 1.5, true a bool.
    app = env_app(
        clean_env,
        SECRET_KEY=SECRET,
        EMERGENCY_NUMBER=given,
        CARE_TEAM_PHONE=given,
        AFTER_HOURS_PHONE=given,
        CARE_TEAM_NAME=given,
    )
    for key in ("EMERGENCY_NUMBER", "CARE_TEAM_PHONE", "AFTER_HOURS_PHONE", "CARE_TEAM_NAME"):
        assert app.config[key] == given.strip()
        assert type(app.config[key]) is str


def test_the_configured_numbers_reach_the_pages(clean_env):
    app = env_app(
        clean_env,
        SECRET_KEY=SECRET,
        EMERGENCY_NUMBER="112",
        CARE_TEAM_PHONE="5550100",
        CARE_TEAM_NAME="the Pump Clinic",
    )
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'href="tel:112"' in page and 'href="tel:5550100"' in page
    assert "The Pump Clinic" in page  # capitalised at the start, not lower-cased after it
    assert "911" not in page


def test_a_number_looking_secret_key_is_kept_as_text(clean_env):
    app = env_app(clean_env, SECRET_KEY="12345678901234567890")
    assert app.config["SECRET_KEY"] == "12345678901234567890"
    page = Walker(app.test_client()).start()  # the CSRF token and the answers can be signed
    assert page.status == 200 and page.fields


def test_rules_file_from_the_environment(clean_env, tmp_path):
    other = tmp_path / "clinic.yaml"  # a small file: a new one is proved anew (the shipped, 7 s)
    other.write_text(
        re.sub(
            r'^version: "[^"]+"', 'version: "clinic-7"', SMALL_RULES.read_text("utf-8"), count=1, flags=re.M
        ),
        "utf-8",
    )
    app = env_app(clean_env, SECRET_KEY=SECRET, RULES_FILE=str(other))
    assert app.extensions["pump_check"].ruleset.version == "clinic-7"


@pytest.mark.parametrize("secret", [None, "", "short", "               x", "0123456789abcde"])
def test_no_or_short_secret_key_refuses_to_start(secret):
    with pytest.raises(StartupError, match="FLASK_SECRET_KEY") as refused:
        create_app({**TEST_CONFIG, "SECRET_KEY": secret})
    assert "\n" not in str(refused.value)


def test_missing_secret_key_in_the_environment_refuses_to_start(clean_env):
    with pytest.raises(StartupError, match="set FLASK_SECRET_KEY"):
        create_app()


def test_empty_emergency_number_refuses_to_start(clean_env):
    with pytest.raises(StartupError, match="FLASK_EMERGENCY_NUMBER"):
        env_app(clean_env, SECRET_KEY=SECRET, EMERGENCY_NUMBER=" ")


def test_an_unknown_time_zone_refuses_to_start(clean_env):
    with pytest.raises(StartupError, match="FLASK_TIME_ZONE 'Mars/Olympus' is not a known"):
        env_app(clean_env, SECRET_KEY=SECRET, TIME_ZONE="Mars/Olympus")


@pytest.mark.parametrize(
    ("zone", "hour", "label", "offset"),
    [("UTC", "6:30 PM", "UTC", "+00:00"), ("America/Chicago", "12:30 PM", "CST", "-06:00")],
)
def test_results_and_chart_notes_use_the_clinics_time_zone(clean_env, monkeypatch, zone, hour, label, offset):
    import datetime as real

    class Frozen(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.datetime(2026, 11, 25, 18, 30, tzinfo=real.UTC).astimezone(tz)

    monkeypatch.setattr("triage.web.shared.datetime", Frozen)
    app = env_app(clean_env, SECRET_KEY=SECRET, TIME_ZONE=zone)
    walker = Walker(app.test_client())
    walker.start()
    page = walker.through().html.replace("\u202f", " ")
    hour_24 = datetime.strptime(hour, "%I:%M %p").strftime("%H:%M")
    assert f'<time datetime="2026-11-25T{hour_24}:00{offset}">November 25, 2026, {hour}</time>' in page
    app.config["WTF_CSRF_ENABLED"] = False
    ruleset = app.extensions["pump_check"].ruleset
    answers = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    call = app.test_client().post("/call", data={**answers, "reference": "AB 1"}).get_data(as_text=True)
    assert f"2026-11-25 {hour} {label}" in call


def broken_rules(tmp_path):
    """Copy the shipped rules with two mistakes; return the file and the mistakes' lines."""
    lines = SHIPPED_RULES.read_text("utf-8").splitlines()
    version = next(i for i, line in enumerate(lines) if line.startswith("version:"))
    lines.insert(version + 1, "colour: blue")
    level = next(i for i, line in enumerate(lines) if line.strip() == "level: urgent")
    lines[level] = lines[level].replace("urgent", "very_urgent")
    file = tmp_path / "broken.yaml"
    file.write_text("\n".join(lines) + "\n", "utf-8")
    return file, version + 2, level + 1


def test_invalid_rule_file_refuses_to_start_naming_file_and_lines(tmp_path):
    file, colour_line, level_line = broken_rules(tmp_path)
    with pytest.raises(StartupError) as refused:
        create_app({**TEST_CONFIG, "RULES_FILE": str(file)})
    message = str(refused.value)
    assert "no advice can be given" in message
    assert re.search(rf"{re.escape(str(file))}:{colour_line}: .*colour", message)
    assert re.search(rf"{re.escape(str(file))}:{level_line}: .*very_urgent", message)


def test_missing_rule_file_refuses_to_start(tmp_path):
    with pytest.raises(StartupError, match="does not exist"):
        create_app({**TEST_CONFIG, "RULES_FILE": str(tmp_path / "nowhere.yaml")})


# Production start-up, in real processes -------------------------------------------------------


def run_env(**settings) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLASK_")}
    env.update({f"FLASK_{name}": value for name, value in settings.items()})
    return env


BIN = os.path.dirname(sys.executable)


def test_importing_wsgi_without_a_secret_key_exits_with_one_line():
    done = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("Pump Check did not start: set FLASK_SECRET_KEY")


def test_gunicorn_without_a_secret_key_exits_at_once_with_one_line():
    gunicorn = shutil.which("gunicorn", path=BIN)
    started = time.monotonic()
    done = subprocess.run(
        [gunicorn, "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=PROJECT,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # gunicorn.conf.py loads the app in the master: no worker boot loop, no log lines.
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "Pump Check did not start: set FLASK_SECRET_KEY to a long random value (at least 16 "
        "characters), e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'"
    ]
    assert time.monotonic() - started < 30


def test_gunicorn_started_from_elsewhere_still_stops_instead_of_looping(tmp_path):
    # Without gunicorn.conf.py (started from another folder) the worker's exit code tells the
    # master that the app cannot load, so it stops too, after a few of its own log lines.
    gunicorn = shutil.which("gunicorn", path=BIN)
    done = subprocess.run(
        [gunicorn, "--chdir", str(PROJECT), "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=tmp_path,
        env=run_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stderr.count("Pump Check did not start: set FLASK_SECRET_KEY") == 1
    assert "App failed to load" in done.stderr


def test_gunicorn_with_a_broken_rule_file_exits_naming_file_and_line(tmp_path):
    file, colour_line, _ = broken_rules(tmp_path)
    gunicorn = shutil.which("gunicorn", path=BIN)
    done = subprocess.run(
        [gunicorn, "--bind", "127.0.0.1:0", "wsgi:app"],
        cwd=PROJECT,
        env=run_env(SECRET_KEY=SECRET, CARE_TEAM_PHONE="5550100", RULES_FILE=str(file)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stderr.startswith("Pump Check did not start: the rule file is not valid")
    assert f"{file}:{colour_line}: " in done.stderr
    assert "Booting worker" not in done.stderr


def test_gunicorn_serves_the_app_with_a_secret_key():
    """(With the small rule file: tests/test_health.py serves the shipped one under gunicorn.)"""
    gunicorn = shutil.which("gunicorn", path=BIN)
    server = subprocess.Popen(
        [gunicorn, "--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app"],
        cwd=PROJECT,
        env=run_env(SECRET_KEY=SECRET, CARE_TEAM_PHONE="5550100", RULES_FILE=str(SMALL_RULES)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = None
        for line in server.stderr:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            if found:
                port = found.group(1)
            if "Booting worker" in line:
                break
        assert port, "gunicorn did not say where it listens"
        from urllib.request import urlopen

        page, deadline = "", time.monotonic() + 60  # generous: CI may be a busy 2-core box
        while not page and time.monotonic() < deadline:
            try:
                with urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    page = response.read().decode()
            except OSError:
                time.sleep(0.2)
        assert "tel:5550100" in page and "tel:911" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()
