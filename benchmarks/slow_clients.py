"""What the proxy absorbs: slow clients against gunicorn directly, and through deploy/nginx.conf.

Run: .venv/bin/python benchmarks/slow_clients.py [--slow N] [--seconds S]
Starts gunicorn with gunicorn.conf.py (WEB_CONCURRENCY workers, 5 by default here) and the
shipped nginx in front of it (tests/nginx_server.py), opens N slow clients that send a request's
headers one byte a second, and meanwhile asks /healthz once a second with a 2 s limit. Prints how
many health checks were answered in time, directly and through nginx (issue 12, finding 11).
"""

from __future__ import annotations

import argparse
import socket
import ssl
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from gunicorn_server import running  # noqa: E402
from nginx_server import SERVER_NAME, proxy  # noqa: E402

REQUEST = f"GET /check HTTP/1.1\r\nHost: {SERVER_NAME}\r\nX-Slow: {'a' * 60}\r\n\r\n".encode()


def slow_client(port: int, tls: bool, stop: threading.Event) -> None:
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=60)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = context.wrap_socket(connection, server_hostname=SERVER_NAME)
        with connection:
            for byte in REQUEST:
                if stop.is_set():
                    return
                connection.sendall(bytes([byte]))
                time.sleep(1)
    except OSError:
        return


def health_ok(port: int, tls: bool) -> bool:
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=2)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = context.wrap_socket(connection, server_hostname=SERVER_NAME)
        with connection:
            connection.settimeout(2)
            connection.sendall(
                f"GET /healthz HTTP/1.1\r\nHost: {SERVER_NAME}\r\nConnection: close\r\n\r\n".encode()
            )
            return connection.recv(12).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def trial(port: int, tls: bool, slow: int, seconds: int) -> tuple[int, int]:
    stop = threading.Event()
    threads = [threading.Thread(target=slow_client, args=(port, tls, stop), daemon=True) for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    answered = 0
    for _ in range(seconds):
        started = time.monotonic()
        answered += health_ok(port, tls)
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    stop.set()
    return answered, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=5, help="slow clients (default 5)")
    parser.add_argument("--seconds", type=int, default=16, help="health checks (default 16)")
    parser.add_argument("--workers", default="5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = {
            "FLASK_PROXY_FIX": "1",
            "FLASK_TRUSTED_HOSTS": SERVER_NAME,
            "WEB_CONCURRENCY": args.workers,
            "GUNICORN_ACCESSLOG": str(tmp / "access.log"),
        }
        with running(tmp, **env) as (base, _, _log):
            direct_port = int(base.rsplit(":", 1)[1])
            with proxy(tmp, base.removeprefix("http://")) as nginx:
                for name, port, tls, slow in (
                    ("direct to gunicorn", direct_port, False, args.slow),
                    ("through nginx", nginx.https_port, True, args.slow),
                    ("through nginx, 10x the slow clients", nginx.https_port, True, args.slow * 10),
                ):
                    answered, asked = trial(port, tls, slow, args.seconds)
                    print(
                        f"{name}: {slow} slow clients, {args.workers} workers: "
                        f"{answered} of {asked} health checks answered within 2 s"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
