"""Counterexamples in the clinic's words: run answers through the engine, shrink, then say them.

Every counterexample is replayed with the real engine (engine.evaluate) and shrunk to the fewest
answers that still show it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from .. import engine
from ..engine.model import Level, Rule, RuleSet
from .space import Space, State
from .words import answer_words, joined


def fired(ruleset: RuleSet, state: State) -> list[Rule]:
    """Return the rules that fire on a complete set of answers."""
    return [rule for rule in ruleset.rules if rule.when.holds(state)]


def level(ruleset: RuleSet, state: State) -> Level:
    """Return the engine's level for a complete set of answers."""
    return engine.evaluate(ruleset, state).level


class Shown:
    """Shrink a counterexample with the engine, then say it in the clinic's words."""

    def __init__(self, space: Space):
        self.ruleset, self.domain = space.ruleset, space.domain

    def shrink(
        self, state: State, still: Callable[[State], bool], fixed: Collection[str] = ()
    ) -> tuple[State, set[str]]:
        """Make answers as mild as possible while `still(state)` holds; return the state and
        the number questions whose value does not matter."""
        state = dict(state)
        for question in self.ruleset.questions:
            if question.id in fixed or question.number:
                continue
            for value in self.domain[question.id]:
                if value == state[question.id]:
                    break
                trial = {**state, question.id: value}
                if still(trial):
                    state = trial
                    break
        irrelevant = set()
        for question in self.ruleset.questions:
            if question.id in fixed or not question.number:
                continue
            works = [v for v in self.domain[question.id] if still({**state, question.id: v})]
            if len(works) == len(self.domain[question.id]):
                irrelevant.add(question.id)
                state[question.id] = None
            elif works and state[question.id] not in works:
                state[question.id] = works[0]
        return state, irrelevant

    def answers(self, state: State, leave_out: Collection[str] = (), irrelevant: Collection[str] = ()) -> str:
        """Say the answers that are not the mildest, e.g. "fever: yes and headache: severe"."""
        parts = []
        for question in self.ruleset.questions:
            value = state[question.id]
            if question.id in leave_out or question.id in irrelevant:
                continue
            if question.number and not any(question.id in r.when.questions() for r in self.ruleset.rules):
                continue
            if not question.number and value == question.values[0]:
                continue
            parts.append(answer_words(question, value))
        return joined(parts)

    def with_(self, state: State, leave_out: Collection[str] = (), irrelevant: Collection[str] = ()) -> str:
        """Say "with <answers>", or "with every answer at its mildest"."""
        said = self.answers(state, leave_out, irrelevant)
        return f"with {said}" if said else "with every answer at its mildest"

    def fired(self, state: State) -> str:
        """Name the rules that fire, for the rule author."""
        return ", ".join(rule.id for rule in fired(self.ruleset, state)) or "no rule"
