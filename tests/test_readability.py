"""Plain language: every patient-facing text, in English and Spanish, at US grade 8 or below.

How it is measured (textstat 0.7.8, syllables from CMUdict and Pyphen):
- English: Flesch-Kincaid grade level <= 8.
- Spanish: Fernández-Huerta reading ease (Flesch's formula re-fitted for Spanish) >= 65. On
  Flesch's table 70-80 reads as 7th grade and 60-70 as 8th-9th; read as a line through those
  bands (grade = (145 - score) / 10), 65 is grade 8.
- Formulas say nothing about a two-word label on its own, so the rule file is read the way a
  patient meets it: a level is its heading and action; a question is its text, hint and answer
  labels; a warning is its title, category and advice; the nurse's wording of each question is
  read alone. The app's own words are read page by page, and every catalogue sentence of six
  words or more alone.
- Medical words that must stay (GLOSSARY) are explained once in the patient's texts (checked
  below) and then count as a one-syllable word, as a reader who has just met them would.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

textstat = pytest.importorskip("textstat")

from babel.messages.pofile import read_po  # noqa: E402
from helpers import TEST_CONFIG  # noqa: E402
from page_states import page_states  # noqa: E402

from triage import PROJECT_ROOT, SHIPPED_RULES, create_app  # noqa: E402

ENGLISH_MAX_GRADE = 8
SPANISH_MIN_EASE = 65
SAMPLE = {  # what the placeholders of the rule file and the catalogue read as
    "en": {
        "emergency_number": "911",
        "care_team": "your care team",
        "care_team_phone": "555-0100",
        "after_hours_phone": "555-0199",
        "emergency_room": "the emergency room at St. Mary's",
        "call_back_minutes": "30",
        "count": "18",
        "step": "2",
        "number": "911",
        "phone": "555-0100",
        "after_hours": "555-0199",
        "question": "Do you have a fever",
        "unit": "days",
        "num": "3",
        "low": "0",
        "high": "3650",
        "when": "today",
        "version": "1",
        "digest": "x",
        "area": "The belly: do you have any of these?",
        "page": "2",
    },
    "es": {
        "emergency_number": "911",
        "care_team": "su equipo médico",
        "care_team_phone": "555-0100",
        "after_hours_phone": "555-0199",
        "emergency_room": "la sala de emergencias del hospital donde le pusieron la bomba",
        "call_back_minutes": "30",
        "count": "18",
        "step": "2",
        "number": "911",
        "phone": "555-0100",
        "after_hours": "555-0199",
        "question": "Tiene fiebre",
        "unit": "días",
        "num": "3",
        "low": "0",
        "high": "3650",
        "when": "hoy",
        "version": "1",
        "digest": "x",
        "area": "La barriga: ¿tiene algo de esto?",
        "page": "2",
    },
}
# Medical words that must stay, the words that explain each, and how a grade is read: one
# definition, shared with `flask rules verify` (triage/rules/readability.py).
from triage.rules.readability import GLOSSARY, grade  # noqa: E402


def passes(text: str, language: str) -> bool:
    value = grade(text, language)
    return value <= ENGLISH_MAX_GRADE if language == "en" else value <= (145 - SPANISH_MIN_EASE) / 10


def sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text[-1:] in ".?!" else text + "."


def rule_file_units(ruleset, language):
    """Yield (where, text) for each text of the rule file as a patient reads it."""
    fill = SAMPLE[language]
    for level, words in ruleset.levels.items():
        yield (
            f"level {level.id}",
            " ".join(
                [sentence(words.heading[language]), words.action[language].format(**fill)]
                + [sentence(item[language].format(**fill)) for item in words.while_you_wait]
            ),
        )
        if words.say:
            yield f"call line {level.id}", words.say[language].format(**fill)
    for question in ruleset.questions:
        parts = [question.text[language]] + ([question.hint[language]] if question.hint else [])
        parts += [o.label[language] for o in question.options]
        parts += [o.hint[language] for o in question.options if o.hint]
        yield f"question {question.id}", " ".join(sentence(p) for p in parts)
    for step in ruleset.steps:
        if step.title:
            yield f"step {step.id}", step.title[language]
        if question.ask:
            yield f"nurse wording {question.id}", question.ask[language]
    for rule in ruleset.rules:
        parts = (
            rule.title[language],
            ruleset.categories[rule.category].title[language],
            rule.advice[language],
        )
        yield f"rule {rule.id}", " ".join(sentence(p) for p in parts)


def catalogue(language):
    if language == "en":
        path = PROJECT_ROOT / "translations" / "messages.pot"
    else:
        path = PROJECT_ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as file:
        return read_po(file)


def catalogue_units(language):
    for message in catalogue(language):
        text = message.id if language == "en" else message.string
        if not message.id or "MMMM" in str(message.id):
            continue
        if isinstance(text, tuple):  # plural forms: read the "many" one
            text = text[-1]
        text = text % SAMPLE[language] if "%(" in text else text
        if len(text.split()) >= 6:
            yield f"message {str(message.id)[:40]!r}", text


class Visible(HTMLParser):
    """The words a patient sees in <main>."""

    def __init__(self):
        super().__init__()
        self.depth, self.words = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.depth:
            self.depth += 1
        if self.depth and tag in ("li", "p", "h1", "h2", "h3", "legend", "label", "a"):
            self.words.append(". ")

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.words.append(data)


def page_units(language):
    """Yield (where, text) for the words a patient sees on each page and state of the check
    (tests/page_states.py; the plain fallback result is the level's action alone) and the sheet."""
    app = create_app(
        {
            **TEST_CONFIG,
            "RULES_FILE": str(SHIPPED_RULES),
            "CARE_TEAM_NAME": "your care team",
            "AFTER_HOURS_PHONE": "",
        }
    )
    pages = {name: page.html for name, page in page_states(app, language).items()}
    pages["when to call"] = app.test_client().get(f"/when-to-call?lang={language}").get_data(as_text=True)
    for name, html in pages.items():
        if name.startswith("plain result"):
            continue
        parser = Visible()
        parser.feed(html)
        text = re.sub(r"(\s*\.\s*)+", ". ", " ".join(parser.words))
        text = re.sub(r"\s+", " ", text).strip(". ")
        yield f"page {name}", text


@pytest.fixture(scope="module", params=["en", "es"])
def language(request):
    return request.param


def test_the_rule_file_reads_at_grade_8_or_below(ruleset):
    """The same check as `flask rules verify`, which prints the grades (triage/rules/verify.py)."""
    from triage.rules import verify, yamlfile

    _, lines = yamlfile.load(ruleset.file)
    problems, grades = verify.reading_level(ruleset, lines)
    assert [str(p) for p in problems] == []
    assert {"en", "es"} & set(ruleset.languages) <= set(grades) and all(grades.values())


def test_the_apps_own_words_read_at_grade_8_or_below(language):
    hard = [
        (round(grade(text, language), 1), where, text)
        for where, text in [*catalogue_units(language), *page_units(language)]
        if not passes(text, language)
    ]
    assert hard == []


def test_medical_words_that_stay_are_explained(ruleset, language):
    texts = [text for _, text in rule_file_units(ruleset, language)]
    texts += [text for _, text in catalogue_units(language)]
    everything = " ".join(texts).lower()
    for word, explanation in GLOSSARY[language].items():
        assert word in everything, f"{word!r} is no longer used: drop it from the glossary"
        assert re.search(explanation, everything), f"{word!r} is used but never explained"


@pytest.mark.parametrize(
    "text, language, bar",
    [
        ("Call us now. It is an emergency.", "en", True),
        (
            "Notwithstanding contraindications, intrathecal administration necessitates "
            "comprehensive multidisciplinary evaluation.",
            "en",
            False,
        ),
        ("Llame ahora. Es una emergencia.", "es", True),
        (
            "No obstante las contraindicaciones, la administración intratecal requiere una evaluación "
            "multidisciplinaria exhaustiva y pormenorizada.",
            "es",
            False,
        ),
    ],
)
def test_the_measure_tells_plain_from_hard(text, language, bar):
    assert (
        grade(text, language) <= ENGLISH_MAX_GRADE
        if language == "en"
        else grade(text, language) <= (145 - SPANISH_MIN_EASE) / 10
    ) is bar
