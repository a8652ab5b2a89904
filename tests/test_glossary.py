"""Wording: every patient and nurse text against the checks in docs/wording-checks.yaml.

The checks are the known slips (docs/glossary-es.md says what to write instead): "al el",
"prueba" for the checklist, "ronchas" for a rash, gendered adjectives, vague deadlines, British
English. They run over every `en`/`es` value anywhere in rules.yaml (walked as plain YAML, so a
key added later is covered too), every English message and Spanish translation in the catalogue,
and the same texts with the fill-ins a clinic leaves unset, as the pages show them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from helpers import TEST_CONFIG

from triage import PROJECT_ROOT, SHIPPED_RULES, create_app
from triage.rules import yamlfile
from triage.web import shared as web

CHECKS_FILE = PROJECT_ROOT / "docs" / "wording-checks.yaml"
SPANISH_PO = PROJECT_ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
UNSET = {
    **TEST_CONFIG,
    "RULES_FILE": str(SHIPPED_RULES),
    "WTF_CSRF_ENABLED": False,
    "CARE_TEAM_NAME": "your care team",
    "CARE_TEAM_PHONE": "",
    "AFTER_HOURS_PHONE": "",
}


@dataclass(frozen=True)
class Check:
    find: re.Pattern
    use: str
    example: str


def load_checks() -> dict[str, list[Check]]:
    """Return the checks of docs/wording-checks.yaml, by language."""
    data = yaml.safe_load(CHECKS_FILE.read_text("utf-8"))
    return {
        language: [
            Check(re.compile(entry["find"], re.IGNORECASE), entry["use"], entry["example"])
            for entry in entries
        ]
        for language, entries in data.items()
    }


CHECKS = load_checks()


def problems(texts: Iterator[tuple[str, str, str]]) -> list[str]:
    """Return one line per slip found in (language, where, text) triples."""
    found = []
    for language, where, text in texts:
        for check in CHECKS.get(language, ()):
            for match in check.find.finditer(" ".join(text.split())):
                found.append(f"{where} ({language}): {match.group(0)!r} -> {check.use}")
    return found


def rule_file_texts(path=SHIPPED_RULES) -> Iterator[tuple[str, str, str]]:
    """Yield (language, where, text) for every `en`/`es`... value anywhere in the rule file."""
    data, lines = yamlfile.load(path)

    def walk(node, trail):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in CHECKS and isinstance(value, str):
                    yield key, f"{path.name}:{yamlfile.line_of(lines, trail + (key,))}", value
                else:
                    yield from walk(value, trail + (key,))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, trail + (index,))

    yield from walk(data, ())


def catalogue():
    with open(SPANISH_PO, "rb") as file:
        return [message for message in read_po(file) if message.id]


def catalogue_texts() -> Iterator[tuple[str, str, str]]:
    """Yield the English message and the Spanish translation of every catalogue entry."""
    for message in catalogue():
        where = f"messages.po {str(message.id)[:50]!r}"
        yield "en", where, str(message.id)
        yield "es", where, str(message.string)


class FillIns(dict):
    """The page's fill-ins; any other placeholder reads as a plain word."""

    def __missing__(self, key):
        return "18"


@pytest.fixture(scope="module")
def unset_app():
    return create_app(dict(UNSET))


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", str(markup)))


def filled_texts(app, language: str) -> tuple[list, list]:
    """Return (level actions, catalogue sentences) filled with the unset fill-ins, as shown."""
    from flask_babel import gettext

    with app.test_request_context(f"/?lang={language}"):
        numbers = web.contacts()
        ruleset = app.extensions["pump_check"].ruleset
        actions = [
            (
                language,
                f"level {level.id} action, filled",
                plain(web.action_html(words.action.in_language(language))),
            )
            for level, words in ruleset.levels.items()
        ]
        fill = FillIns(
            care_team=numbers["care_team"],
            phone=numbers["care_team_phone"],
            after_hours=numbers["after_hours_phone"],
            number=numbers["emergency_number"],
        )
        sentences = [
            (language, f"messages.po {message.id[:50]!r}, filled", gettext(message.id) % fill)
            for message in catalogue()
            if "%(" in message.id
        ]
    return actions, sentences


