"""Helpers the test modules share: `from helpers import csrf_token` (tests/ is on the path)."""

from __future__ import annotations

import re

# The hidden CSRF field of a form, whatever order its attributes are written in.
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token_in(page: str | bytes) -> str:
    """Return the CSRF token of the first form on a page."""
    text = page.decode() if isinstance(page, bytes) else page
    match = CSRF_TOKEN.search(text)
    assert match, "the page has no CSRF token"
    return match.group(1)


def csrf_token(client, path: str = "/check", **request) -> str:
    """Open a page as a browser would (`request`: base_url, headers) and return its CSRF token."""
    return token_in(client.get(path, **request).get_data(as_text=True))
