"""The solver encoding: every rule as a table of the engine's own answers, then a z3 formula.

Each rule's condition is evaluated, with the engine's own code, on every combination of the
answers it reads (a large condition part by part); a read of any other answer is an error. This
proves totality and gives each rule as a table. Each value of a question is a whole number for
the solver: its position in the question's domain (see space.py).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any

from ..engine import conditions
from ..engine.model import Answer, Level, Rule
from .space import Space, State

# z3 ships no type hints: a formula is a z3 BoolRef, a model a z3 ModelRef.
Formula = Any
Model = Any
Ask = Callable[..., Model | None]  # ask(z3 solver, *formulas)


class UndeclaredRead(RuntimeError):
    """A condition read an answer it does not declare in questions()."""


class Undecided(Exception):
    """The solver could not decide in time."""


class Reads(Mapping[str, Answer]):
    """The answers a condition may read; reading any other one is an error."""

    def __init__(self, values: Mapping[str, Answer]):
        self._values = values

    def __getitem__(self, key: str) -> Answer:
        if key not in self._values:
            raise UndeclaredRead(f"it reads the answer to '{key}', which it does not declare")
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def ask(solver: Any, *formulas: Formula) -> Model | None:
    """Return a model if the formulas can hold together, None if they cannot."""
    import z3  # type: ignore[import-untyped]

    solver.push()
    solver.add(*formulas)
    try:
        verdict = solver.check()
        if verdict == z3.unknown:
            raise Undecided(solver.reason_unknown())
        return solver.model() if verdict == z3.sat else None
    finally:
        solver.pop()


class Solver:
    """One z3 solver over the answer space."""

    def __init__(self, solver: Any, ask: Ask):
        self._solver, self._ask = solver, ask

    def ask(self, *formulas: Formula) -> Model | None:
        """Return a model if the formulas can hold together, None if they cannot."""
        return self._ask(self._solver, *formulas)


class Encoding:
    """Every rule as a table of the engine's own answers, then (given z3) as a formula.

    Without z3 only the tables are made: enough for totality, and for sampling the rest.
    """

    def __init__(
        self, space: Space, z3: ModuleType | None, *, table_limit: int, timeout_ms: int, ask: Ask = ask
    ):
        self.ruleset, self.domain, self.z3 = space.ruleset, space.domain, z3
        self.table_limit, self.timeout_ms, self._ask = table_limit, timeout_ms, ask
        self.evaluations = 0
        self.errors: list[tuple[Rule, State, str]] = []  # (rule, answers, what went wrong)
        self.vars = {q: z3.Int(q) for q in self.domain} if z3 else {}
        # "question q has its i-th value", made once: a table row is an And of these, and making
        # each anew through z3's Python API (4,715 rows on the shipped rules) took over half of
        # the encoding's time (2.6 s of the check's 7.5 s CPU, now 1.2 s).
        self.is_value: dict[tuple[str, Answer], Formula] = {}
        for q, values in self.domain.items() if z3 else ():
            for i, value in enumerate(values):
                self.is_value.setdefault((q, value), self.vars[q] == i)
        self.fires: dict[str, Formula] = {}  # rule id -> "the rule fires"
        for rule in self.ruleset.rules:
            formula = self._compile(rule.when, rule, top=True)
            if z3 is not None:
                self.fires[rule.id] = formula

    def _compile(self, node: Any, rule: Rule, top: bool = False) -> Formula:
        """Tabulate a condition whole, or an and/or/not of more than `table_limit` rows by part."""
        questions = sorted(node.questions())
        size = math.prod(len(self.domain.get(q, ())) for q in questions)
        composite = isinstance(node, (conditions.AllOf, conditions.AnyOf, conditions.Not))
        if size > self.table_limit and composite:
            if isinstance(node, conditions.Not):
                inner = self._compile(node.part, rule)
                return self.z3.Not(inner) if self.z3 else None
            parts = [self._compile(part, rule) for part in node.parts]
            if self.z3 is None:
                return None
            return self.z3.And(*parts) if isinstance(node, conditions.AllOf) else self.z3.Or(*parts)
        return self._table(node, rule, questions, top)

    def _table(self, node: Any, rule: Rule, questions: list[str], top: bool) -> Formula:
        unknown = [q for q in questions if q not in self.domain]
        if unknown:
            self.errors.append((rule, {}, f"it reads '{unknown[0]}', which is not a question"))
            return self.z3.BoolVal(False) if self.z3 else None
        true_rows: list[tuple[Answer, ...]] = []
        false_rows: list[tuple[Answer, ...]] = []
        for row in itertools.product(*(self.domain[q] for q in questions)):
            values = dict(zip(questions, row, strict=True))
            self.evaluations += 1
            try:
                holds = node.holds(Reads(values))
                if not isinstance(holds, bool):
                    raise TypeError(f"it gives {holds!r}, not true or false")
                if holds and top:
                    extra = set(node.because(Reads(values))) - set(self.domain)
                    if extra:
                        raise UndeclaredRead(
                            f"it names '{sorted(extra)[0]}' as a reason, which is not a question"
                        )
            except Exception as error:  # any error is a totality failure, never "no warning"
                self.errors.append((rule, values, f"{type(error).__name__}: {error}"))
                holds = False
            (true_rows if holds else false_rows).append(row)
        if self.z3 is None:
            return None
        return self._formula(questions, true_rows, false_rows)

    def _formula(
        self, questions: list[str], true_rows: list[tuple[Answer, ...]], false_rows: list[tuple[Answer, ...]]
    ) -> Formula:
        """Say a table as a formula: its true rows, or not its false rows, whichever is shorter."""
        z3 = self.z3
        assert z3 is not None

        def matches(row: tuple[Answer, ...]) -> Formula:
            terms = [self.is_value[q, v] for q, v in zip(questions, row, strict=True)]
            return terms[0] if len(terms) == 1 else z3.And(*terms)

        if not true_rows:
            return z3.BoolVal(False)
        if not false_rows:
            return z3.BoolVal(True)
        if len(true_rows) <= len(false_rows):
            return z3.Or(*map(matches, true_rows)) if len(true_rows) > 1 else matches(true_rows[0])
        return z3.Not(z3.Or(*map(matches, false_rows)) if len(false_rows) > 1 else matches(false_rows[0]))

    # -- the solver's view of the level
    def at_least(self, level: Level) -> Formula:
        """The formula "the level is at least `level`"."""
        assert self.z3 is not None
        chosen = [r for r in self.ruleset.rules if r.level >= level]
        if level <= Level.NONE:
            return self.z3.BoolVal(True)
        return self.z3.Or(*[self.fires[r.id] for r in chosen]) if chosen else self.z3.BoolVal(False)

    def level(self, state: State) -> Level:
        """Return the level the formulas give a complete set of answers."""
        z3 = self.z3
        assert z3 is not None
        pairs = [(self.vars[q], z3.IntVal(self.domain[q].index(v))) for q, v in state.items()]
        for candidate in sorted(Level, reverse=True):
            if candidate == Level.NONE:
                break
            if z3.is_true(z3.simplify(z3.substitute(self.at_least(candidate), *pairs))):
                return candidate
        return Level.NONE

    def solver(self) -> Solver:
        """Return a fresh solver that knows each answer's range of values."""
        assert self.z3 is not None
        solver = self.z3.Solver()
        solver.set("timeout", self.timeout_ms)
        for q, var in self.vars.items():
            solver.add(var >= 0, var < len(self.domain[q]))
        return Solver(solver, self._ask)

    def state(self, model: Model) -> State:
        """Return the answers a solver's model stands for."""
        return {
            q: self.domain[q][model.eval(var, model_completion=True).as_long()]
            for q, var in self.vars.items()
        }

    def set_to(self, formula: Formula, question: str, value: Answer) -> Formula:
        """Return `formula` with one question's answer fixed."""
        assert self.z3 is not None
        return self.z3.substitute(
            formula, (self.vars[question], self.z3.IntVal(self.domain[question].index(value)))
        )
