"""The words of `flask rules diff`: old and new wording, language by language, wrapped under
the item that changed."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from ..engine.model import RuleSet

ARROW = "→"
INDENT = " " * 6


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=f"{INDENT}{label}",
        subsequent_indent=INDENT + " " * len(label),
        break_on_hyphens=False,
    ) or [f"{INDENT}{label}".rstrip()]


def worded(what: str, old: Mapping[str, str] | None, new: Mapping[str, str] | None, languages) -> list[str]:
    """Return old and new wording, language by language, of each language whose words changed."""
    lines = []
    for language in languages:
        before, after = (old or {}).get(language), (new or {}).get(language)
        if before != after:
            lines += _wrapped(f"{what} [{language}] old: ", before if before is not None else "(none)")
            lines += _wrapped(f"{what} [{language}] new: ", after if after is not None else "(none)")
    return lines


def _languages(old: RuleSet, new: RuleSet) -> list[str]:
    return list(dict.fromkeys((*new.languages, *old.languages)))
