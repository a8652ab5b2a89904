"""Sampling with the engine: for a property the solver cannot decide in time (or prove=False).

With no more states than samples, every state is tried, and a sampled property is PROVED.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.model import Answer, Level, Rule
from .counterexample import fired
from .report import FAILED, PROPERTY_NAMES, PROVED, SAMPLED, Finding, PropertyResult
from .space import Space, State


class Sample:
    """Sets of answers to try, and the engine's level for each one tried (shared by properties)."""

    def __init__(self, space: Space, states: list[State], *, exhaustive: bool):
        self.space, self.states, self.exhaustive = space, states, exhaustive
        self.levels: dict[tuple[Answer, ...], Level] = {}  # every state tried, by Space.key

    def level(self, state: State) -> Level:
        """Return the level of a set of answers, remembering it."""
        key = self.space.key(state)
        if key not in self.levels:
            self.levels[key] = max((r.level for r in fired(self.space.ruleset, state)), default=Level.NONE)
        return self.levels[key]

    def remember(self, state: State, rules: list[Rule]) -> None:
        """Remember the level of a set of answers whose firing rules are known."""
        self.levels.setdefault(self.space.key(state), max((r.level for r in rules), default=Level.NONE))

    def result(
        self,
        number: int,
        what: str,
        failures: Sequence[Finding],
        warnings: Sequence[Finding] = (),
        extra: str = "",
    ) -> PropertyResult:
        """Return a sampled property's result: `what` was tried with every (or so many) states."""
        if self.exhaustive:
            status, how = PROVED, f"{what} every one of the {len(self.levels)} sets of answers, by the engine"
        else:
            status, how = (
                SAMPLED,
                (
                    f"{what} {len(self.levels)} sampled sets of answers, by the engine "
                    "(a sample can miss a counterexample)"
                ),
            )
        how += extra
        return PropertyResult(
            number,
            PROPERTY_NAMES[number - 1],
            FAILED if failures else status,
            how,
            len(self.levels),
            tuple(failures),
            tuple(warnings),
            sampled=not self.exhaustive,
        )
