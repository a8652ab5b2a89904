"""Plain text for a chart: typographic symbols folded to ASCII, lines wrapped to WIDTH.

Pure Python. A record system may mangle tabs, box lines or bullets, and a fixed-width record
shows a line over WIDTH characters badly; the chart note (triage/note.py) is written with these.
"""

from __future__ import annotations

import textwrap

WIDTH = 72

_ASCII = str.maketrans(
    {
        "\u00b0": " deg ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2026": "...",
        "\u2022": "-",
        "\u00d7": "x",
    }
)


def plain(text: str) -> str:
    """Fold typographic symbols to ASCII and collapse all whitespace (incl. newlines) to one space."""
    text = str(text)
    # str.split() splits on what `\s` matches; every symbol folded is outside ASCII.
    return " ".join((text if text.isascii() else text.translate(_ASCII)).split())


def wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    """Wrap plain text to WIDTH: `first` before the first line, `rest` (or spaces) before the
    others; words are split at spaces only, and a word longer than a line is cut."""
    words = plain(text)
    rest = " " * len(first) if rest is None else rest
    if not words:
        return [first.rstrip()]
    return textwrap.wrap(
        words, width=WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )
