"""Answers that reach each level, found in the loaded rules (never pinned to the shipped file)."""

from __future__ import annotations

import itertools

from triage import engine
from triage.engine import signs
from triage.engine.model import Level


def single_answers(ruleset):
    """Every (question id, value) a person could give, one question at a time."""
    for question in ruleset.questions:
        if question.number:
            for value in {question.minimum or 0, question.maximum or 0}:
                yield question.id, value
        else:
            for value in question.values[1:]:
                yield question.id, value


def answers_reaching(ruleset, level: Level) -> dict:
    """Return the fewest answers (one, else two) whose result is exactly `level`."""
    if level == Level.NONE:
        return {}
    singles = list(single_answers(ruleset))
    for size in (1, 2):
        for combination in itertools.combinations(singles, size):
            answers = dict(combination)
            if len(answers) == size and engine.evaluate(ruleset, answers).level == level:
                return answers
    raise LookupError(f"no one or two answers reach {level.id} in these rules")


def full_answers(ruleset, chosen: dict) -> dict:
    """Every choice question answered (its first option unless chosen); numbers as chosen."""
    answers = {q.id: q.values[0] for q in ruleset.questions if not q.number}
    answers.update(chosen)
    return answers


def one_answer_per_level(ruleset) -> dict[Level, dict]:
    """For each level some single answer reaches, those answers (mildest everywhere else)."""
    found = {Level.NONE: signs.mildest(ruleset)}
    for question in ruleset.questions:
        for value in question.values:
            answers = {**signs.mildest(ruleset), question.id: value}
            found.setdefault(engine.evaluate(ruleset, answers).level, answers)
    return found
