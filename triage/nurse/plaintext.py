"""Plain text for a chart: typographic symbols folded to ASCII, lines wrapped to WIDTH.

Pure Python. A record system may mangle tabs, box lines or bullets, and a fixed-width record
shows a line over WIDTH characters badly; the chart note (triage/note.py) is written with these.
"""

from __future__ import annotations

import re
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


def plain_reference(text: str) -> str:
    """What `plain` must give (tests/test_plaintext.py compares them)."""
    return re.sub(r"\s+", " ", str(text).translate(_ASCII)).strip()


def wrap_reference(text: str, first: str, rest: str) -> list[str]:
    """Wrap plain text with textwrap: what `wrap` must give (tests/test_plaintext.py compares them)."""
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    """Wrap text to WIDTH as `wrap_reference` does, a line at a time rather than a word at a
    time (the note wraps long lists of answers): words are split at spaces only, a word longer
    than a line is cut, and textwrap's own quirks are kept."""
    words = plain(text)  # single spaces only, none at either end
    rest = " " * len(first) if rest is None else rest
    if not words:
        return [first.rstrip()]
    if max(len(first), len(rest)) >= WIDTH:
        return wrap_reference(words, first, rest)
    lines, start, end, indent = [], 0, len(words), first
    while start < end:
        width = WIDTH - len(indent)
        stop = start + width
        if stop >= end:
            lines.append(indent + words[start:])
            break
        if words[stop] == " ":  # the line ends at a word's end: full
            lines.append(indent + words[start:stop])
            start = stop + 1
        else:
            space = words.rfind(" ", start, stop)
            cut = start if space < 0 else space + 1  # where the word that does not fit starts
            following = words.find(" ", cut)
            if (end if following < 0 else following) - cut > width:
                # A word longer than a line: as much as fits goes on this line (after a space
                # that ends exactly at the edge, textwrap keeps that space).
                lines.append(indent + words[start:stop])
                start = stop
            else:
                lines.append(indent + words[start : cut - 1])
                start = cut
        indent = rest
    return lines
