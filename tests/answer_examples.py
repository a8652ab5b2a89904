"""Example answers derived from whatever rule set is loaded, so API tests pin no clinical content."""

from __future__ import annotations

import pytest

from triage import engine
from triage.engine.model import Level, Question, RuleSet


def choice_questions(ruleset: RuleSet) -> list[Question]:
    """Return the choice questions with at least two options, in the rule file's order."""
    return [q for q in ruleset.questions if not q.number and len(q.options) > 1]


def number_question(ruleset: RuleSet) -> Question:
    """Return the first number question, or skip the test when the rule set has none."""
    question = next((q for q in ruleset.questions if q.number), None)
    if question is None:
        pytest.skip("the rule set has no number question")
    return question


def single_answers(ruleset: RuleSet):
    """Yield (answers, result) for each choice answered alone with one of its non-first options."""
    for question in choice_questions(ruleset):
        for value in question.values[1:]:
            answers = {question.id: value}
            yield answers, engine.evaluate(ruleset, answers)


def answers_at(ruleset: RuleSet, level: Level) -> dict:
    """Return answers (one answer, or all answers at their last option) whose result is `level`."""
    if level is Level.NONE:
        return {}
    for answers, result in single_answers(ruleset):
        if result.level is level:
            return answers
    answers = worst_answers(ruleset)
    if engine.evaluate(ruleset, answers).level is level:
        return answers
    pytest.skip(f"no single answer of this rule set reaches {level.id}")


def answers_with_warnings(ruleset: RuleSet) -> dict:
    """Return one answer that gives at least one warning (the most urgent such single answer)."""
    found = [(result.level, answers) for answers, result in single_answers(ruleset) if result.warnings]
    if not found:
        pytest.skip("no single answer of this rule set gives a warning")
    return max(found, key=lambda pair: pair[0])[1]


def worst_answers(ruleset: RuleSet) -> dict:
    """Return every choice at its last option: a check with many warnings."""
    return {q.id: q.values[-1] for q in ruleset.questions if not q.number}


def every_answer(ruleset: RuleSet) -> dict:
    """Return an answer to every question: each choice its first option, each number null."""
    return {q.id: None if q.number else q.values[0] for q in ruleset.questions}
