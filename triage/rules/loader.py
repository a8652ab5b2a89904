"""Load and validate a rule file: JSON Schema for its shape, then the clinic's own checks.

Every problem is collected with its file and line, in words a clinician can act on; a file
with any problem gives no RuleSet (fail closed). The schema (triage/rules/rules.schema.json) is the
single description of the file's shape: editors use it as a clinician types, and so do we.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

import jsonschema

from ..engine.model import RuleSet
from . import characters, schema_messages, yamlfile
from .builder import Builder
from .yamlfile import FileProblems, Problem


@cache
def schema() -> dict:
    """Return the JSON Schema of a rule file (shipped for editors too)."""
    return json.loads(resources.files("triage.rules").joinpath("rules.schema.json").read_text("utf-8"))


def _schema_problems(data, lines, file) -> tuple[list[Problem], list[tuple]]:
    validator = jsonschema.Draft202012Validator(schema())
    problems, broken = [], []
    for error in validator.iter_errors(data):
        broken.append(tuple(error.absolute_path))
        for path, message in schema_messages.messages(error, data):
            problem = Problem(file, yamlfile.line_of(lines, path), message)
            if problem not in problems:
                problems.append(problem)
    return problems, broken


def _frame_broken(broken: list[tuple], data) -> bool:
    """True when the file's top-level parts are wrong, so no item-by-item check can run."""
    for path in broken:
        if len(path) >= 2 and path[0] in ("questions", "rules", "steps"):
            continue
        if path == () and isinstance(data, dict) and all(key in data for key in schema()["required"]):
            continue  # only an unknown top-level key: the rest can still be checked
        return True
    return False


def _character_problems(data, lines, file) -> list[Problem]:
    """A problem for each key or text holding a character patients could not see (characters.py)."""
    where = schema_messages.where
    return [
        Problem(file, yamlfile.line_of(lines, path), f"{where(data, path)}: {characters.message(found)}")
        for path, text in characters.strings(data)
        if (found := characters.refused_in(text))
    ]


def _not_a_rule_file(data, file) -> None:
    """Refuse a file with none of a rule file's keys in one line, quoting nothing of it.

    Such a file is probably the wrong one (a settings or secrets file named by mistake): its
    keys and values are not repeated in messages that may end up in a terminal or a deploy log.
    """
    if isinstance(data, dict) and not any(key in data for key in schema()["required"]):
        raise FileProblems(
            [
                Problem(
                    file,
                    1,
                    "this is not a rule file: it has none of the keys a rule file has ("
                    + ", ".join(schema()["required"])
                    + "); is this the right file?",
                )
            ]
        )


def load(path: str | Path) -> RuleSet:
    """Load and validate a rule file; raise FileProblems listing every problem found."""
    file = str(path)
    raw = yamlfile.read_bytes(path)  # read once: the digest is of exactly what was checked
    data, lines = yamlfile.load(path, raw)
    _not_a_rule_file(data, file)
    problems = _character_problems(data, lines, file)
    shape, broken = _schema_problems(data, lines, file)
    problems += shape
    if _frame_broken(broken, data) or not isinstance(data, dict):
        raise FileProblems(problems)  # the file's frame is wrong: nothing more can be checked
    builder = Builder(data, lines, file, broken)
    ruleset = builder.build()
    if problems or ruleset is None:
        raise FileProblems(problems + builder.problems)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    return dataclasses.replace(ruleset, digest=digest)
