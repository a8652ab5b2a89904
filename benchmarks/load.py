"""Load benchmark: Pump Check under gunicorn, driven by wrk, beside a bare Flask floor.

    apt-get install -y wrk           # once
    .venv/bin/python benchmarks/load.py [--duration 10] [--rounds 3] [--connections 16]

Starts the app under gunicorn with the repository's gunicorn.conf.py on a free port of
127.0.0.1, and benchmarks/floor.py (a bare Flask page of the same size as the result page) under
the same settings. Then, in rounds, wrk drives each endpoint in turn: the start page, the result
page of a check walked to the end (its session cookie, fetched first), the API post, a page of the
check sent (its first page answered, a 303 to the next: a valid CSRF token and its cookie), and the
floor (and a floor of the next page's size). Rounds interleave the endpoints so that a busy
neighbour on a shared machine hurts them alike; the figures are the median over the rounds. Prints
requests/s, p50 and p99 latency per endpoint, and the result page's and the API's requests/s as a
share of the floor's (target: 70 % or more).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage import SHIPPED_RULES, rules  # noqa: E402

GUNICORN = Path(sys.executable).with_name("gunicorn")
LUA = Path(__file__).with_name("wrk.lua")
TARGET = 0.70

# A realistic check: fever and a stiff neck, "go to the emergency room now" with several warnings
# on the page.
ANSWERS = {
    "days_since_surgery": 20,
    "fever": "yes",
    "site_pain": "mild",
    "swelling": "none",
    "redness": "none",
    "drainage": "none",
    "wound_open": "no",
    "abdominal_pain": "none",
    "headache": "severe",
    "neck_pain": "stiff",
    "back_pain": "none",
    "confusion": "no",
    "muscle_weakness": "no",
    "numbness": "no",
    "spasticity": "no",
    "itching": "no",
    "breathing": "normal",
    "pump_alarm": "no",
}


def start_gunicorn(log: Path, app: str, workers: int | None, **env) -> tuple[subprocess.Popen, int]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "GUNICORN_"))
    }
    environment.update(
        FLASK_SECRET_KEY=secrets.token_hex(32),
        FLASK_CARE_TEAM_PHONE="555-0100",  # gunicorn.conf.py starts the app in production mode
        GUNICORN_BIND="127.0.0.1:0",
        GUNICORN_ACCESSLOG=str(log.with_suffix(".access")),
        **env,
    )
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    out = open(log, "wb")  # noqa: SIM115 (kept open for the server's life)
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), app],
        cwd=ROOT,
        env=environment,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)
        if port and "Booting worker" in text:
            time.sleep(1)  # let every worker boot
            return process, int(port.group(1))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(port: int, method: str, path: str, body: str | None = None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


FIELD = re.compile(r'<input type="(radio|checkbox)" id="[^"]*" name="([^"]+)" value="([^"]*)"')
FORM = "application/x-www-form-urlencoded"


class Visitor:
    """One browser's session cookie, kept from response to response."""

    def __init__(self, port: int):
        self.port, self.cookie = port, ""

    def send(self, method: str, path: str, form: dict | None = None):
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            headers["Content-Type"] = FORM
            body = urlencode(form, doseq=True)
        status, response_headers, page = request(self.port, method, path, body, headers)
        for header in response_headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";", 1)[0]
        return status, response_headers, page


def fields_of(page: bytes) -> dict[str, list[str]]:
    """A page's questions and checklists: name -> the values offered."""
    found: dict[str, list[str]] = {}
    for _, name, value in FIELD.findall(page.decode()):
        found.setdefault(name, []).append(value)
    return found


def chosen(ruleset, fields: dict[str, list[str]]) -> dict:
    """A page's answers from ANSWERS: a question's answer (a number: its band), the signs that
    give ANSWERS' answers, "None of these" for a checklist with none; else the first answer."""
    areas = {area.id: area for step in ruleset.steps for area in step.areas}
    answers = {}
    for name, values in fields.items():
        if name in areas:
            answers[name] = [
                sign.id
                for sign in areas[name].signs
                if (sign.sets and all(ANSWERS.get(q) == v for q, v in sign.sets))
                or any(
                    ANSWERS.get(q, ruleset.question(q).values[0]) != ruleset.question(q).values[0]
                    for q in sign.opens
                )
            ] or ["none"]
            continue
        want = ANSWERS.get(name)
        if isinstance(want, int):  # a number, asked in bands ("0-30")
            want = next((v for v in values if re.fullmatch(r"\d*-\d*", v) and in_band(want, v)), None)
        answers[name] = want if want in values else values[0]
    return answers


def in_band(number: int, band: str) -> bool:
    low, high = band.split("-")
    return (not low or number >= int(low)) and (not high or number <= int(high))


