"""What the review sheet shows beyond the rules as sentences: the review status said once,
compound conditions as "all of / any of" lists, what each answer alone leads to, and links
from rule sources to the project's docs/clinical-basis.md.

Pure Python (no Flask); the /rules page (triage/sheet.py) renders it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import engine
from ..engine import conditions
from ..engine.model import Level, Question, RuleSet
from ..rules.review import condition_text


@dataclass(frozen=True)
class Node:
    """A condition as the sheet shows it: a sentence, or "all of" / "any of" a list."""

    text: str = ""
    kind: str = ""  # "", "all of", "any of", "none of", "not all of"
    parts: tuple[Node, ...] = ()


def condition_tree(condition, ruleset: RuleSet, language: str = "en") -> Node:
    """Return a condition as nested "all of / any of" lists of plain sentences."""
    if isinstance(condition, (conditions.AllOf, conditions.AnyOf)) and len(condition.parts) > 1:
        kind = "all of" if isinstance(condition, conditions.AllOf) else "any of"
        return Node(kind=kind, parts=tuple(condition_tree(p, ruleset, language) for p in condition.parts))
    groups = (conditions.AllOf, conditions.AnyOf)
    if isinstance(condition, conditions.Not) and isinstance(condition.part, groups):
        inner = condition_tree(condition.part, ruleset, language)
        if inner.kind:
            return Node(kind={"all of": "not all of", "any of": "none of"}[inner.kind], parts=inner.parts)
    return Node(text=condition_text(condition, ruleset, language))


@dataclass(frozen=True)
class AnswerRow:
    answer: str
    level: Level | None  # None: this answer alone leads to no warning
    rules: tuple[str, ...]


def _cuts(condition, question_id: str) -> set[int]:
    """Return the numbers c where "at most c" and "more than c" can differ for this question."""
    if isinstance(condition, conditions.Compare):
        if condition.question != question_id:
            return set()
        return {condition.limit - 1 if condition.comparison in ("at_least", "below") else condition.limit}
    parts = getattr(condition, "parts", None) or ([condition.part] if hasattr(condition, "part") else [])
    return set().union(set(), *(_cuts(part, question_id) for part in parts))


def _row(ruleset: RuleSet, answer: str, answers: dict) -> AnswerRow:
    result = engine.evaluate(ruleset, answers)
    return AnswerRow(
        answer, result.level if result.warnings else None, tuple(w.rule.id for w in result.warnings)
    )


def answer_table(ruleset: RuleSet, language: str = "en") -> list[tuple[Question, list[AnswerRow]]]:
    """Return, for each question, what each answer alone leads to (computed with the engine).

    "Alone": every other question at its first (mildest) answer and every number not known.
    A number question gets one row per range its rules tell apart, and one for "not known".
    """
    table = []
    for question in ruleset.questions:
        if not question.number:
            rows = [
                _row(ruleset, option.label.in_language(language), {question.id: option.value})
                for option in question.options
            ]
        else:
            low, high = question.minimum or 0, question.maximum
            cuts = sorted(
                c
                for rule in ruleset.rules
                for c in _cuts(rule.when, question.id)
                if low <= c < (high if high is not None else c + 1)
            )
            starts = [low] + [c + 1 for c in dict.fromkeys(cuts)]
            ends = [c for c in dict.fromkeys(cuts)] + [high]
            unit = f" {question.unit.in_language(language)}" if question.unit else ""
            rows = [
                _row(
                    ruleset,
                    (
                        f"{a}{unit}"
                        if a == b
                        else f"{a} to {b}{unit}"
                        if b is not None
                        else f"{a}{unit} or more"
                    ),
                    {question.id: a},
                )
                for a, b in zip(starts, ends, strict=True)
            ]
            rows.append(_row(ruleset, "not known", {}))
        table.append((question, rows))
    return table


SOURCE_LINK = re.compile(r"docs/clinical-basis\.md(?:#([A-Za-z0-9_-]+))?")


def source_parts(source: str) -> list[tuple[str, str | None]]:
    """Split a rule's source into (text, anchor) parts; a docs/clinical-basis.md citation gets
    its section's anchor ("" for the document itself), any other text None."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in SOURCE_LINK.finditer(source):
        if match.start() > at:
            parts.append((source[at : match.start()], None))
        parts.append((match.group(0), match.group(1) or ""))
        at = match.end()
    if at < len(source):
        parts.append((source[at:], None))
    return parts
