"""The answer space: every value each question takes in the proofs, and samples of it.

Every choice question takes each of its options. A number question takes "not known" and its
boundary values: for every limit a rule compares it with, limit - 1, limit and limit + 1, and
the question's min and max. Between two neighbouring boundary values every comparison in the
file gives the same answer, so these values stand for every whole number from min to max.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Mapping

from ..engine import conditions
from ..engine.model import Answer, Question, RuleSet
from .words import count, question_words

State = dict[str, Answer]
Domain = Mapping[str, tuple[Answer, ...]]


def atoms(condition: object) -> Iterator[object]:
    """Yield the conditions that are not all/any/not: answer checks and comparisons."""
    if isinstance(condition, (conditions.AllOf, conditions.AnyOf)):
        for part in condition.parts:
            yield from atoms(part)
    elif isinstance(condition, conditions.Not):
        yield from atoms(condition.part)
    else:
        yield condition


def number_values(ruleset: RuleSet, question: Question) -> tuple[Answer, ...]:
    """Return "not known" and the boundary values of a number question, in order."""
    limits = {
        atom.limit
        for rule in ruleset.rules
        for atom in atoms(rule.when)
        if isinstance(atom, conditions.Compare) and atom.question == question.id
    }
    values = {v for limit in limits for v in (limit - 1, limit, limit + 1)}
    values |= {v for v in (question.minimum, question.maximum) if v is not None}
    low: float = question.minimum if question.minimum is not None else -math.inf
    high: float = question.maximum if question.maximum is not None else math.inf
    values = {v for v in values if low <= v <= high} or {0 if low <= 0 <= high else int(low)}
    return (None, *sorted(values))


def domains(ruleset: RuleSet) -> dict[str, tuple[Answer, ...]]:
    """Return every value each question takes in the state space, mildest first for choices."""
    return {q.id: number_values(ruleset, q) if q.number else q.values for q in ruleset.questions}


class Space:
    """Every set of answers the check covers: one value per question, from its domain."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.domain = domains(ruleset)
        self.size = math.prod(len(values) for values in self.domain.values())

    def words(self) -> str:
        """Say the space, e.g. "every option of 17 choice questions, with days ... at 9 values"."""
        choices = [q for q in self.ruleset.questions if not q.number]
        words = [f"every option of {count(len(choices), 'choice question')}"]
        for q in self.ruleset.questions:
            if q.number:
                values = self.domain[q.id]
                shown = ", ".join("not known" if v is None else str(v) for v in values)
                words.append(f"{question_words(q.id)} at {count(len(values), 'value')}: {shown}")
        return ", with ".join(words)

    def key(self, state: State) -> tuple[Answer, ...]:
        """Return a set of answers as a tuple in the questions' order (a dictionary key)."""
        return tuple(state[q.id] for q in self.ruleset.questions)

    def states(self, samples: int, seed: int) -> list[State]:
        """Return every state if there are no more than `samples`; else the mildest and most
        serious answers (with every value of each number question) and `samples` random states."""
        questions = self.ruleset.questions
        if self.size <= samples:
            ids = [q.id for q in questions]
            return [
                dict(zip(ids, row, strict=True)) for row in itertools.product(*(self.domain[q] for q in ids))
            ]
        rng = random.Random(seed)
        corners = []
        for pick in (0, -1):
            for number in itertools.product(*(self.domain[q.id] for q in questions if q.number)):
                it = iter(number)
                corners.append({q.id: next(it) if q.number else q.values[pick] for q in questions})
        randoms = [{q: rng.choice(values) for q, values in self.domain.items()} for _ in range(samples)]
        return corners + randoms
