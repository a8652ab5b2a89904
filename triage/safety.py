"""Prove four safety properties of a loaded rule set, and find counterexamples in clinic words.

The properties (issue 6):

1. Totality: every set of answers gets a level, without an error.
2. Monotonicity: making one answer more serious never lowers the level.
3. Red-flag floor: an answer marked `red_flag: <level>` gives at least that level, whatever else
   is answered.
4. Reachability: every rule can fire. A rule that can fire but is *hidden* is reported as a
   warning, not a failure (see below).

The state space. Every choice question takes each of its options (a choice left out counts as
its first, mildest option, exactly as the engine does). A number question (days since surgery)
takes "not given" and its boundary values: for every limit a rule compares it with, limit - 1,
limit and limit + 1, and the question's min and max. Between two neighbouring boundary values
every comparison in the file gives the same answer, so these values stand for every whole number
from min to max: a result over them is a result over all answers.

What "more serious" means (property 2). A question's options are listed mildest first, so an
option is more serious than every option listed before it, except the pairs the question
declares `not_comparable` (headache `positional` is not "more" than `severe`; both are more than
`mild`). The loader refuses pairs that would make this order contradict itself. The check steps
each answer to the *next* option up (enough: a longer step is a chain of next steps). A number
has no direction: fewer days since surgery is not worse in general (a fever in the first 90 days
is more urgent than one later, a red edge on a cut is normal only in the first 30), so known
numbers are not compared with each other. But "not given" must be at least as cautious as any
number: not knowing the date of surgery must never give calmer advice than some date would. So
for property 2 "not given" counts as the most serious value of a number question.

Hidden rules (property 4). A rule is hidden when, for every set of answers that makes it fire,
another rule of the same category with the same or a more urgent level fires too. A hidden rule
never changes the level or the categories shown, so it cannot cause under-triage; its own title
and advice are still listed. It is worth a look (it may be a leftover, or a condition that is
stricter than meant) but it is not unsafe, so it is a warning.

How. Each rule's condition is first evaluated, with the engine's own code, on every combination
of the answers it reads (a large condition part by part); a read of any other answer is an
error. This proves totality and gives each rule as a table. The tables go to the z3 SMT solver
(z3-solver on PyPI), which proves properties 2-4 over the whole state space or returns a
counterexample. Every counterexample is replayed with the real engine (engine.evaluate) and
shrunk to the fewest answers that still show it. If the solver cannot decide a question in
time, that property falls back to random sampling with the engine, and is reported as SAMPLED
with the number of states tried.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from . import conditions, engine
from .model import Answer, Level, Question, Rule, RuleSet

PROVED = "proved"
SAMPLED = "sampled"
FAILED = "failed"
NOT_CHECKED = "not checked"

PROPERTY_NAMES = ("Totality", "Monotonicity", "Red-flag floor", "Reachability")
TABLE_LIMIT = 4096  # tabulate a condition whole if it reads at most this many combinations
SOLVER_TIMEOUT_MS = 20_000  # per solver question; past it, the property is sampled instead
SAMPLES = 2_000  # base states for a sampled property

State = dict[str, Answer]


@dataclass(frozen=True)
class Finding:
    """A counterexample (or a warning) in clinic words, with the answers that show it."""

    text: str
    answers: Mapping[str, Answer] = field(default_factory=dict)  # a complete set of answers
    rules: tuple[str, ...] = ()  # the rules it is about
    detail: str = ""  # which rules fired, for the rule author


@dataclass(frozen=True)
class PropertyResult:
    number: int
    name: str
    status: str  # PROVED, SAMPLED, FAILED or NOT_CHECKED
    how: str  # one sentence: what was checked, and how
    states: int  # proved: the size of the state space; sampled: the states tried
    failures: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()
    sampled: bool = False  # a FAILED property that was only sampled

    @property
    def ok(self) -> bool:
        return self.status in (PROVED, SAMPLED)


@dataclass(frozen=True)
class SafetyReport:
    properties: tuple[PropertyResult, ...]
    space: str  # the state space, in words
    states: int
    seconds: float

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.properties)


class UndeclaredRead(RuntimeError):
    """A condition read an answer it does not declare in questions()."""


class _Reads(Mapping):
    """The answers a condition may read; reading any other one is an error."""

    def __init__(self, values: Mapping[str, Answer]):
        self._values = values

    def __getitem__(self, key):
        if key not in self._values:
            raise UndeclaredRead(f"it reads the answer to '{key}', which it does not declare")
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


# ------------------------------------------------------------------ the order of answers

def more_serious_pairs(question: Question) -> set[tuple[str, str]]:
    """Return every (milder, more serious) pair of options of a choice question."""
    apart = set(question.not_comparable)
    values = question.values
    return {(a, b) for i, a in enumerate(values) for b in values[i + 1:]
            if frozenset((a, b)) not in apart}


def next_up(question: Question) -> list[tuple[str, str]]:
    """Return the (option, next more serious option) steps: pairs with nothing in between."""
    pairs = more_serious_pairs(question)
    return [(a, b) for a, b in sorted(pairs, key=lambda p: (question.values.index(p[0]),
                                                            question.values.index(p[1])))
            if not any((a, c) in pairs and (c, b) in pairs for c in question.values)]


# ------------------------------------------------------------------ the state space

def _atoms(condition) -> Iterator[object]:
    if isinstance(condition, (conditions.All, conditions.Any)):
        for part in condition.parts:
            yield from _atoms(part)
    elif isinstance(condition, conditions.Not):
        yield from _atoms(condition.part)
    else:
        yield condition


def number_values(ruleset: RuleSet, question: Question) -> tuple[Answer, ...]:
    """Return "not given" and the boundary values of a number question, in order."""
    limits = {atom.limit for rule in ruleset.rules for atom in _atoms(rule.when)
              if isinstance(atom, conditions.Compare) and atom.question == question.id}
    values = {v for limit in limits for v in (limit - 1, limit, limit + 1)}
    values |= {v for v in (question.minimum, question.maximum) if v is not None}
    low = question.minimum if question.minimum is not None else -math.inf
    high = question.maximum if question.maximum is not None else math.inf
    values = {v for v in values if low <= v <= high} or {0 if low <= 0 <= high else int(low)}
    return (None, *sorted(values))


def domains(ruleset: RuleSet) -> dict[str, tuple[Answer, ...]]:
    """Return every value each question takes in the state space, mildest first for choices."""
    return {q.id: number_values(ruleset, q) if q.number else q.values for q in ruleset.questions}


def _space_words(ruleset: RuleSet, domain: Mapping[str, tuple]) -> str:
    choices = [q for q in ruleset.questions if not q.number]
    words = [f"every option of {_count(len(choices), 'choice question')}"]
    for q in ruleset.questions:
        if q.number:
            shown = ", ".join("not given" if v is None else str(v) for v in domain[q.id])
            words.append(f"{_name(q.id)} at {_count(len(domain[q.id]), 'value')}: {shown}")
    return ", with ".join(words)


# ------------------------------------------------------------------ words

def _name(question_id: str) -> str:
    return question_id.replace("_", " ")


def _value_words(question: Question, value: Answer) -> str:
    if value is None:
        return "not given"
    if question.number:
        return question.label_for(value)
    return str(value).replace("_", " ")


def _answer_words(question: Question, value: Answer) -> str:
    return f"{_name(question.id)}: {_value_words(question, value)}"


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'s' * (number != 1)}"


def _joined(parts: list[str]) -> str:
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _rule_where(rule: Rule, ruleset: RuleSet) -> str:
    return f"{ruleset.file}:{rule.line}" if ruleset.file else f"line {rule.line}"


# ------------------------------------------------------------------ the engine's view

def _fired(ruleset: RuleSet, state: State) -> list[Rule]:
    return [rule for rule in ruleset.rules if rule.when.holds(state)]


def _level(ruleset: RuleSet, state: State) -> Level:
    return engine.evaluate(ruleset, state).level


class _Shown:
    """Shrink a counterexample with the engine, then say it in the clinic's words."""

    def __init__(self, ruleset: RuleSet, domain: Mapping[str, tuple]):
        self.ruleset, self.domain = ruleset, domain

    def shrink(self, state: State, still: Callable[[State], bool], fixed=()) -> tuple[State, set]:
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

    def answers(self, state: State, leave_out=(), irrelevant=()) -> str:
        """Say the answers that are not the mildest, e.g. "fever: yes and headache: severe"."""
        parts = []
        for question in self.ruleset.questions:
            value = state[question.id]
            if question.id in leave_out or question.id in irrelevant:
                continue
            if question.number and not any(question.id in r.when.questions()
                                           for r in self.ruleset.rules):
                continue
            if not question.number and value == question.values[0]:
                continue
            parts.append(_answer_words(question, value))
        return _joined(parts)

    def with_(self, state: State, leave_out=(), irrelevant=()) -> str:
        said = self.answers(state, leave_out, irrelevant)
        return f"with {said}" if said else "with every answer at its mildest"

    def fired(self, state: State) -> str:
        return ", ".join(rule.id for rule in _fired(self.ruleset, state)) or "no rule"


# ------------------------------------------------------------------ tables and the solver

class _Compiled:
    """Every rule as a table of the engine's own answers, then as a solver formula."""

    def __init__(self, ruleset: RuleSet, domain: Mapping[str, tuple], z3=None):
        self.ruleset, self.domain, self.z3 = ruleset, domain, z3
        self.evaluations = 0
        self.errors: list[tuple[Rule, State, str]] = []
        self.vars = {q: z3.Int(q) for q in domain} if z3 else {}
        self.fires = {}
        for rule in ruleset.rules:
            self._rule = rule
            formula = self._compile(rule.when, top=True)
            if z3 is not None:
                self.fires[rule.id] = formula

    def _compile(self, node, top=False):
        questions = sorted(node.questions())
        size = math.prod(len(self.domain.get(q, ())) for q in questions)
        composite = isinstance(node, (conditions.All, conditions.Any, conditions.Not))
        if size > TABLE_LIMIT and composite:
            if isinstance(node, conditions.Not):
                inner = self._compile(node.part)
                return self.z3.Not(inner) if self.z3 else None
            parts = [self._compile(part) for part in node.parts]
            if self.z3 is None:
                return None
            return self.z3.And(*parts) if isinstance(node, conditions.All) else self.z3.Or(*parts)
        return self._table(node, questions, top)

    def _table(self, node, questions, top):
        unknown = [q for q in questions if q not in self.domain]
        if unknown:
            self.errors.append((self._rule, {}, f"it reads '{unknown[0]}', which is not a question"))
            return self.z3.BoolVal(False) if self.z3 else None
        true_rows, false_rows = [], []
        for row in itertools.product(*(self.domain[q] for q in questions)):
            values = dict(zip(questions, row, strict=True))
            self.evaluations += 1
            try:
                holds = node.holds(_Reads(values))
                if not isinstance(holds, bool):
                    raise TypeError(f"it gives {holds!r}, not true or false")
                if holds and top:
                    extra = set(node.because(_Reads(values))) - set(self.domain)
                    if extra:
                        raise UndeclaredRead(f"it names '{sorted(extra)[0]}' as a reason, which "
                                             "is not a question")
            except Exception as error:  # any error is a totality failure, never "no warning"
                self.errors.append((self._rule, values, f"{type(error).__name__}: {error}"))
                holds = False
            (true_rows if holds else false_rows).append(row)
        if self.z3 is None:
            return None
        z3 = self.z3

        def matches(row):
            terms = [self.vars[q] == self.domain[q].index(v) for q, v in zip(questions, row,
                                                                              strict=True)]
            return terms[0] if len(terms) == 1 else z3.And(*terms)

        if not true_rows:
            return z3.BoolVal(False)
        if not false_rows:
            return z3.BoolVal(True)
        if len(true_rows) <= len(false_rows):
            return z3.Or(*map(matches, true_rows)) if len(true_rows) > 1 else matches(true_rows[0])
        return z3.Not(z3.Or(*map(matches, false_rows)) if len(false_rows) > 1
                      else matches(false_rows[0]))

    # -- the solver's view of the level
    def at_least(self, level: Level, rules=None):
        """The formula "the level is at least `level`" (over `rules`, default all)."""
        chosen = [r for r in (rules if rules is not None else self.ruleset.rules) if r.level >= level]
        if level <= Level.NONE:
            return self.z3.BoolVal(True)
        return self.z3.Or(*[self.fires[r.id] for r in chosen]) if chosen else self.z3.BoolVal(False)

    def solver(self):
        solver = self.z3.Solver()
        solver.set("timeout", SOLVER_TIMEOUT_MS)
        for q, var in self.vars.items():
            solver.add(var >= 0, var < len(self.domain[q]))
        return solver

    def state(self, model) -> State:
        return {q: self.domain[q][model.eval(var, model_completion=True).as_long()]
                for q, var in self.vars.items()}

    def set_to(self, formula, question: str, value: Answer):
        return self.z3.substitute(formula, (self.vars[question],
                                            self.z3.IntVal(self.domain[question].index(value))))


class _Undecided(Exception):
    """The solver could not decide in time."""


def _ask(solver, *formulas):
    """Return a model if the formulas can hold together, None if they cannot."""
    import z3

    solver.push()
    solver.add(*formulas)
    try:
        verdict = solver.check()
        if verdict == z3.unknown:
            raise _Undecided(solver.reason_unknown())
        return solver.model() if verdict == z3.sat else None
    finally:
        solver.pop()


# ------------------------------------------------------------------ the four properties

class _Checker:
    def __init__(self, ruleset: RuleSet, samples: int, seed: int):
        self.ruleset = ruleset
        self.domain = domains(ruleset)
        self.size = math.prod(len(values) for values in self.domain.values())
        self.shown = _Shown(ruleset, self.domain)
        self.samples, self.seed = samples, seed
        self.queries = 0

    # -- states to sample
    @property
    def exhaustive(self) -> bool:
        return self.size <= self.samples

    def sample_states(self) -> list[State]:
        """Every state if there are no more than `samples`; else the mildest and most serious
        answers and `samples` random states."""
        ids = [q.id for q in self.ruleset.questions]
        if self.exhaustive:
            return [dict(zip(ids, row, strict=True))
                    for row in itertools.product(*(self.domain[q] for q in ids))]
        rng = random.Random(self.seed)
        corners = []
        for pick in (0, -1):
            for number in itertools.product(*(self.domain[q.id] for q in self.ruleset.questions
                                              if q.number)):
                it = iter(number)
                corners.append({q.id: next(it) if q.number else q.values[pick]
                                for q in self.ruleset.questions})
        randoms = [{q: rng.choice(values) for q, values in self.domain.items()}
                   for _ in range(self.samples)]
        return corners + randoms

    # -- 1. totality
    def totality(self, compiled: _Compiled) -> PropertyResult:
        failures = []
        seen = set()
        for rule, values, message in compiled.errors:
            if rule.id in seen:
                continue  # one counterexample per rule
            seen.add(rule.id)
            state = {q.id: (values[q.id] if q.id in values else self.domain[q.id][0])
                     for q in self.ruleset.questions}
            unread = {q.id for q in self.ruleset.questions if q.number and q.id not in values}
            where = _rule_where(rule, self.ruleset)
            failures.append(Finding(
                f"{self.shown.with_(state, irrelevant=unread)}, rule '{rule.id}' ({where}) "
                f"cannot be evaluated: {message}", state, (rule.id,)))
        # The engine end to end, on the mildest and the most serious answers and a sample: it
        # must run and agree with the tables the other proofs use.
        tried = 0
        if not failures:
            for state in self.sample_states()[: 2 + 200]:
                tried += 1
                try:
                    level = _level(self.ruleset, state)
                except Exception as error:
                    failures.append(Finding(f"{self.shown.with_(state)} the engine fails: "
                                            f"{type(error).__name__}: {error}", state))
                    break
                if compiled.z3 is not None:
                    expected = self._solver_level(compiled, state)
                    if expected != level:
                        failures.append(Finding(
                            f"{self.shown.with_(state)} the engine gives {level.id.upper()} but "
                            f"the safety check computed {expected.id.upper()}: a fault in the "
                            "safety check itself; do not trust its proofs", state))
                        break
        rules = len(self.ruleset.rules)
        how = (f"the condition of each of {_count(rules, 'rule')} was evaluated by the engine on "
               f"every combination of the answers it reads ({compiled.evaluations} evaluations); "
               "the level is the most urgent level of the rules that fire, or NONE; "
               f"the whole engine ran without error on {_count(tried, 'full set')} of answers"
               + (" and agreed with the solver's formulas" if compiled.z3 is not None else ""))
        status = FAILED if failures else PROVED
        return PropertyResult(1, PROPERTY_NAMES[0], status, how, self.size, tuple(failures))

    def _solver_level(self, compiled: _Compiled, state: State) -> Level:
        z3 = compiled.z3
        pairs = [(compiled.vars[q], z3.IntVal(self.domain[q].index(v))) for q, v in state.items()]
        level = Level.NONE
        for candidate in sorted(Level, reverse=True):
            if candidate == Level.NONE:
                break
            if z3.is_true(z3.simplify(z3.substitute(compiled.at_least(candidate), *pairs))):
                level = candidate
                break
        return level

    # -- 2. monotonicity
    def _steps(self) -> list[tuple[Question, Answer, Answer]]:
        """Every one-answer step up in seriousness: next option up; a number to "not given"."""
        steps = []
        for question in self.ruleset.questions:
            if question.number:
                steps.extend((question, v, None) for v in self.domain[question.id][1:])
            else:
                steps.extend((question, a, b) for a, b in next_up(question))
        return steps

    def _monotonicity_finding(self, question: Question, a: Answer, b: Answer,
                              state: State) -> Finding:
        ruleset = self.ruleset

        def lowers(trial, start):
            return _level(ruleset, {**trial, question.id: start}) > \
                _level(ruleset, {**trial, question.id: b})

        if not question.number:  # start from the mildest answer the step still fails from
            pairs = more_serious_pairs(question)
            a = next((v for v in question.values if (v, a) in pairs and (v, b) in pairs
                      and lowers(state, v)), a)
        state, irrelevant = self.shown.shrink({**state, question.id: a},
                                              lambda trial: lowers(trial, a), fixed={question.id})
        before, after = {**state, question.id: a}, {**state, question.id: b}
        level_a, level_b = _level(ruleset, before), _level(ruleset, after)
        first = question.values[0] if not question.number else None
        if question.number:
            leave_out = ()
            change = f"leaving {_name(question.id)} unanswered"
        elif a == first:
            leave_out = (question.id,)
            change = f"adding {_answer_words(question, b)}"
        else:
            leave_out = ()
            change = f"changing {_name(question.id)} from {_value_words(question, a)} to " \
                     f"{_value_words(question, b)}"
        text = (f"{self.shown.with_(before, leave_out, irrelevant)} the result is "
                f"{level_a.id.upper()}; {change} makes it {level_b.id.upper()}")
        detail = f"rules firing before: {self.shown.fired(before)}; after: {self.shown.fired(after)}"
        return Finding(text, before, tuple(r.id for r in _fired(ruleset, before)), detail)

    def monotonicity_proved(self, compiled: _Compiled) -> PropertyResult:
        failures = []
        steps = self._steps()
        queries = 0
        solver = compiled.solver()
        failed_numbers = set()  # one counterexample per number question: its smallest value
        for question, a, b in steps:
            if question.id in failed_numbers:
                continue
            for level in sorted((lv for lv in Level if lv > Level.NONE), reverse=True):
                formula = compiled.at_least(level)
                if not any(question.id in r.when.questions() for r in self.ruleset.rules
                           if r.level >= level):
                    continue
                queries += 1
                model = _ask(solver, compiled.set_to(formula, question.id, a),
                             compiled.z3.Not(compiled.set_to(formula, question.id, b)))
                if model is not None:
                    failures.append(self._monotonicity_finding(question, a, b, compiled.state(model)))
                    if question.number:
                        failed_numbers.add(question.id)
                    break
        self.queries += queries
        how = (f"the z3 solver checked every one-answer step to a more serious answer "
               f"({_count(len(steps), 'step')}, {_count(queries, 'solver question')}) over every "
               "set of the other answers" + self._numbers_words())
        return PropertyResult(2, PROPERTY_NAMES[1], FAILED if failures else PROVED, how,
                              self.size, tuple(failures))

    def _numbers_words(self) -> str:
        numbers = [_name(q.id) for q in self.ruleset.questions if q.number]
        if not numbers:
            return ""
        return (f"; {_joined(numbers)} has no direction between numbers, but 'not given' must "
                "be at least as cautious as any number")

    def monotonicity_sampled(self, states: list[State], cache: dict) -> PropertyResult:
        failures, found = [], set()
        for state in states:
            for question, a, b in self._steps():
                step = (question.id,) if question.number else (question.id, a, b)
                if step in found:
                    continue
                before, after = {**state, question.id: a}, {**state, question.id: b}
                if self._cached(before, cache) > self._cached(after, cache):
                    found.add(step)
                    failures.append(self._monotonicity_finding(question, a, b, before))
        return self._sampled(2, "every one-answer step up to a more serious answer, tried from",
                             cache, failures, extra=self._numbers_words())

    # -- 3. red-flag floor
    def _red_flags(self) -> list[tuple[Question, str, Level]]:
        return [(q, o.value, o.red_flag) for q in self.ruleset.questions for o in q.options
                if o.red_flag is not None]

    def _red_flag_finding(self, question: Question, value: str, floor: Level, state: State):
        ruleset = self.ruleset

        def still(trial):
            return _level(ruleset, trial) < floor

        state, irrelevant = self.shown.shrink({**state, question.id: value}, still,
                                              fixed={question.id})
        level = _level(ruleset, state)
        text = (f"{self.shown.with_(state, (), irrelevant)} the result is {level.id.upper()}, but "
                f"{_answer_words(question, value)} is a red flag that needs at least "
                f"{floor.id.upper()}")
        return Finding(text, state, tuple(r.id for r in _fired(ruleset, state)),
                       f"rules firing: {self.shown.fired(state)}")

    def red_flags_proved(self, compiled: _Compiled) -> PropertyResult:
        failures = []
        flags = self._red_flags()
        solver = compiled.solver()
        for question, value, floor in flags:
            if floor <= Level.NONE:
                continue
            self.queries += 1
            var = compiled.vars[question.id]
            model = _ask(solver, var == self.domain[question.id].index(value),
                         compiled.z3.Not(compiled.at_least(floor)))
            if model is not None:
                failures.append(self._red_flag_finding(question, value, floor, compiled.state(model)))
        how = (f"the z3 solver checked {_count(len(flags), 'red-flag answer')} against every "
               "set of the other answers")
        return PropertyResult(3, PROPERTY_NAMES[2], FAILED if failures else PROVED, how,
                              self.size, tuple(failures))

    def red_flags_sampled(self, states: list[State], cache: dict) -> PropertyResult:
        failures, found = [], set()
        for state in states:
            for question, value, floor in self._red_flags():
                trial = {**state, question.id: value}
                if (question.id, value) not in found and self._cached(trial, cache) < floor:
                    found.add((question.id, value))
                    failures.append(self._red_flag_finding(question, value, floor, trial))
        return self._sampled(3, "each red-flag answer, tried with", cache, failures)

    # -- 4. reachability
    def _dead(self, rule: Rule) -> Finding:
        return Finding(f"rule '{rule.id}' ({_rule_where(rule, self.ruleset)}) can never fire: no "
                       f"answers make '{rule.when.describe()}' true", {}, (rule.id,))

    def _hiders(self, rule: Rule) -> list[Rule]:
        return [other for other in self.ruleset.rules if other is not rule
                and other.category == rule.category and other.level >= rule.level]

    def _hidden(self, rule: Rule, by: list[Rule]) -> Finding:
        names = _joined([f"'{o.id}' ({o.level.id.upper()})" for o in by])
        return Finding(
            f"rule '{rule.id}' ({_rule_where(rule, self.ruleset)}, {rule.level.id.upper()}) is "
            f"hidden: whenever it fires, {names} of the same category '{rule.category}' "
            f"fire{'s' * (len(by) == 1)} too, so it never changes the level or the categories "
            "shown (its advice is still listed); check that this is meant", {},
            (rule.id, *(o.id for o in by)))

    def reachability_proved(self, compiled: _Compiled) -> PropertyResult:
        failures, warnings = [], []
        z3 = compiled.z3
        solver = compiled.solver()
        for rule in self.ruleset.rules:
            self.queries += 1
            if _ask(solver, compiled.fires[rule.id]) is None:
                failures.append(self._dead(rule))
                continue
            hiders = self._hiders(rule)
            if not hiders:
                continue
            self.queries += 1
            cover = z3.Or(*[compiled.fires[o.id] for o in hiders])
            if _ask(solver, compiled.fires[rule.id], z3.Not(cover)) is None:
                by = []
                for other in hiders:
                    self.queries += 1
                    if _ask(solver, compiled.fires[rule.id], compiled.fires[other.id]) is not None:
                        by.append(other)
                warnings.append(self._hidden(rule, by))
        how = (f"the z3 solver looked for answers that make each of "
               f"{_count(len(self.ruleset.rules), 'rule')} fire, and for rules hidden by a rule of "
               "the same category and the same or a more urgent level")
        return PropertyResult(4, PROPERTY_NAMES[3], FAILED if failures else PROVED, how,
                              self.size, tuple(failures), tuple(warnings))

    def reachability_sampled(self, states: list[State], cache: dict) -> PropertyResult:
        fired_ever, alone = set(), set()
        for state in states:
            fired = _fired(self.ruleset, state)
            cache.setdefault(self._key(state), max((r.level for r in fired), default=Level.NONE))
            ids = {r.id for r in fired}
            fired_ever |= ids
            for rule in fired:
                if not any(o.id in ids for o in self._hiders(rule)):
                    alone.add(rule.id)
        failures = [self._dead(r) for r in self.ruleset.rules if r.id not in fired_ever]
        warnings = []
        if self.exhaustive:  # only every state can show that a rule is never alone
            for rule in self.ruleset.rules:
                if rule.id in fired_ever and rule.id not in alone:
                    by = [o for o in self._hiders(rule)
                          if any(rule.when.holds(s) and o.when.holds(s) for s in states)]
                    warnings.append(self._hidden(rule, by))
        return self._sampled(4, "each rule looked for firing in", cache, failures, warnings)

    def _sampled(self, number, what, cache, failures, warnings=(), extra="") -> PropertyResult:
        if self.exhaustive:
            status, how = PROVED, f"{what} every one of the {len(cache)} sets of answers, by the engine"
        else:
            status, how = SAMPLED, (f"{what} {len(cache)} sampled sets of answers, by the engine "
                                    "(a sample can miss a counterexample)")
            if number == 4:
                how += "; hidden rules are not judged from a sample"
        how += extra
        return PropertyResult(number, PROPERTY_NAMES[number - 1], FAILED if failures else status,
                              how, len(cache), tuple(failures), tuple(warnings),
                              sampled=not self.exhaustive)

    # -- sampling helpers
    def _key(self, state: State) -> tuple:
        return tuple(state[q.id] for q in self.ruleset.questions)

    def _cached(self, state: State, cache: dict) -> Level:
        key = self._key(state)
        if key not in cache:
            cache[key] = max((r.level for r in _fired(self.ruleset, state)), default=Level.NONE)
        return cache[key]


def _import_z3():
    try:
        import z3
    except ImportError:  # pragma: no cover - z3-solver is a dependency; sample rather than stop
        return None
    return z3


def check(ruleset: RuleSet, *, prove: bool = True, samples: int | None = None,
          seed: int = 0) -> SafetyReport:
    """Check the four properties of a loaded rule set.

    With prove=True (the default) properties 2-4 are proved with the z3 solver, falling back to
    sampling for a property the solver cannot decide in time; prove=False samples them all.
    """
    started = time.perf_counter()
    checker = _Checker(ruleset, SAMPLES if samples is None else samples, seed)
    z3 = _import_z3() if prove else None
    compiled = _Compiled(ruleset, checker.domain, z3)
    total = checker.totality(compiled)
    results = [total]
    if not total.ok:
        results += [PropertyResult(n, PROPERTY_NAMES[n - 1], NOT_CHECKED,
                                   "not checked until every set of answers gets a level", 0)
                    for n in (2, 3, 4)]
    else:
        proofs = ((checker.monotonicity_proved, checker.monotonicity_sampled),
                  (checker.red_flags_proved, checker.red_flags_sampled),
                  (checker.reachability_proved, checker.reachability_sampled))
        states, cache = None, {}
        for proved, sampled in proofs:
            if z3 is not None:
                try:
                    results.append(proved(compiled))
                    continue
                except _Undecided:
                    pass
            if states is None:
                states = checker.sample_states()
            results.append(sampled(states, cache))
    return SafetyReport(tuple(results), _space_words(ruleset, checker.domain), checker.size,
                        time.perf_counter() - started)


# ------------------------------------------------------------------ review dates

def review_warnings(ruleset: RuleSet, today) -> list[str]:
    """Return a warning for each rule whose review is missing or overdue on `today` (a date)."""
    import datetime

    warnings = []
    for rule in ruleset.rules:
        where = _rule_where(rule, ruleset)
        if rule.review is None:
            warnings.append(f"rule '{rule.id}' ({where}) has no review: add "
                            "review: {by, on, next_due}")
            continue
        due = datetime.date.fromisoformat(rule.review.next_due)
        if due < today:
            warnings.append(f"rule '{rule.id}' ({where}) was due for review on "
                            f"{rule.review.next_due} (last reviewed {rule.review.on} by "
                            f"{rule.review.by})")
    return warnings
