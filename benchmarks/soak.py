"""Soak: Pump Check under gunicorn at a steady request rate for 10 minutes; errors and memory.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--rate 200]

Starts the app under gunicorn (gunicorn.conf.py, a free port on 127.0.0.1) and sends requests
at a constant rate (open loop, like wrk2: each request is sent at its scheduled time whether or
not earlier ones have finished, and its latency counts from that time), a mix of the start page,
a page of the check, a page sent (a 303 to the next), the result page and the API post. Every
response is checked (status and a piece of its body or headers). Every 10 s it samples the
resident memory (VmRSS from /proc) of the gunicorn master and each worker. Prints a line a minute
and a summary; exits 1 on any error or if the workers' memory grew by more than 10 % from the
minute after a 2-minute warm-up to the last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ANSWERS, prepare, start_gunicorn, stop  # noqa: E402

GROWTH_LIMIT = 0.10
WARM_UP = 120  # seconds: each worker first touches the pages it shares with the master (preload)


def build_requests(port: int) -> list[tuple[str, bytes, bytes]]:
    """(name, raw HTTP request, text its 200 response must contain), in a repeating mix."""
    prepared = prepare(port)
    host = f"127.0.0.1:{port}"

    def raw(method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body:
            lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()

    step = prepared["step"]
    start = ("start page", raw("GET", "/"), b'action="/check/new"')
    questions = ("a page", raw("GET", prepared["step_path"], {"Cookie": step["WRK_COOKIE"]}), b"csrf_token")
    sent = (
        "a page sent",
        raw(
            "POST",
            prepared["step_path"],
            {"Cookie": step["WRK_COOKIE"], "Content-Type": step["WRK_CONTENT_TYPE"]},
            step["WRK_BODY"],
        ),
        b"\r\nLocation: /check/",
    )
    post = (
        "result",
        raw("GET", "/check/result", {"Cookie": prepared["result"]["WRK_COOKIE"]}),
        prepared["digest"].encode(),
    )
    api = (
        "API post",
        raw("POST", "/api/v1/triage", {"Content-Type": "application/json"}, json.dumps({"answers": ANSWERS})),
        b'"level":"emergency"',
    )
    # Per 10 requests: 2 start pages, 1 page, 1 page sent, 2 results, 4 API posts.
    return [start, api, post, questions, api, sent, start, api, post, api]


async def one(port: int, request: bytes, expect: bytes, timeout: float) -> str | None:
    """Send one request on a new connection; return None if it was right, else what went wrong."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        try:
            writer.write(request)
            await writer.drain()
            response = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
    except (TimeoutError, OSError) as error:
        return type(error).__name__
    status = response[9:12]
    if status not in (b"200", b"303"):  # a page sent answers 303 (its `expect` names where to)
        return f"HTTP {status.decode(errors='replace')}"
    if expect not in response:
        return "unexpected body"
    return None


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def workers_of(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return sorted(int(pid) for pid in children)


async def soak(port: int, master: int, requests, rate: float, seconds: float, timeout: float):
    latencies: list[tuple[float, float]] = []  # (send time, latency) of correct responses
    errors: dict[str, int] = {}
    samples: list[tuple[float, int, dict[int, int]]] = []  # (time, master RSS, {worker: RSS})
    in_flight: set[asyncio.Task] = set()
    begin = time.monotonic()

    async def send(index: int, due: float):
        name, raw, expect = requests[index % len(requests)]
        problem = await one(port, raw, expect, timeout)
        if problem:
            errors[f"{name}: {problem}"] = errors.get(f"{name}: {problem}", 0) + 1
        else:
            latencies.append((due - begin, time.monotonic() - due))

    async def sample():
        while True:
            now = time.monotonic() - begin
            samples.append((now, rss_kb(master), {pid: rss_kb(pid) for pid in workers_of(master)}))
            if now >= seconds:
                return
            await asyncio.sleep(10)

    sampler = asyncio.create_task(sample())
    index, minute = 0, 1
    while True:
        due = begin + index / rate
        if due - begin >= seconds:
            break
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(send(index, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
        index += 1
        if due - begin >= minute * 60:
            report_minute(minute, latencies, errors, samples)
            minute += 1
    await asyncio.gather(*in_flight)
    await sampler
    report_minute(minute, latencies, errors, samples)
    return index, latencies, errors, samples


def report_minute(minute, latencies, errors, samples) -> None:
    recent = sorted(lat for sent, lat in latencies if minute * 60 - 60 <= sent < minute * 60)
    workers_rss = sum(samples[-1][2].values()) if samples else 0
    if recent:
        print(
            f"minute {minute:>2}: {len(recent):>6} ok, p50 {recent[len(recent) // 2] * 1000:6.1f} ms, "
            f"p99 {recent[int(len(recent) * 0.99)] * 1000:6.1f} ms, errors so far "
            f"{sum(errors.values())}, workers' RSS {workers_rss / 1024:.1f} MB, "
            f"load {os.getloadavg()[0]:.2f}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200, help="requests per second (200)")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request (10)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    args = parser.parse_args()
    seconds = args.minutes * 60
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "app.log"
        server, port = start_gunicorn(log, "wsgi:app", args.workers)
        try:
            requests = build_requests(port)
            print(
                f"{args.rate:.0f} requests/s for {args.minutes:g} min against gunicorn "
                f"(pid {server.pid}, {len(workers_of(server.pid))} workers); load average "
                f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} on "
                f"{os.cpu_count()} cores (machine shared)",
                flush=True,
            )
            sent, latencies, errors, samples = asyncio.run(
                soak(port, server.pid, requests, args.rate, seconds, args.timeout)
            )
            worker_log = log.read_text(errors="replace")
        finally:
            stop(server)
    load_after = os.getloadavg()

    ok = sorted(latency for _, latency in latencies)
    print(
        f"\nsent {sent} requests in {seconds:.0f} s ({sent / seconds:.1f}/s): {len(ok)} correct, "
        f"{sum(errors.values())} errors {errors or ''}"
    )
    print(
        f"latency from scheduled send: p50 {statistics.median(ok) * 1000:.1f} ms, "
        f"p99 {ok[int(len(ok) * 0.99)] * 1000:.1f} ms, max {ok[-1] * 1000:.1f} ms"
    )
    warm = [s for s in samples if s[0] >= WARM_UP] or samples
    first_minute = [s for s in warm if s[0] <= warm[0][0] + 60]
    last_minute = [s for s in samples if s[0] >= samples[-1][0] - 60] or samples[-1:]

    def workers_mb(group) -> float:
        return statistics.mean(sum(s[2].values()) for s in group) / 1024

    start_mb, end_mb = workers_mb(first_minute), workers_mb(last_minute)
    all_workers = sorted({pid for s in samples for pid in s[2]})
    times = [s[0] / 60 for s in warm]
    totals = [sum(s[2].values()) for s in warm]
    slope = statistics.linear_regression(times, totals).slope if len(warm) > 2 else 0.0
    print(
        f"memory (VmRSS every 10 s, {len(samples)} samples): workers together "
        f"{workers_mb(samples[:1]):.1f} MB at the start, {start_mb:.1f} MB after the "
        f"{WARM_UP / 60:g}-minute warm-up, {end_mb:.1f} MB in the last minute "
        f"({(end_mb - start_mb) / start_mb:+.1%} after warm-up; trend {slope:+.0f} KB/min for "
        f"all {len(samples[0][2])} workers); master {samples[0][1] / 1024:.1f} -> "
        f"{samples[-1][1] / 1024:.1f} MB; worker pids seen: {len(all_workers)} "
        f"({'no restarts' if len(all_workers) == len(samples[0][2]) else 'a worker was replaced'})"
    )
    for pid in all_workers:
        series = [s[2][pid] for s in samples if pid in s[2]]
        print(
            f"  worker {pid}: {series[0] / 1024:.1f} -> {series[-1] / 1024:.1f} MB "
            f"(max {max(series) / 1024:.1f})"
        )
    if "WORKER TIMEOUT" in worker_log or "Traceback" in worker_log:
        print("gunicorn's log shows a worker timeout or a traceback:\n" + worker_log[-3000:])
        errors["server log"] = 1
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    grew = (end_mb - start_mb) / start_mb > GROWTH_LIMIT
    print(
        "PASS: 0 errors, flat memory"
        if not errors and not grew
        else "FAIL: " + ("errors " if errors else "") + ("memory grew" if grew else "")
    )
    return 0 if not errors and not grew else 1


if __name__ == "__main__":
    sys.exit(main())