def page_text(response) -> str:
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return plain(re.search(r"<body.*</body>", body, re.S).group(0))


# The checks themselves -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, check",
    [(language, check) for language, checks in CHECKS.items() for check in checks],
    ids=lambda value: getattr(value, "example", value),
)
def test_every_check_catches_its_own_example(language, check):
    assert check.use.strip()
    assert check.find.search(check.example), f"{check.find.pattern} misses {check.example!r}"


def test_the_checks_cover_both_languages_and_find_nothing_in_plain_good_text():
    assert set(CHECKS) >= {"en", "es"}
    good = [
        (
            "es",
            "good",
            "Llame ahora a su equipo médico al número que aparece en sus papeles "
            "de alta. Si se ha desmayado, llame al 911.",
        ),
        ("es", "good", "Si el líquido es transparente (como agua), acuéstese."),
        ("en", "good", "Call your care team now at 555-0100. A fever is 100.4 °F (38 °C)."),
    ]
    assert problems(iter(good)) == []


# The texts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_catalogue_has_none_of_the_known_slips(language):
    texts = [text for text in catalogue_texts() if text[0] == language]
    assert len(texts) > 50
    assert problems(iter(texts)) == []


def test_the_rule_file_has_none_of_the_known_slips():
    texts = list(rule_file_texts())
    assert {language for language, _, _ in texts} >= {"en", "es"}
    assert problems(iter(texts)) == []


def test_the_rule_file_walk_finds_every_text_the_loaded_rules_hold(ruleset):
    walked = {" ".join(text.split()) for language, _, text in rule_file_texts(Path(ruleset.file))}
    loaded = [t for level in ruleset.levels.values() for t in (level.heading, level.action)]
    loaded += [c.title for c in ruleset.categories.values()]
    for q in ruleset.questions:
        loaded += [t for t in (q.text, q.hint, q.ask, q.unit) if t]
        loaded += [t for o in q.options for t in (o.label, o.hint) if t]
    loaded += [t for r in ruleset.rules for t in (r.title, r.advice)]
    missing = [t[language] for t in loaded for language in t if " ".join(t[language].split()) not in walked]
    assert missing == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_page_sentences_fit_the_unset_fill_ins(unset_app, language):
    _, sentences = filled_texts(unset_app, language)
    assert any("{" not in text and "%(" not in text for _, _, text in sentences)
    assert problems(iter(sentences)) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_level_actions_fit_the_unset_fill_ins(unset_app, language):
    actions, _ = filled_texts(unset_app, language)
    assert all("{" not in text for _, _, text in actions)
    assert problems(iter(actions)) == []


def _pages(ruleset) -> dict[str, tuple]:
    first = {q.id: ("" if q.number else q.values[0]) for q in ruleset.questions}
    pages = {
        "start": ("get", "/", None),
        "not found": ("get", "/nowhere", None),
        "questions": ("get", "/check", None),
        "result none": ("post", "/check", first),
    }
    for question in ruleset.questions:  # a result at each level a single answer reaches
        for option in question.options:
            if option.red_flag is not None:
                pages.setdefault(
                    f"result {option.red_flag.id}", ("post", "/check", {**first, question.id: option.value})
                )
    return pages


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", ["start", "not found"])
def test_the_app_pages_read_right_with_nothing_set(unset_app, language, name):
    method, path, data = _pages(unset_app.extensions["pump_check"].ruleset)[name]
    response = getattr(unset_app.test_client(), method)(f"{path}?lang={language}", data=data)
    text = page_text(response)
    assert response.status_code in (200, 404) and "911" in text
    assert problems(iter([(language, f"page {name}", text)])) == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_rule_pages_read_right_with_nothing_set(unset_app, language):
    client = unset_app.test_client()
    found = []
    for name, (method, path, data) in _pages(unset_app.extensions["pump_check"].ruleset).items():
        response = getattr(client, method)(f"{path}?lang={language}", data=data)
        assert response.status_code in (200, 404), name
        found += problems(iter([(language, f"page {name}", page_text(response))]))
    assert found == []
