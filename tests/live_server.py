"""Serve a WSGI app on a free port of 127.0.0.1 from a thread: the browser tests' server.

werkzeug's development server (3.1.9) can leave a response open when the client drops the
connection. Its run_wsgi writes the response, then in a `finally` first drains whatever the
client may still be sending (`self.rfile.read(...)`) and only then calls the response's
`close()`. When the browser has reset the connection by then (Chromium resets one whose request
it no longer needs, such as the favicon of a page it is leaving), that read raises
ConnectionResetError, `close()` is skipped, and a static file opened by `send_file` is left to
the garbage collector: "ResourceWarning: unclosed file .../static/favicon.svg", which
`filterwarnings = error` turns into a failure of whichever test runs then.

`closed_first` reads each response whole and closes it before the server writes a byte, so no
request, finished or dropped, leaves anything open; tests/test_live_server.py drops requests at
exactly that moment, against this server and against werkzeug's own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


def closed_first(app):
    """Wrap a WSGI app so that each response is read whole and closed before it is sent."""

    def serve(environ, start_response):
        response = app(environ, start_response)
        try:
            body = b"".join(response)
        finally:
            if hasattr(response, "close"):
                response.close()
        return [body]

    return serve


class Handler(WSGIRequestHandler):
    """werkzeug's handler, counting the requests handled and the connections a client dropped."""

    def handle(self) -> None:
        try:
            super().handle()
        finally:
            with self.server.lock:
                self.server.handled += 1

    def connection_dropped(self, error, environ=None) -> None:
        with self.server.lock:
            self.server.dropped += 1

    def log(self, type: str, message: str, *args) -> None:
        """Keep each line werkzeug would print (requests, errors) on the server, unprinted, for
        the tests that look for answers in it (pytest would keep every printed line)."""
        with self.server.lock:
            self.server.log_lines.append(message % args if args else message)


@contextmanager
def serving(app, *, close_first: bool = True) -> Iterator[BaseWSGIServer]:
    """Yield a threaded server for `app` on a free port (its URL: base_url(server)); stop it after.

    `close_first=False` serves with werkzeug's own handling, for the test that shows why not.
    """
    server = make_server(
        "127.0.0.1", 0, closed_first(app) if close_first else app, threaded=True, request_handler=Handler
    )
    server.lock = threading.Lock()
    server.handled = server.dropped = 0
    server.log_lines = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def base_url(server: BaseWSGIServer) -> str:
    return f"http://127.0.0.1:{server.server_port}"
