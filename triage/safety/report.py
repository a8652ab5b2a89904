"""What the safety check reports: each property's status, with findings in clinic words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..engine.model import Answer

PROVED = "proved"
SAMPLED = "sampled"
FAILED = "failed"
NOT_CHECKED = "not checked"

PROPERTY_NAMES = ("Totality", "Monotonicity", "Red-flag floor", "Reachability")


@dataclass(frozen=True)
class Finding:
    """A counterexample (or a warning) in clinic words, with the answers that show it."""

    text: str
    answers: Mapping[str, Answer] = field(default_factory=dict)  # a complete set of answers
    rules: tuple[str, ...] = ()  # the rules it is about
    detail: str = ""  # which rules fired, for the rule author
    line: int = 0  # the line to change (0: the first rule named)


@dataclass(frozen=True)
class PropertyResult:
    """One property's verdict: its status, how it was checked, and what was found."""

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
    """The four properties of one rule set, over one state space."""

    properties: tuple[PropertyResult, ...]
    space: str  # the state space, in words
    states: int
    seconds: float

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.properties)
