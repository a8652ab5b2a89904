"""Start the app under gunicorn with the repository's gunicorn.conf.py, for tests that need a
real server (access logs, chunked bodies, start-up refusal, reloading the rule file)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from triage import PROJECT_ROOT

SECRET = "test-secret-key-0123456789"


def server_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))
    }
    env.update(
        FLASK_SECRET_KEY=SECRET,
        FLASK_CARE_TEAM_PHONE="555-0100",
        GUNICORN_BIND="127.0.0.1:0",
        WEB_CONCURRENCY="1",
    )
    env.update(extra)
    return env


def start(log: Path, *args: str, **env):
    """Start gunicorn (logs to `log`); return the process."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(PROJECT_ROOT / "gunicorn.conf.py"),
        *args,
    ]
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=server_env(**env), stdout=out, stderr=subprocess.STDOUT
        )


def wait_for(log: Path, pattern: str, process=None, timeout: float = 30) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace"))
        if match:
            return match
        if process is not None and process.poll() is not None:
            raise AssertionError(f"gunicorn exited:\n{log.read_text()}")
        time.sleep(0.05)
    raise AssertionError(f"no {pattern!r} in the gunicorn log after {timeout}s:\n{log.read_text()}")


@contextmanager
def running(tmp_path: Path, *args: str, **env):
    """Yield (base_url, process, log) for a ready gunicorn; stop it afterwards."""
    log = tmp_path / "gunicorn.log"
    process = start(log, *args, **env)
    try:
        # The master loads the app and proves the rules before it listens: allow a busy machine.
        port = wait_for(log, r"Listening at: http://127\.0\.0\.1:(\d+)", process, 120).group(1)
        wait_for(log, r"Booting worker", process, 60)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while get(base + "/healthz")[0] != 200:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield base, process, log
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def get(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local test)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()
    except OSError:
        return 0, b""
