"""Property 3, the red-flag floor: an answer marked `red_flag: <level>` gives at least that level,
whatever else is answered."""

from __future__ import annotations

from ..engine.model import Level, Question
from .counterexample import Shown, fired, level
from .encoding import Encoding
from .report import FAILED, PROPERTY_NAMES, PROVED, Finding, PropertyResult
from .sample import Sample
from .space import Space, State
from .words import answer_words, count, joined


class RedFlagFloor:
    number = 3
    name = PROPERTY_NAMES[2]

    def __init__(self, space: Space):
        self.space, self.ruleset, self.shown = space, space.ruleset, Shown(space)

    def flags(self) -> list[tuple[Question, str, Level]]:
        """Every red-flag answer: (question, option, the least level it needs)."""
        return [
            (q, o.value, o.red_flag)
            for q in self.ruleset.questions
            for o in q.options
            if o.red_flag is not None
        ]

    def prove(self, encoding: Encoding) -> PropertyResult:
        """Ask the solver, for each red-flag answer, for other answers that give less."""
        assert encoding.z3 is not None
        failures = []
        flags = self.flags()
        solver = encoding.solver()
        for question, value, floor in flags:
            if floor <= Level.NONE:
                continue
            var = encoding.vars[question.id]
            model = solver.ask(
                var == self.space.domain[question.id].index(value), encoding.z3.Not(encoding.at_least(floor))
            )
            if model is not None:
                failures.append(self.finding(question, value, floor, encoding.state(model)))
        how = (
            f"the z3 solver checked {count(len(flags), 'red-flag answer')} against every "
            "set of the other answers"
        )
        return PropertyResult(
            self.number, self.name, FAILED if failures else PROVED, how, self.space.size, tuple(failures)
        )

    def sample(self, sample: Sample) -> PropertyResult:
        """Try each red-flag answer with each sampled set of answers, with the engine."""
        failures = []
        found = set()
        flags = self.flags()
        for state in sample.states:
            for question, value, floor in flags:
                trial = {**state, question.id: value}
                if (question.id, value) not in found and sample.level(trial) < floor:
                    found.add((question.id, value))
                    failures.append(self.finding(question, value, floor, trial))
        return sample.result(self.number, "each red-flag answer, tried with", failures)

    def finding(self, question: Question, value: str, floor: Level, state: State) -> Finding:
        """Say a set of answers with a red flag that gives less than its floor, shrunk."""
        ruleset = self.ruleset

        def still(trial: State) -> bool:
            return level(ruleset, trial) < floor

        state, irrelevant = self.shown.shrink({**state, question.id: value}, still, fixed={question.id})
        result = level(ruleset, state)
        option = question.option(value)
        own = [r for r in fired(ruleset, state) if question.id in r.when.questions()]
        gives = (
            joined([f"rule '{r.id}' (line {r.line}) gives {r.level.id.upper()}" for r in own])
            if own
            else f"no rule fires on {answer_words(question, value)} alone"
        )
        others = self.shown.answers(state, (question.id,), irrelevant)
        text = (
            f"line {option.line}: `{question.id}: {value}` is a red flag for {floor.id.upper()}, but "
            + (f"with {others}, " if others else "")
            + f"{gives}, so the result is "
            f"{result.id.upper()}: raise the rule to {floor.id.upper()} (or add one), or lower the "
            f"red flag on line {option.line}"
        )
        return Finding(
            text,
            state,
            tuple(r.id for r in fired(ruleset, state)),
            f"rules firing: {self.shown.fired(state)}",
            option.line,
        )