def prepare(port: int) -> dict[str, dict]:
    """Walk a check to its result as a browser does; check each request works once; return wrk
    settings (the cookies and CSRF token they need)."""
    ruleset = rules.load(SHIPPED_RULES)
    visitor = Visitor(port)
    status, _, page = visitor.send("GET", "/")
    assert status == 200, status
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.decode()).group(1)
    status, headers, _ = visitor.send("POST", "/check/new", {"csrf_token": token})
    assert status == 303, status
    first = headers["Location"]
    started = visitor.cookie  # the check started, nothing answered yet
    status, _, page = visitor.send("GET", first)
    mildest = {name: "none" if "none" in values else values[0] for name, values in fields_of(page).items()}
    step_body = urlencode({"csrf_token": token, **mildest}, doseq=True)
    address = first
    for _ in range(20):  # the realistic check, page by page, and past "Answer the remaining pages"
        if address != "/check/result":
            answers = {"csrf_token": token, **chosen(ruleset, fields_of(page))}
            status, headers, _ = visitor.send("POST", address, answers)
        elif b'action="/check/more"' in page:
            status, headers, _ = visitor.send("POST", "/check/more", {"csrf_token": token})
        else:
            break
        assert status == 303 and headers["Location"] != address, (address, status)
        address = headers["Location"]
        status, _, page = visitor.send("GET", address)
    result_page = {"WRK_METHOD": "GET", "WRK_COOKIE": visitor.cookie}
    api = {
        "WRK_METHOD": "POST",
        "WRK_BODY": json.dumps({"answers": ANSWERS}),
        "WRK_CONTENT_TYPE": "application/json",
    }
    digest = json.loads(request(port, "GET", "/healthz")[2])["rules_digest"]
    status, _, result = request(port, "GET", "/check/result", None, {"Cookie": visitor.cookie})
    # A result page shows the rules digest; a page of the check does not.
    assert status == 200 and digest.encode() in result and b'href="tel:911"' in result, (status, result[:300])
    status, _, answer = request(
        port, "POST", "/api/v1/triage", api["WRK_BODY"], {"Content-Type": "application/json"}
    )
    assert status == 200 and json.loads(answer)["level"] == "emergency", (status, answer)
    # A page of the check sent: the first page, each question's first answer, "None of these".
    step = {"WRK_METHOD": "POST", "WRK_BODY": step_body, "WRK_COOKIE": started, "WRK_CONTENT_TYPE": FORM}
    headers = {"Cookie": started, "Content-Type": FORM}
    status, headers, _ = request(port, "POST", first, step_body, headers)
    assert status == 303 and headers["Location"] not in (first, "/check/result"), (status, headers)
    status, _, step_page = request(port, "GET", headers["Location"], None, {"Cookie": started})
    assert status == 200 and b"csrf_token" in step_page, (status, step_page[:300])
    return {
        "start": {"WRK_METHOD": "GET"},
        "result": result_page,
        "api": api,
        "digest": digest,
        "result_bytes": len(result),
        "api_bytes": len(answer),
        "step": step,
        "step_path": first,
        "step_bytes": len(step_page),
    }


def run_wrk(port: int, path: str, settings: dict, args) -> dict:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(
        command, env={**os.environ, **settings}, capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(re.search(r"^RESULT (.*)$", output, re.M).group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[key] for key in ("connect", "read", "write", "status", "timeout"))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all endpoints (3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    with tempfile.TemporaryDirectory() as folder:
        app, app_port = start_gunicorn(Path(folder) / "app.log", "wsgi:app", args.workers)
        floor = None
        try:
            prepared = prepare(app_port)
            floor, floor_port = start_gunicorn(
                Path(folder) / "floor.log",
                "benchmarks.floor:app",
                args.workers,
                FLOOR_BYTES=str(prepared["result_bytes"]),
            )
            status, _, floor_page = request(floor_port, "GET", "/floor")
            assert status == 200
            workers = len(re.findall(r"Booting worker", (Path(folder) / "app.log").read_text()))
            targets = [
                ("start page  GET /", app_port, "/", prepared["start"]),
                ("result      GET /check/result", app_port, "/check/result", prepared["result"]),
                ("API post    POST /api/v1/triage", app_port, "/api/v1/triage", prepared["api"]),
                ("step        POST a page -> 303 next", app_port, prepared["step_path"], prepared["step"]),
                ("floor       GET /floor (bare Flask)", floor_port, "/floor", {"WRK_METHOD": "GET"}),
                (
                    "stepfloor   GET /floor/<step page size>",
                    floor_port,
                    f"/floor/{prepared['step_bytes']}",
                    {"WRK_METHOD": "GET"},
                ),
            ]
            load_before = os.getloadavg()
            print(
                f"gunicorn {workers} sync workers each; wrk -t{args.threads} -c{args.connections}, "
                f"{args.rounds} rounds x {args.duration} s per endpoint; result page "
                f"{prepared['result_bytes']} B, floor page {len(floor_page)} B, API answer "
                f"{prepared['api_bytes']} B"
            )
            print(
                f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} "
                f"{load_before[2]:.2f} on {os.cpu_count()} cores (machine shared)"
            )
            runs = {name: [] for name, *_ in targets}
            for round_number in range(args.rounds):
                order = targets[round_number % len(targets) :] + targets[: round_number % len(targets)]
                for name, port, path, settings in order:
                    runs[name].append(run_wrk(port, path, settings, args))
            load_after = os.getloadavg()
        finally:
            stop(app)
            if floor is not None:
                stop(floor)

    print(f"\n{'endpoint':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}  req/s per round")
    medians = {}
    for name, results in runs.items():
        rps = statistics.median(r["rps"] for r in results)
        p50 = statistics.median(r["p50_us"] for r in results) / 1000
        p99 = statistics.median(r["p99_us"] for r in results) / 1000
        errors = sum(r["errors"] for r in results)
        medians[name.split()[0]] = rps
        print(
            f"{name:<38} {rps:>8.0f} {p50:>8.1f} {p99:>8.1f} {errors:>7}  "
            + " ".join(f"{r['rps']:.0f}" for r in results)
        )
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    floor_rps = medians["floor"]
    ok = True
    for name in ("result", "API"):
        ratio = medians[name] / floor_rps
        ok &= ratio >= TARGET
        print(
            f"{name} / floor: {ratio:.0%} ({'meets' if ratio >= TARGET else 'BELOW'} the {TARGET:.0%} target)"
        )
    print(f"start page / floor: {medians['start'] / floor_rps:.0%}")
    print(f"page post / floor of the next page's size: {medians['step'] / medians['stepfloor']:.0%}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
