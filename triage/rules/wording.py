"""Known slips of wording (docs/wording-checks.yaml), found in a rule file's texts with file:line.

docs/glossary-es.md says which words to use; docs/wording-checks.yaml lists, per language, the
slips that must never reach a patient or a nurse, each as a pattern with what to write instead
(`use`), a wrong text it must catch (`example`) and, where one helps, a right text it must
leave alone (`ok`). `flask rules verify` runs them over every `en`/`es`... value of the rule
file (walked as plain YAML, so a key added later is covered too); tests/test_glossary.py runs
the same checks over the app's own catalogue and the rendered pages, so what passes the gate
passes the tests.

A check marked `pending:` names slips still in the shipped texts while they are being fixed:
verify warns about them instead of failing. Remove the mark once they are fixed (a test fails
when a pending check finds nothing left in the shipped rule file).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..startup import PROJECT_ROOT
from . import yamlfile

CHECKS_FILE = PROJECT_ROOT / "docs" / "wording-checks.yaml"


@dataclass(frozen=True)
class Check:
    """One known slip: where a pattern names a group `slip`, that group is what is reported."""

    find: re.Pattern
    use: str
    example: str
    ok: str = ""  # a right text the pattern must not catch
    name: str = ""  # for a test that runs one check by name
    pending: str = ""  # why slips of this kind are still in the shipped texts (verify warns)


@dataclass(frozen=True)
class Slip:
    where: str  # "rules.yaml:38", or what a test names (a page, a catalogue message)
    language: str
    found: str
    check: Check

    def __str__(self) -> str:
        return f"{self.where} ({self.language}): {self.found!r} -> {self.check.use}"


def load_checks(path: str | Path = CHECKS_FILE) -> dict[str, list[Check]]:
    """Return the checks of a wording-checks file, by language."""
    data = yaml.safe_load(Path(path).read_text("utf-8"))
    return {
        language: [
            Check(
                re.compile(entry["find"], re.IGNORECASE),
                entry["use"],
                entry["example"],
                ok=entry.get("ok", ""),
                name=entry.get("name", ""),
                pending=entry.get("pending", ""),
            )
            for entry in entries
        ]
        for language, entries in data.items()
    }


def found_in(check: Check, text: str) -> list[str]:
    """Return each slip of one kind in a text (its lines joined, as a reader meets them)."""
    flat = " ".join(text.split())
    slip = "slip" in check.find.groupindex
    return [match.group("slip") if slip else match.group(0) for match in check.find.finditer(flat)]


def slips(texts: Iterator[tuple[str, str, str]], checks: dict[str, list[Check]]) -> list[Slip]:
    """Return every slip in (language, where, text) triples."""
    return [
        Slip(where, language, found, check)
        for language, where, text in texts
        for check in checks.get(language, ())
        for found in found_in(check, text)
    ]


def rule_file_texts(path: str | Path, languages) -> Iterator[tuple[str, int, str]]:
    """Yield (language, line, text) for every value under a language key anywhere in the file."""
    data, lines = yamlfile.load(path)

    def walk(node, trail):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in languages and isinstance(value, str):
                    yield key, yamlfile.line_of(lines, trail + (key,)), value
                else:
                    yield from walk(value, trail + (key,))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, trail + (index,))

    yield from walk(data, ())


def rule_file_slips(path: str | Path, checks: dict[str, list[Check]]) -> list[Slip]:
    """Return every slip in a rule file, each at "file name:line"."""
    name = Path(path).name
    texts = ((language, f"{name}:{line}", text) for language, line, text in rule_file_texts(path, checks))
    return slips(texts, checks)
