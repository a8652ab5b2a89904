"""Example cases: answers with the level and categories a clinician expects.

One runner for pytest and `flask rules test`. A case file is a YAML list:

    - name: fever with a stiff neck is an emergency
      answers: {fever: yes, neck_pain: stiff}
      level: emergency
      categories: [csf_infection, site_infection]   # exactly these, in any order
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from .. import engine
from ..engine.model import LEVEL_IDS, RuleSet
from . import yamlfile
from .spelling import did_you_mean
from .yamlfile import FileProblems, Problem

CASE_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "answers", "level", "categories"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "answers": {"type": "object"},
            "level": {"enum": list(LEVEL_IDS)},
            "categories": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
        },
    },
}


@dataclass(frozen=True)
class Case:
    name: str
    answers: dict
    level: str
    categories: frozenset[str]
    file: str
    line: int


@dataclass(frozen=True)
class Outcome:
    case: Case
    level: str | None
    categories: frozenset[str]
    rules: tuple[str, ...]
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.level == self.case.level and self.categories == self.case.categories

    def explain(self) -> str:
        """Say what was expected and what the rules gave, for a failed case."""
        where = f"{self.case.file}:{self.case.line}: {self.case.name}"
        if self.error:
            return f"{where}\n    the answers are not allowed: {self.error}"
        return (
            f"{where}\n    expected {self.case.level.upper()} "
            f"{sorted(self.case.categories)}\n"
            f"    got      {(self.level or '').upper()} {sorted(self.categories)}"
            f" (rules: {', '.join(self.rules) or 'none'})"
        )


# The clinic's reference floor table lives beside the cases (tests/cases/) but is not a case file.
FLOOR_FILE = "reference_floor.yaml"


def case_files(paths) -> list[Path]:
    """Expand folders into the YAML case files inside them, sorted (not the floor table)."""
    files = []
    for path in map(Path, paths):
        files.extend(
            sorted(p for p in path.glob("*.yaml") if p.name != FLOOR_FILE) if path.is_dir() else [path]
        )
    return files


def load_cases(paths, ruleset: RuleSet | None = None) -> list[Case]:
    """Load every case from files and folders; raise FileProblems for every bad file.

    With a rule set, a question, answer or category it does not know is a problem at its line,
    with a "did you mean".
    """
    cases: list[Case] = []
    problems: list[Problem] = []
    for file in case_files(paths):
        try:
            data, lines = yamlfile.load(file)
        except FileProblems as error:
            problems.extend(error.problems)
            continue
        errors = list(jsonschema.Draft202012Validator(CASE_SCHEMA).iter_errors(data))
        for invalid in errors:
            path, message = _plain(invalid, data)
            problems.append(Problem(str(file), yamlfile.line_of(lines, path), message))
        if errors or not isinstance(data, list):  # the schema says it is a list of cases
            continue
        if ruleset is not None:
            problems.extend(
                Problem(str(file), yamlfile.line_of(lines, path), message)
                for path, message in _unknown_names(ruleset, data)
            )
        cases.extend(
            Case(
                item["name"],
                item["answers"],
                item["level"],
                frozenset(item["categories"]),
                str(file),
                lines[(index,)],
            )
            for index, item in enumerate(data)
        )
    if problems:
        raise FileProblems(problems)
    return cases


def _plain(error: jsonschema.ValidationError, data) -> tuple[tuple, str]:
    """Say what is wrong with a case in plain words, naming the case."""
    path = tuple(error.absolute_path)
    where = "the file"
    if path and isinstance(data, list) and isinstance(data[path[0]], dict):
        name = data[path[0]].get("name")
        where = f"case '{name}'" if isinstance(name, str) else f"case {path[0] + 1}"
    elif path:
        where = f"case {path[0] + 1}"
    known = CASE_SCHEMA["items"]["properties"]
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return path, f"{where}: {', '.join(repr(key) for key in missing)} is missing"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(known), key=str)
        hint = did_you_mean(extra[0], known) or f"; use {', '.join(known)}"
        return path + (extra[0],), f"{where}: '{extra[0]}' is not a known key here{hint}"
    if error.validator == "enum":
        return path, (
            f"{where}: level {error.instance!r} is not one of: {', '.join(LEVEL_IDS)}"
            + did_you_mean(error.instance, LEVEL_IDS)
        )
    if error.validator == "type" and not path:
        return path, "the file should be a list of cases, each starting with '- name: ...'"
    if error.validator == "type":
        kinds = {
            "object": "a set of 'key: value' answers",
            "array": "a list such as [site_infection]",
            "string": "text",
        }
        return path, f"{where}: {path[-1]} should be {kinds.get(error.validator_value, 'different')}"
    return path, f"{where}: {error.message}"


def answer_hint(value, allowed) -> str:
    """Say what a true/false (YAML's reading of some words) most likely meant: yes or no."""
    if isinstance(value, bool):
        meant = {True: ("yes", "on", "true"), False: ("no", "off", "false")}[value]
        word = next((w for w in meant if w in allowed), None)
        return f" (did you mean {word}? write it as {word!r})" if word else ""
    return did_you_mean(value, allowed)


def _unknown_names(ruleset: RuleSet, data: list) -> list[tuple[tuple, str]]:
    found = []
    for index, item in enumerate(data):
        name = item["name"]
        for key, value in item["answers"].items():
            question = ruleset.questions_by_id.get(key)
            if question is None:
                found.append(
                    (
                        (index, "answers", key),
                        f"case '{name}': there is no question '{key}'"
                        + did_you_mean(key, ruleset.questions_by_id),
                    )
                )
            elif not question.number and value not in question.values:
                shown = "true" if value is True else "false" if value is False else repr(value)
                found.append(
                    (
                        (index, "answers", key),
                        f"case '{name}': {key}: {shown} is not one "
                        f"of its answers"
                        + answer_hint(value, question.values)
                        + f"; use one of: {', '.join(question.values)}",
                    )
                )
        for position, category in enumerate(item["categories"]):
            if category not in ruleset.categories:
                found.append(
                    (
                        (index, "categories", position),
                        f"case '{name}': there is no "
                        f"category '{category}'" + did_you_mean(category, ruleset.categories),
                    )
                )
    return found


def run_case(ruleset: RuleSet, case: Case) -> Outcome:
    """Evaluate one case's answers with the rule set."""
    try:
        result = engine.evaluate(ruleset, case.answers)
    except engine.AnswerProblems as error:
        return Outcome(case, None, frozenset(), (), error=str(error))
    return Outcome(
        case,
        result.level.id,
        frozenset(w.rule.category for w in result.warnings),
        tuple(w.rule.id for w in result.warnings),
    )
