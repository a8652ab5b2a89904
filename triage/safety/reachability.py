"""Property 4, reachability: every rule can fire.

A rule is *hidden* when, for every set of answers that makes it fire, another rule of the same
category with the same or a more urgent level fires too. A hidden rule never changes the level
or the categories shown, so it cannot cause under-triage; its own title and advice are still
listed. It is worth a look (it may be a leftover, or a condition stricter than meant) but it is
not unsafe, so it is a warning, not a failure.
"""

from __future__ import annotations

from ..engine.model import Rule
from .counterexample import fired
from .encoding import Encoding
from .report import FAILED, PROPERTY_NAMES, PROVED, Finding, PropertyResult
from .sample import Sample
from .space import Space
from .words import count, joined


class Reachability:
    number = 4
    name = PROPERTY_NAMES[3]

    def __init__(self, space: Space):
        self.space, self.ruleset = space, space.ruleset

    def prove(self, encoding: Encoding) -> PropertyResult:
        """Ask the solver for answers that make each rule fire, and fire without its hiders."""
        z3 = encoding.z3
        assert z3 is not None
        failures, warnings = [], []
        solver = encoding.solver()
        for rule in self.ruleset.rules:
            fires = encoding.fires[rule.id]
            if solver.ask(fires) is None:
                failures.append(self.dead(rule))
                continue
            hiders = self.hiders(rule)
            if not hiders:
                continue
            cover = z3.Or(*[encoding.fires[o.id] for o in hiders])
            if solver.ask(fires, z3.Not(cover)) is None:
                by = [other for other in hiders if solver.ask(fires, encoding.fires[other.id]) is not None]
                warnings.append(self.hidden(rule, by))
        how = (
            f"the z3 solver looked for answers that make each of "
            f"{count(len(self.ruleset.rules), 'rule')} fire, and for rules hidden by a rule of "
            "the same category and the same or a more urgent level"
        )
        return PropertyResult(
            self.number,
            self.name,
            FAILED if failures else PROVED,
            how,
            self.space.size,
            tuple(failures),
            tuple(warnings),
        )

    def sample(self, sample: Sample) -> PropertyResult:
        """Look for each rule firing in the sampled sets of answers, with the engine."""
        fired_ever, alone = set(), set()
        for state in sample.states:
            rules = fired(self.ruleset, state)
            sample.remember(state, rules)
            ids = {r.id for r in rules}
            fired_ever |= ids
            for rule in rules:
                if not any(o.id in ids for o in self.hiders(rule)):
                    alone.add(rule.id)
        failures = [self.dead(r) for r in self.ruleset.rules if r.id not in fired_ever]
        warnings = []
        if sample.exhaustive:  # only every state can show that a rule is never alone
            for rule in self.ruleset.rules:
                if rule.id in fired_ever and rule.id not in alone:
                    by = [
                        o
                        for o in self.hiders(rule)
                        if any(rule.when.holds(s) and o.when.holds(s) for s in sample.states)
                    ]
                    warnings.append(self.hidden(rule, by))
        extra = "" if sample.exhaustive else "; hidden rules are not judged from a sample"
        return sample.result(self.number, "each rule looked for firing in", failures, warnings, extra)

    def hiders(self, rule: Rule) -> list[Rule]:
        """The rules that could hide `rule`: same category, same or a more urgent level."""
        return [
            other
            for other in self.ruleset.rules
            if other is not rule and other.category == rule.category and other.level >= rule.level
        ]

    def dead(self, rule: Rule) -> Finding:
        return Finding(
            f"rule '{rule.id}' ({self.ruleset.where(rule)}) can never fire: no "
            f"answers make '{rule.when.text()}' true",
            {},
            (rule.id,),
        )

    def hidden(self, rule: Rule, by: list[Rule]) -> Finding:
        names = joined([f"'{o.id}' ({o.level.id.upper()})" for o in by])
        return Finding(
            f"rule '{rule.id}' ({self.ruleset.where(rule)}, {rule.level.id.upper()}) is "
            f"hidden: whenever it fires, {names} of the same category '{rule.category}' "
            f"fire{'s' * (len(by) == 1)} too, so it never changes the level or the categories "
            "shown (its advice is still listed); check that this is meant",
            {},
            (rule.id, *(o.id for o in by)),
        )
