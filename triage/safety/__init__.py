"""Prove four safety properties of a loaded rule set, and find counterexamples in clinic words.

The properties (issue 6), one module and one object each, with `prove` (by the z3 solver) and
`sample` (by the engine, when the solver cannot decide in time):

1. Totality (totality.py): every set of answers gets a level, without an error.
2. Monotonicity (monotonicity.py): making one answer more serious never lowers the level.
3. Red-flag floor (red_flags.py): an answer marked `red_flag: <level>` gives at least that
   level, whatever else is answered.
4. Reachability (reachability.py): every rule can fire. A rule that can fire but is *hidden*
   is reported as a warning, not a failure.

The rest of the package:

- space.py: the state space. Every choice question takes each of its options (a choice left out
  counts as its first, mildest option, exactly as the engine does); a number question takes
  "not known" and its boundary values, which stand for every whole number from min to max. A
  result over them is a result over all answers.
- encoding.py: each rule's condition evaluated by the engine on every combination of the answers
  it reads (this proves totality), then as a formula for the z3 SMT solver (z3-solver on PyPI),
  which proves properties 2-4 over the whole state space or returns a counterexample.
- counterexample.py, words.py: every counterexample is replayed with the real engine, shrunk to
  the fewest answers that still show it, and said in the clinic's words.
- sample.py: if the solver cannot decide a question in time, that property falls back to random
  sampling with the engine, and is reported as SAMPLED with the number of states tried.
- report.py: the results.

What "more serious" means is `Question.more_serious_pairs` in triage/model.py, the one order
the loader checks and the proofs use.
"""

from __future__ import annotations

import importlib
import time
from types import ModuleType
from typing import Protocol

from ..engine.model import Question, RuleSet
from .encoding import Encoding, Undecided, UndeclaredRead
from .encoding import ask as _ask
from .monotonicity import Monotonicity
from .reachability import Reachability
from .red_flags import RedFlagFloor
from .report import (
    FAILED,
    NOT_CHECKED,
    PROPERTY_NAMES,
    PROVED,
    SAMPLED,
    Finding,
    PropertyResult,
    SafetyReport,
)
from .sample import Sample
from .space import Space, State, domains, number_values
from .totality import Totality

__all__ = [
    "FAILED",
    "NOT_CHECKED",
    "PROPERTY_NAMES",
    "PROVED",
    "SAMPLED",
    "SAMPLES",
    "SOLVER_TIMEOUT_MS",
    "TABLE_LIMIT",
    "Finding",
    "PropertyResult",
    "SafetyReport",
    "State",
    "UndeclaredRead",
    "check",
    "domains",
    "more_serious_pairs",
    "next_up",
    "number_values",
]

# The check's settings, read each time check() runs (so a test can change them here, and
# stand in an undecided solver for `_ask`, the one function that asks the solver).
TABLE_LIMIT = 4096  # tabulate a condition whole if it reads at most this many combinations
SOLVER_TIMEOUT_MS = 20_000  # per solver question; past it, the property is sampled instead
SAMPLES = 2_000  # base states for a sampled property

_Undecided = Undecided  # the name tests use


class Property(Protocol):
    """Properties 2-4: proved by the solver, or sampled with the engine."""

    def prove(self, encoding: Encoding) -> PropertyResult: ...

    def sample(self, sample: Sample) -> PropertyResult: ...


def check(ruleset: RuleSet, *, prove: bool = True, samples: int | None = None, seed: int = 0) -> SafetyReport:
    """Check the four properties of a loaded rule set.

    With prove=True (the default) properties 2-4 are proved with the z3 solver, falling back to
    sampling for a property the solver cannot decide in time; prove=False samples them all.
    """
    started = time.perf_counter()
    samples = SAMPLES if samples is None else samples
    space = Space(ruleset)
    encoding = Encoding(
        space,
        _import_z3() if prove else None,
        table_limit=TABLE_LIMIT,
        timeout_ms=SOLVER_TIMEOUT_MS,
        ask=_ask,
    )
    states = space.states(samples, seed)
    total = Totality(space).prove(encoding, states)
    results = [total]
    if not total.ok:
        results += [
            PropertyResult(
                n,
                PROPERTY_NAMES[n - 1],
                NOT_CHECKED,
                "not checked until every set of answers gets a level",
                0,
            )
            for n in (2, 3, 4)
        ]
    else:
        sample = Sample(space, states, exhaustive=space.size <= samples)
        properties: tuple[Property, ...] = (Monotonicity(space), RedFlagFloor(space), Reachability(space))
        for checked in properties:
            results.append(_prove_or_sample(checked, encoding, sample))
    return SafetyReport(tuple(results), space.words(), space.size, time.perf_counter() - started)


def _prove_or_sample(checked: Property, encoding: Encoding, sample: Sample) -> PropertyResult:
    if encoding.z3 is not None:
        try:
            return checked.prove(encoding)
        except Undecided:
            pass
    return checked.sample(sample)


def _import_z3() -> ModuleType | None:
    try:
        return importlib.import_module("z3")  # imported when a check runs, not with the app
    except ImportError:  # pragma: no cover - z3-solver is a dependency; sample rather than stop
        return None


# ------------------------------------------------------------------ the order of answers
# Kept for callers of the old module; the order itself is defined on Question.


def more_serious_pairs(question: Question) -> set[tuple[str, str]]:
    """Return every (milder, more serious) pair of options of a choice question."""
    return set(question.more_serious_pairs)


def next_up(question: Question) -> list[tuple[str, str]]:
    """Return the (option, next more serious option) steps: pairs with nothing in between."""
    return list(question.next_up)
