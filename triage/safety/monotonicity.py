"""Property 2, monotonicity: making one answer more serious never lowers the level.

"More serious" is `Question.more_serious_pairs` (the order the loader checks). The check steps
each answer to the *next* option up (`Question.next_up`; a longer step is a chain of next
steps). A number has no direction: fewer days since surgery is not worse in general (a fever in
the first 90 days is more urgent than one later, a red edge on a cut is normal only in the first
30), so known numbers are not compared with each other. But "not known" must be at least as
cautious as any number: not knowing the date of surgery must never give calmer advice than some
date would. So "not known" counts as the most serious value of a number question.
"""

from __future__ import annotations

from ..engine.model import Answer, Level, Question
from .counterexample import Shown, fired, level
from .encoding import Encoding
from .report import FAILED, PROPERTY_NAMES, PROVED, Finding, PropertyResult
from .sample import Sample
from .space import Space, State
from .words import answer_words, count, joined, question_words, value_words

Step = tuple[Question, Answer, Answer]  # (question, an answer, a more serious answer)


class Monotonicity:
    number = 2
    name = PROPERTY_NAMES[1]

    def __init__(self, space: Space):
        self.space, self.ruleset, self.shown = space, space.ruleset, Shown(space)

    def steps(self) -> list[Step]:
        """Every one-answer step up in seriousness: next option up; a number to "not known"."""
        steps: list[Step] = []
        for question in self.ruleset.questions:
            if question.number:
                steps.extend((question, v, None) for v in self.space.domain[question.id][1:])
            else:
                steps.extend((question, a, b) for a, b in question.next_up)
        return steps

    def prove(self, encoding: Encoding) -> PropertyResult:
        """Ask the solver, for each step and level, for answers where the step lowers the level."""
        assert encoding.z3 is not None
        failures = []
        steps = self.steps()
        queries = 0
        solver = encoding.solver()
        failed_numbers = set()  # one counterexample per number question: its smallest value
        for question, a, b in steps:
            if question.id in failed_numbers:
                continue
            for floor in sorted((lv for lv in Level if lv > Level.NONE), reverse=True):
                if not any(question.id in r.when.questions() for r in self.ruleset.rules if r.level >= floor):
                    continue
                formula = encoding.at_least(floor)
                queries += 1
                model = solver.ask(
                    encoding.set_to(formula, question.id, a),
                    encoding.z3.Not(encoding.set_to(formula, question.id, b)),
                )
                if model is not None:
                    failures.append(self.finding(question, a, b, encoding.state(model)))
                    if question.number:
                        failed_numbers.add(question.id)
                    break
        how = (
            f"the z3 solver checked every one-answer step to a more serious answer "
            f"({count(len(steps), 'step')}, {count(queries, 'solver question')}) over every "
            "set of the other answers" + self._numbers_words()
        )
        return PropertyResult(
            self.number, self.name, FAILED if failures else PROVED, how, self.space.size, tuple(failures)
        )

    def sample(self, sample: Sample) -> PropertyResult:
        """Try every step from each sampled set of answers, with the engine."""
        failures: list[Finding] = []
        found: set[tuple[Answer, ...]] = set()
        steps = self.steps()
        for state in sample.states:
            for question, a, b in steps:
                step = (question.id,) if question.number else (question.id, a, b)
                if step in found:
                    continue
                before, after = {**state, question.id: a}, {**state, question.id: b}
                if sample.level(before) > sample.level(after):
                    found.add(step)
                    failures.append(self.finding(question, a, b, before))
        return sample.result(
            self.number,
            "every one-answer step up to a more serious answer, tried from",
            failures,
            extra=self._numbers_words(),
        )

    def finding(self, question: Question, a: Answer, b: Answer, state: State) -> Finding:
        """Say a step from `a` to `b` that lowers the level, from the mildest answers that show it."""
        ruleset = self.ruleset

        def lowers(trial: State, start: Answer) -> bool:
            return level(ruleset, {**trial, question.id: start}) > level(ruleset, {**trial, question.id: b})

        if not question.number:  # start from the mildest answer the step still fails from
            pairs = question.more_serious_pairs
            a = next(
                (v for v in question.values if (v, a) in pairs and (v, b) in pairs and lowers(state, v)), a
            )
        state, irrelevant = self.shown.shrink(
            {**state, question.id: a}, lambda trial: lowers(trial, a), fixed={question.id}
        )
        before, after = {**state, question.id: a}, {**state, question.id: b}
        level_a, level_b = level(ruleset, before), level(ruleset, after)
        leave_out: tuple[str, ...] = ()
        if question.number:
            change = f"leaving {question_words(question.id)} unanswered"
        elif a == question.values[0]:
            leave_out = (question.id,)
            change = f"adding {answer_words(question, b)}"
        else:
            change = (
                f"changing {question_words(question.id)} from {value_words(question, a)} "
                f"to {value_words(question, b)}"
            )
        text = (
            f"{self.shown.with_(before, leave_out, irrelevant)} the result is "
            f"{level_a.id.upper()}; {change} makes it {level_b.id.upper()}"
        )
        line = 0
        if not question.number:  # the two ways out: reorder the options, or raise the rule
            line = question.option(b).line
            text += (
                f". If '{value_words(question, b)}' is milder than '{value_words(question, a)}', list the "
                f"mildest answer first (line {line}); otherwise make a rule give at least "
                f"{level_a.id.upper()} with '{value_words(question, b)}' too"
            )
        detail = f"rules firing before: {self.shown.fired(before)}; after: {self.shown.fired(after)}"
        return Finding(text, before, tuple(r.id for r in fired(ruleset, before)), detail, line)

    def _numbers_words(self) -> str:
        numbers = [question_words(q.id) for q in self.ruleset.questions if q.number]
        if not numbers:
            return ""
        return (
            f"; {joined(numbers)} has no direction between numbers, but 'not known' must "
            "be at least as cautious as any number"
        )
