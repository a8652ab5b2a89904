"""The reference floor: the clinic's own urgency table, checked against every small set of answers.

The table (`reference_floor.yaml`, beside the example cases) is written by the clinic
independently of rules.yaml. Each row has `finding`, `level`, `categories` and `when` (in the
rule file's condition words). For any answers, the result must be at least as urgent as every
row that applies and show every category the row names. Checked for every combination of up
to three warning answers at the day boundaries of each number question, not only the cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import engine
from ..engine import conditions
from ..engine.conditions import Condition
from ..engine.model import LEVEL_IDS, Level, RuleSet
from . import yamlfile
from .spelling import did_you_mean
from .yamlfile import Problem

FLOOR_FILE = "reference_floor.yaml"
ROW_KEYS = ("finding", "level", "categories", "when")


@dataclass(frozen=True)
class Row:
    finding: str
    level: Level
    categories: frozenset[str]
    when: Condition
    line: int


def _condition(ruleset: RuleSet, item, say) -> Condition:
    """Build an engine condition from a row's `when`; call say(message) for each mistake."""
    if not isinstance(item, dict):
        say("a condition should look like {question: fever, is: yes}, or all: / any: / not:")
        return conditions.AnswerIs("", frozenset())
    for kind, build in (("all", conditions.AllOf), ("any", conditions.AnyOf)):
        if kind in item:
            return build(tuple(_condition(ruleset, part, say) for part in item[kind]))
    if "not" in item:
        return conditions.Not(_condition(ruleset, item["not"], say))
    question_id = item.get("question")
    question = ruleset.questions_by_id.get(question_id) if isinstance(question_id, str) else None
    if question is None:
        say(
            f"there is no question {item.get('question')!r}"
            + did_you_mean(item.get("question"), ruleset.questions_by_id)
        )
        return conditions.AnswerIs("", frozenset())
    if "is" in item:
        values = item["is"] if isinstance(item["is"], list) else [item["is"]]
        for value in values:
            if value not in question.values:
                say(
                    f"question '{question.id}' has no option {value!r}"
                    + did_you_mean(value, question.values)
                    + f"; its options are: {', '.join(question.values)}"
                )
        return conditions.AnswerIs(question.id, frozenset(values))
    compared = [(k, v) for k, v in item.items() if k in conditions.COMPARISONS]
    if not question.number or len(compared) != 1:
        say(
            f"question '{question.id}': write 'is' with one of its options, or one comparison "
            "(at_least, at_most, above, below) for a number question"
        )
        return conditions.AnswerIs("", frozenset())
    return conditions.Compare(question.id, *compared[0])


def load(ruleset: RuleSet, path: str | Path) -> tuple[list[Row], list[Problem]]:
    """Read the floor table; return its rows and every problem, each at its line."""
    file = str(path)
    try:
        data, lines = yamlfile.load(path)
    except yamlfile.FileProblems as error:
        return [], list(error.problems)
    if not isinstance(data, list):
        return [], [Problem(file, 1, "the table should be a list of rows, each starting '- finding: ...'")]
    rows: list[Row] = []
    problems: list[Problem] = []
    for index, row in enumerate(data):
        line = yamlfile.line_of(lines, (index,))
        before = len(problems)

        def say(message: str, key: str | None = None, index: int = index, line: int = line) -> None:
            at = yamlfile.line_of(lines, (index, key)) if key else line
            problems.append(Problem(file, at, f"row {index + 1}: {message}"))

        if not isinstance(row, dict) or set(row) != set(ROW_KEYS):
            say(f"each row has exactly {', '.join(ROW_KEYS)}")
            continue
        if row["level"] not in LEVEL_IDS:
            say(
                f"level {row['level']!r} is not one of: {', '.join(LEVEL_IDS)}"
                + did_you_mean(row["level"], LEVEL_IDS),
                "level",
            )
        for category in row["categories"] or []:
            if category not in ruleset.categories:
                say(
                    f"there is no category {category!r}"
                    + did_you_mean(category, ruleset.categories)
                    + f"; the categories are: {', '.join(ruleset.categories)}",
                    "categories",
                )
        when = _condition(ruleset, row["when"], lambda message: say(message, "when"))
        if len(problems) == before:
            rows.append(
                Row(
                    str(row["finding"]),
                    Level.from_id(row["level"]),
                    frozenset(row["categories"] or ()),
                    when,
                    line,
                )
            )
    return rows, problems


