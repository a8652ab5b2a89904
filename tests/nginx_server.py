"""Run the shipped deploy/nginx.conf (Debian's nginx) in front of a gunicorn, for tests.

The config is used as shipped; only what names this machine is replaced (ports, the upstream's
address, certificate, log and file paths), and each replaced text must be found, so a change to
the shipped file that these tests would no longer exercise fails loudly.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from triage import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "deploy" / "nginx.conf"
SERVER_NAME = "pumpcheck.example.org"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )
    if found is None:
        if os.environ.get("CI") or os.environ.get("PUMP_CHECK_BROWSER_REQUIRED"):
            pytest.fail("nginx is missing: `make test` installs Debian's nginx (make nginx)")
        pytest.skip("nginx is missing: run `make nginx` (Debian's nginx package)")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_config(folder: Path, http_port: int, https_port: int, upstream: str) -> str:
    cert, key = self_signed(folder)
    text = SHIPPED.read_text()
    for old, new in [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8000 ", f"server {upstream} "),
        (f"/etc/letsencrypt/live/{SERVER_NAME}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{SERVER_NAME}/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{folder}/"),
        ("/srv/pump-check/static/", f"{PROJECT_ROOT}/static/"),
        ("root /srv/pump-check/deploy;", f"root {PROJECT_ROOT}/deploy;"),
    ]:
        assert old in text, f"deploy/nginx.conf no longer has {old!r}: update tests/nginx_server.py"
        text = text.replace(old, new)
    return text


@dataclass
class Proxy:
    http_port: int
    https_port: int
    folder: Path  # its logs: pump-check.access.log, pump-check.error.log, nginx.log

    def logs(self) -> str:
        return "".join(path.read_text(errors="replace") for path in sorted(self.folder.glob("*.log")))


@contextmanager
def proxy(tmp_path: Path, upstream: str):
    """Yield a running nginx with the shipped config in front of `upstream` (host:port)."""
    binary = nginx_binary()
    folder = tmp_path / "nginx"
    folder.mkdir()
    os.chmod(folder, 0o755)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
        os.chmod(path, 0o777)
    # As root, nginx's workers would run as nobody, who cannot enter pytest's private folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""
{user}
pid {folder}/nginx.pid;
error_log {folder}/nginx.log warn;
worker_processes 1;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {folder}/site.conf;
}}
""")
    command = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"]
    # nginx cannot listen on port 0 and say where: it gets two ports that were free a moment
    # ago. Another test worker may take one in between; then it tries two others.
    for attempt in range(5):
        http_port, https_port = free_port(), free_port()
        (folder / "site.conf").write_text(site_config(folder, http_port, https_port, upstream))
        checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        process = _listening(command, folder, https_port)
        if process is not None:
            break
        assert attempt < 4 and "Address already in use" in (folder / "stderr.txt").read_text(), (
            folder / "stderr.txt"
        ).read_text()
    try:
        yield Proxy(http_port, https_port, folder)
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening(command: list[str], folder: Path, port: int) -> subprocess.Popen | None:
    """Start nginx; return it once it listens on `port`, or None if it exited (see stderr.txt)."""
    with open(folder / "stderr.txt", "wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            if process.poll() is not None:
                return None
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise AssertionError("nginx did not start listening") from None
            time.sleep(0.05)


def raw(port: int, request: bytes, *, tls: bool = False) -> bytes:
    """Send bytes as they are; return the whole response (the connection is closed after it)."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = context.wrap_socket(connection, server_hostname=SERVER_NAME)
    with connection:
        connection.sendall(request)
        chunks = []
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except TimeoutError:  # a server keeping the connection open: what came is the answer
            pass
    return b"".join(chunks)


def head_and_body(response: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
    """Split a raw HTTP/1.1 response: (status line, [(name, value)], body)."""
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]]
    return lines[0], headers, body
