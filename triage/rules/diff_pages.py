"""The pages' part of `flask rules diff`: steps, checklists (areas) and their signs. A sign is
clinical content too: what ticking it answers (`sets`) or asks next (`opens`) decides what the
engine reads, so a change there is shown like a changed answer."""

from __future__ import annotations

from ..engine.model import Area, RuleSet, Sign
from .diff_words import ARROW, INDENT, _languages, worded


def _answers(sign: Sign) -> str:
    parts = [f"{question}: {answer}" for question, answer in sign.sets]
    parts += [f"asks {question}" for question in sign.opens]
    return ", ".join(parts) or "nothing"


def _areas(ruleset: RuleSet) -> dict[str, tuple[str, Area]]:
    return {area.id: (step.id, area) for step in ruleset.steps for area in step.areas}


def _sign_changes(area_id: str, before: Area, after: Area, languages) -> list[str]:
    lines = []
    old_signs = {sign.id: sign for sign in before.signs}
    new_signs = {sign.id: sign for sign in after.signs}
    for sign in after.signs:
        previous = old_signs.get(sign.id)
        if previous is None:
            lines.append(f"sign '{sign.id}' added to checklist '{area_id}': ticked, {_answers(sign)}")
            lines += worded("label", None, sign.label, languages)
            continue
        details = []
        if _answers(previous) != _answers(sign):
            details.append(f"{INDENT}ticked: {_answers(previous)} {ARROW} {_answers(sign)}")
        for name in ("label", "caregiver_label", "hint"):
            details += worded(name.replace("_", " "), getattr(previous, name), getattr(sign, name), languages)
        if details:
            lines += [f"sign '{sign.id}' of checklist '{area_id}' changed", *details]
    for sign in before.signs:
        if sign.id not in new_signs:
            lines.append(
                f"sign '{sign.id}' removed from checklist '{area_id}' (ticked, it gave {_answers(sign)})"
            )
    if [s for s in old_signs if s in new_signs] != [s for s in new_signs if s in old_signs]:
        lines.append(f"the signs of checklist '{area_id}' are listed in a different order")
    return lines


def page_changes(old: RuleSet, new: RuleSet) -> list[str]:
    """Return a line per change to the pages, each followed by its indented old and new words."""
    languages = _languages(old, new)
    lines: list[str] = []
    old_steps = {step.id: step for step in old.steps}
    for step in new.steps:
        before = old_steps.get(step.id)
        if before is None:
            lines.append(f"page '{step.id}' added: asks {', '.join(step.all_questions) or 'nothing'}")
        elif before.questions != step.questions or [a.id for a in before.areas] != [a.id for a in step.areas]:
            lines.append(
                f"page '{step.id}' asks {', '.join([*step.questions, *(a.id for a in step.areas)])} "
                f"(was {', '.join([*before.questions, *(a.id for a in before.areas)])})"
            )
    lines += [
        f"page '{step_id}' removed" for step_id in old_steps if step_id not in {s.id for s in new.steps}
    ]
    old_areas, new_areas = _areas(old), _areas(new)
    for area_id, (_, area) in new_areas.items():
        if area_id not in old_areas:
            lines.append(f"checklist '{area_id}' added with {len(area.signs)} signs")
            for sign in area.signs:
                lines.append(f"{INDENT}sign '{sign.id}': ticked, {_answers(sign)}")
            continue
        previous = old_areas[area_id][1]
        titles = worded("title", previous.title, area.title, languages)
        if titles:
            lines += [f"checklist '{area_id}' title changed", *titles]
        lines += _sign_changes(area_id, previous, area, languages)
    lines += [f"checklist '{area_id}' removed" for area_id in old_areas if area_id not in new_areas]
    return lines