def _combinations(ruleset: RuleSet, most: int = 3) -> Iterator[dict[str, str]]:
    warnings = [(q.id, o.value) for q in ruleset.questions if not q.number for o in q.options[1:]]
    for size in range(most + 1):
        for chosen in itertools.combinations(warnings, size):
            if len({question for question, _ in chosen}) == size:
                yield dict(chosen)


def _number_values(ruleset: RuleSet, short: bool) -> list[dict[str, int | None]]:
    """Values of the number questions to try: not known, and each side of every limit rules use."""
    numbers = [q for q in ruleset.questions if q.number]
    tried: list[dict[str, int | None]] = [{q.id: None for q in numbers}]
    for question in numbers:
        limits = set().union(*(_limits(rule.when, question.id) for rule in ruleset.rules))
        edges = {question.minimum or 0, question.maximum or 0} | {e + d for e in limits for d in (0, 1)}
        low, high = question.minimum, question.maximum
        values = sorted(e for e in edges if (low is None or e >= low) and (high is None or e <= high))
        if short:  # three answers at a time are many: "not known" only, which the safety
            values = []  # check proves at least as cautious as any number (monotonicity)
        tried += [{**tried[0], question.id: value} for value in values]
    return tried


def _limits(condition, question_id: str) -> set[int]:
    if isinstance(condition, conditions.Compare):
        return {int(condition.limit)} if condition.question == question_id else set()
    parts = getattr(condition, "parts", None) or [getattr(condition, "part", None)]
    return set().union(*(_limits(p, question_id) for p in parts if p is not None))


def check(ruleset: RuleSet, path: str | Path) -> tuple[list[Problem], int]:
    """Return every way the rules fall below the table (one per row), and the answer sets tried."""
    rows, problems = load(ruleset, path)
    if problems:
        return problems, 0
    file = str(path)
    mildest = engine.check_answers(ruleset, {})
    for numbers in _number_values(ruleset, short=False):
        calm = {**mildest, **numbers}
        for row in rows:
            if row.when.holds(calm):
                problems.append(
                    Problem(
                        file,
                        row.line,
                        f"'{row.finding}' applies even when every "
                        "answer is at its mildest: its condition is too wide",
                    )
                )
    by_question: dict[str, list[Row]] = {}
    for row in rows:
        for question in row.when.questions():
            by_question.setdefault(question, []).append(row)
    below: dict[int, str] = {}
    tried = 0
    every, short = _number_values(ruleset, short=False), _number_values(ruleset, short=True)
    rules = ruleset.rules
    for chosen in _combinations(ruleset):
        applicable = {id(row): row for q in chosen for row in by_question.get(q, ())}.values()
        if not applicable:
            continue
        for numbers in short if len(chosen) >= 3 else every:
            state = {**mildest, **chosen, **numbers}  # valid answers: no need to check them again
            fired = [rule for rule in rules if rule.when.holds(state)]
            level = max((rule.level for rule in fired), default=Level.NONE)
            shown = {rule.category for rule in fired}
            tried += 1
            for row in applicable:
                if row.line in below or not row.when.holds(state):
                    continue
                if level < row.level or not row.categories <= shown:
                    said = ", ".join(
                        f"{q.replace('_', ' ')}: {v}"
                        for q, v in {**chosen, **numbers}.items()
                        if v is not None
                    )
                    below[row.line] = (
                        f"'{row.finding}' needs at least {row.level.id.upper()}"
                        + (f" {sorted(row.categories)}" if row.categories else "")
                        + f", but with {said} the rules give {level.id.upper()} {sorted(shown)}: "
                        "raise the rule that covers it, add a rule, or change this row"
                    )
    problems += [Problem(file, line, message) for line, message in sorted(below.items())]
    return problems, tried
