"""What a result page shows, and in which order: one action, its reasons, then the rest.

A care card (NHS.UK) has one action and nothing that competes with it. So the reasons under
"Why" are only the warnings at the result's own level. Warnings at a lower level are kept
("Also noted": their titles and the answers that set them off, so nothing found is hidden from
the patient or the crew), but without their advice or their level's heading: a lower level's
advice is written for that level ("call within 24 hours", "lie flat", "call at once if it gets
worse") and, being free text, cannot be sorted into the parts that would compete with the action
and the parts that would not. What to do while waiting at this level comes from the rule file's
`while_you_wait:` for the level. A result with no warning signs ends with the red flags to call
about (triage.signs). No web framework here: the page renders what this returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import signs
from ..engine.model import FiredWarning, Level, LevelText, Result, RuleSet, Text


@dataclass(frozen=True)
class Card:
    level: Level
    level_text: LevelText
    reasons: tuple[FiredWarning, ...]  # at the result's level: "Why we say this"
    also_noted: tuple[FiredWarning, ...]  # at a lower level: titles and answers only
    while_you_wait: tuple[Text, ...]
    safety_net: signs.Groups  # red flags by level, on a result with no warning signs only


def build(result: Result, ruleset: RuleSet, language: str) -> Card:
    """Sort a result's warnings into the card's reasons and "also noted"."""
    level_text = ruleset.levels[result.level]
    return Card(
        level=result.level,
        level_text=level_text,
        reasons=tuple(w for w in result.warnings if w.level == result.level),
        also_noted=tuple(w for w in result.warnings if w.level < result.level),
        while_you_wait=level_text.while_you_wait,
        safety_net=signs.red_flags(ruleset, language) if result.level == Level.NONE else (),
    )
