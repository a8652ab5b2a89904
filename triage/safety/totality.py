"""Property 1, totality: every set of answers gets a level, without an error.

Proved by the tables of the encoding (each condition evaluated by the engine on every
combination of the answers it reads), then the whole engine is run on the mildest and the most
serious answers and a sample: it must run and agree with the formulas the other proofs use.
"""

from __future__ import annotations

from .counterexample import Shown, level
from .encoding import Encoding
from .report import FAILED, PROPERTY_NAMES, PROVED, Finding, PropertyResult
from .space import Space, State
from .words import count

ENGINE_RUNS = 2 + 200  # whole sets of answers run through the engine: the corners, then a sample


class Totality:
    number = 1
    name = PROPERTY_NAMES[0]

    def __init__(self, space: Space):
        self.space, self.ruleset, self.shown = space, space.ruleset, Shown(space)

    def prove(self, encoding: Encoding, states: list[State]) -> PropertyResult:
        """Prove totality from the encoding's tables; run the engine on the first `states`.

        There is no sampled version: the tables need no solver, so totality is always proved.
        """
        failures = self._table_failures(encoding)
        tried = 0
        if not failures:
            for state in states[:ENGINE_RUNS]:
                tried += 1
                finding = self._engine_failure(encoding, state)
                if finding is not None:
                    failures.append(finding)
                    break
        how = (
            f"the condition of each of {count(len(self.ruleset.rules), 'rule')} was evaluated by the "
            f"engine on every combination of the answers it reads ({encoding.evaluations} "
            "evaluations); the level is the most urgent level of the rules that fire, or NONE; "
            f"the whole engine ran without error on {count(tried, 'full set')} of answers"
            + (" and agreed with the solver's formulas" if encoding.z3 is not None else "")
        )
        status = FAILED if failures else PROVED
        return PropertyResult(self.number, self.name, status, how, self.space.size, tuple(failures))

    def _table_failures(self, encoding: Encoding) -> list[Finding]:
        """One counterexample per rule that could not be evaluated."""
        failures, seen = [], set()
        questions = self.ruleset.questions
        for rule, values, message in encoding.errors:
            if rule.id in seen:
                continue
            seen.add(rule.id)
            state = {
                q.id: (values[q.id] if q.id in values else self.space.domain[q.id][0]) for q in questions
            }
            unread = {q.id for q in questions if q.number and q.id not in values}
            failures.append(
                Finding(
                    f"{self.shown.with_(state, irrelevant=unread)}, rule '{rule.id}' "
                    f"({self.ruleset.where(rule)}) cannot be evaluated: {message}",
                    state,
                    (rule.id,),
                )
            )
        return failures

    def _engine_failure(self, encoding: Encoding, state: State) -> Finding | None:
        """Run the engine on one set of answers: it must not fail, and must agree with the formulas."""
        try:
            engine_level = level(self.ruleset, state)
        except Exception as error:
            return Finding(
                f"{self.shown.with_(state)} the engine fails: {type(error).__name__}: {error}", state
            )
        if encoding.z3 is not None:
            expected = encoding.level(state)
            if expected != engine_level:
                return Finding(
                    f"{self.shown.with_(state)} the engine gives {engine_level.id.upper()} but the "
                    f"safety check computed {expected.id.upper()}: a fault in the safety check "
                    "itself; do not trust its proofs",
                    state,
                )
        return None
