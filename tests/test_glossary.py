"""Wording: every patient and nurse text against the checks in docs/wording-checks.yaml.

The checks are the known slips (docs/glossary-es.md says what to write instead): "al el",
"prueba" for the checklist, "ronchas" for a rash, gendered words, vague deadlines, "llame a
emergencias", English inside Spanish, British English. They run over every `en`/`es` value
anywhere in rules.yaml (walked as plain YAML, so a key added later is covered too: the same
code as `flask rules verify`, triage/rules/wording.py), every English message and Spanish
translation in the catalogue, the same texts with the fill-ins a clinic leaves unset, and the pages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from helpers import TEST_CONFIG

from triage import PROJECT_ROOT, SHIPPED_RULES, create_app, rules
from triage.rules import verify, wording
from triage.web import shared as web

SPANISH_PO = PROJECT_ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
UNSET = {
    **TEST_CONFIG,
    "RULES_FILE": str(SHIPPED_RULES),
    "WTF_CSRF_ENABLED": False,
    "CARE_TEAM_NAME": "your care team",
    "CARE_TEAM_PHONE": "",
    "AFTER_HOURS_PHONE": "",
}


CHECKS = wording.load_checks()


def problems(texts: Iterator[tuple[str, str, str]]) -> list[str]:
    """Return one line per slip found in (language, where, text) triples."""
    return [str(slip) for slip in wording.slips(texts, CHECKS)]


def rule_file_texts(path=SHIPPED_RULES) -> Iterator[tuple[str, str, str]]:
    """Yield (language, where, text) for every `en`/`es`... value anywhere in the rule file."""
    for language, line, text in wording.rule_file_texts(path, CHECKS):
        yield language, f"{Path(path).name}:{line}", text


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
def test_every_check_catches_its_own_example_and_leaves_its_right_text_alone(language, check):
    assert check.use.strip()
    assert wording.found_in(check, check.example), f"{check.find.pattern} misses {check.example!r}"
    caught = wording.found_in(check, check.ok) if check.ok else []
    assert caught == [], f"{check.find.pattern} catches {check.ok!r}"


def test_a_pending_check_still_finds_a_slip_in_the_shipped_rule_file():
    """`pending` lets verify warn about slips still shipped; once they are fixed, remove it, or
    a new slip of that kind would pass the gate with a warning only."""
    found = {slip.check for slip in wording.rule_file_slips(SHIPPED_RULES, CHECKS)}
    stale = [check.example for checks in CHECKS.values() for check in checks if check.pending]
    stale = [example for example in stale if example not in {check.example for check in found}]
    assert stale == [], "these checks find nothing in rules.yaml now: delete their `pending:` line"


def test_verify_refuses_a_slip_at_its_line_and_warns_about_a_pending_one(tmp_path):
    """The gate and the tests read the same checks: `flask rules verify` names file:line."""
    text = SHIPPED_RULES.read_text("utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line.strip().startswith("es: Emergencia"))
    lines[target] = lines[target].replace("Emergencia", "Emergencia, no contestada")
    edited = tmp_path / "rules.yaml"
    edited.write_text("\n".join(lines) + "\n", "utf-8")
    found, warnings, read = verify.wording_slips(rules.load(edited))
    assert read > 500
    assert [(p.line, p.message.split(":")[0]) for p in found] == [(target + 1, "(es) 'no contestada'")]
    assert str(found[0]).startswith(f"{edited}:{target + 1}: ")
    pending = [check for checks in CHECKS.values() for check in checks if check.pending]
    assert (warnings != []) == any(wording.rule_file_slips(SHIPPED_RULES, {"es": pending, "en": pending}))


def test_the_shipped_rule_file_passes_the_gates_wording_step(ruleset):
    found, _, _ = verify.wording_slips(ruleset)
    assert [str(problem) for problem in found] == []


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
    loaded += [level.say for level in ruleset.levels.values() if level.say]
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
