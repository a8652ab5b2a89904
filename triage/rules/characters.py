"""Characters a rule file may not hold: invisible ones, and ones that change how text shows.

A text reaches patients' pages, the nurse's chart note and the API as it is written, so a
character nobody can see is refused with its line and its code point (U+202E), never kept:
- control characters (C0 and C1) and the tab: only the newline that YAML itself gives a
  multi-line text is kept;
- private-use characters (U+E000 and the like): they have no agreed meaning, and software uses
  them as marks of its own (a page shell once used U+E000 to mark its holes);
- bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069): they
  reorder the text after them, so what a patient reads is not what the clinic wrote;
- line and paragraph separators (U+2028, U+2029), lone surrogates and noncharacters (U+FFFE).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))


def _refused(char: str) -> bool:
    code = ord(char)
    category = unicodedata.category(char)
    return (
        (category == "Cc" and char != "\n")
        or category in ("Co", "Cs", "Zl", "Zp")
        or code in BIDI_CONTROLS
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
    )


def describe(char: str) -> str:
    """Name a character by its code point and what it is: "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    code = ord(char)
    category = unicodedata.category(char)
    if char == "\t":
        what = "a tab"
    elif category == "Cc":
        what = "a control character"
    elif category == "Co":
        what = "a private-use character"
    elif category == "Cs":
        what = "half of a surrogate pair, not a character"
    elif category in ("Zl", "Zp") or code in BIDI_CONTROLS:
        what = unicodedata.name(char)
    else:
        what = "a noncharacter"
    return f"U+{code:04X} ({what})"


def refused_in(text: str) -> list[str]:
    """Return the refused characters in a text, each once, in the order they first appear."""
    return list(dict.fromkeys(char for char in text if _refused(char)))


def message(chars: list[str]) -> str:
    """Say which characters are refused, and what to do."""
    named = ", ".join(describe(char) for char in chars)
    return (
        f"this text holds {named}, which is invisible or changes how the text around it shows; "
        "delete it (retype the text if you cannot see it)"
    )


def strings(data, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Yield (path, text) for every key and text in a loaded YAML file."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield path + (key,), key
            yield from strings(value, path + (key,))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from strings(item, path + (i,))


def shown(text: str) -> str:
    """Write each refused character but the newline as its code point: "<U+202E>"."""
    return "".join(f"<U+{ord(char):04X}>" if char != "\n" and _refused(char) else char for char in text)
