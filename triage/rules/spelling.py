"""Suggest the word a clinician most likely meant: "(did you mean 'urgent'?)"."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

# Words a clinician may reach for in a rule file, and the key the file uses for them.
SYNONYMS = {
    "equals": "is",
    "equal": "is",
    "eq": "is",
    "in": "is",
    "one_of": "is",
    "is_one_of": "is",
    "value": "is",
    "answer": "is",
    "min": "at_least",
    "max": "at_most",
    "gte": "at_least",
    "lte": "at_most",
    "gt": "above",
    "lt": "below",
    "greater_than": "above",
    "more_than": "above",
    "less_than": "below",
    "over": "above",
    "under": "below",
    "and": "all",
    "or": "any",
    "none": "not",
    "none_of": "not",
}


def _quoted(choice: str) -> str:
    return f"'{choice}'"


def did_you_mean(word: object, choices: Iterable[object], show: Callable[[str], str] = _quoted) -> str:
    """Return " (did you mean 'x'?)" for the closest choice (or a known synonym), else ""."""
    word = str(word)
    names = [str(choice) for choice in choices]
    close = difflib.get_close_matches(word, names, n=1)
    if not close and SYNONYMS.get(word.lower()) in names:
        close = [SYNONYMS[word.lower()]]
    return f" (did you mean {show(close[0])}?)" if close else ""
