"""Plain language: the US school grade of each patient-facing text of a rule file, per language.

How it is measured (textstat 0.7.8, syllables from CMUdict and Pyphen):
- English: Flesch-Kincaid grade level <= 8.
- Spanish: Fernández-Huerta reading ease (Flesch's formula re-fitted for Spanish) >= 65; on
  Flesch's table read as a line through its bands (grade = (145 - score) / 10), 65 is grade 8.
- A text is read the way a patient meets it: a level is its heading and action; a question is
  its text, hint and answer labels; a warning is its title, category and advice; the nurse's
  wording of each question, and each level's line said on a call (`say`), is read alone.
- Medical words that must stay (GLOSSARY) count as a one-syllable word, as for a reader who has
  just had them explained. Other languages are not measured (no formula is calibrated for them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..engine.model import RuleSet

MAX_GRADE = 8
SPANISH_MIN_EASE = 65
SAMPLE = {  # what the placeholders read as
    "en": {
        "emergency_number": "911",
        "care_team": "your care team",
        "care_team_phone": "555-0100",
        "after_hours_phone": "555-0199",
        "emergency_room": "the emergency room of the hospital that put in the pump",
        "call_back_minutes": "30",
    },
    "es": {
        "emergency_number": "911",
        "care_team": "su equipo médico",
        "care_team_phone": "555-0100",
        "after_hours_phone": "555-0199",
        "emergency_room": "la sala de emergencias del hospital donde le pusieron la bomba",
        "call_back_minutes": "30",
    },
}
GLOSSARY = {
    "en": {
        "baclofen": r"baclofen is the medicine",
        "meningitis": r"meningitis, an infection of the fluid around the spine",
        "spasticity": r"spasticity means muscle stiffness or spasms",
        "withdrawal": r"withdrawal \(not getting enough medicine\)",
        "overdose": r"too much baclofen \(overdose\)",
    },
    "es": {
        "baclofeno": r"el baclofeno es la medicina",
        "meningitis": r"meningitis, una infección del líquido que rodea la columna",
        "espasticidad": r"espasticidad quiere decir músculos rígidos o con espasmos",
        "sobredosis": r"demasiado baclofeno \(sobredosis\)",
    },
}
STAND_IN = {"en": "term", "es": "voz"}
MEASURED_LANGUAGES = tuple(GLOSSARY)


def grade(text: str, language: str) -> float:
    """Return the US grade of `text` (Spanish: converted from Fernández-Huerta)."""
    import textstat  # imported when measuring, not with the app

    for word in GLOSSARY[language]:
        text = re.sub(rf"\b{word}\b", STAND_IN[language], text, flags=re.IGNORECASE)
    textstat.set_lang(language)
    if language == "en":
        return textstat.flesch_kincaid_grade(text)
    return (145 - textstat.fernandez_huerta(text)) / 10


def too_hard(value: float, language: str) -> bool:
    """True when a grade is above the bar for its language."""
    bar = MAX_GRADE if language == "en" else (145 - SPANISH_MIN_EASE) / 10
    return value > bar


class Graded(NamedTuple):
    """One text's grade, what it is and its line in the rule file."""

    grade: float
    what: str
    line: int


def summary(language: str, rows: list[Graded]) -> str:
    """Say, for one language, how many texts were read, the hardest one and how many are too hard."""
    if not rows:
        return f"{language}: no texts"
    hardest = max(rows)
    over = sum(too_hard(row.grade, language) for row in rows)
    return (
        f"{language}: {len(rows)} texts, the hardest {hardest.what} (line {hardest.line}) at grade "
        f"{hardest.grade:.1f}; {over} above grade {MAX_GRADE}"
    )


def sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text[-1:] in ".?!" else text + "."


def units(ruleset: RuleSet, language: str) -> Iterator[tuple[tuple, str, str]]:
    """Yield (YAML path, what, text) for each text of the rule file as a patient reads it."""
    fill = SAMPLE.get(language, SAMPLE["en"])
    for level, words in ruleset.levels.items():
        yield (
            ("levels", level.id, "action", language),
            f"level {level.id}",
            sentence(words.heading[language]) + " " + words.action[language].format(**fill),
        )
        if words.say:
            yield (
                ("levels", level.id, "say", language),
                f"call line of level {level.id}",
                words.say[language].format(**fill),
            )
    for index, question in enumerate(ruleset.questions):
        parts = [question.text[language]] + ([question.hint[language]] if question.hint else [])
        parts += [o.label[language] for o in question.options]
        parts += [o.hint[language] for o in question.options if o.hint]
        yield (
            ("questions", index, "text", language),
            f"question '{question.id}'",
            " ".join(sentence(p) for p in parts),
        )
        if question.ask:
            yield (
                ("questions", index, "ask", language),
                f"nurse wording of '{question.id}'",
                question.ask[language],
            )
    for index, rule in enumerate(ruleset.rules):
        parts = [
            rule.title[language],
            ruleset.categories[rule.category].title[language],
            rule.advice[language],
        ]
        yield ("rules", index, "advice", language), f"rule '{rule.id}'", " ".join(sentence(p) for p in parts)


def unexplained(texts: list[str], language: str) -> list[str]:
    """Return the glossary words used in `texts` but never explained there."""
    everything = " ".join(texts).lower()
    return [
        word
        for word, explanation in GLOSSARY.get(language, {}).items()
        if re.search(rf"\b{word}\b", everything) and not re.search(explanation, everything)
    ]
