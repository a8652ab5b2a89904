"""Wording: every patient and nurse text against the checks in docs/wording-checks.yaml.

The checks are the known slips (docs/glossary-es.md says what to write instead): "al el",
"prueba" for the checklist, "ronchas" for a rash, gendered words, vague deadlines, "llame a
emergencias", English inside Spanish, British English. They run over every `en`/`es` value
anywhere in rules.yaml (walked as plain YAML, so a key added later is covered too: the same
code as `flask rules verify`, triage/rules/wording.py), every English message and Spanish
translation in the catalogue, the same texts with the fill-ins a clinic leaves unset, the pages,
and call mode's Spanish read-aloud.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from helpers import TEST_CONFIG
from walker import Page, Walker, choice_per_level, pick

from triage import PROJECT_ROOT, SHIPPED_RULES, create_app, rules
from triage.engine.model import Level
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


@pytest.fixture(scope="module")
def unset_app_with_csrf():
    return create_app({**UNSET, "WTF_CSRF_ENABLED": True})  # a post without a token is refused


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
    body = response.html if isinstance(response, Page) else response.get_data(as_text=True)
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
        # The review's own wordings (issue 24): the new checks must let them through.
        ("es", "good", "Si la persona tiene mucho sueño, acuéstela de lado. Llame al 911 ahora."),
        ("es", "good", "Muy lenta, o respira muy poquito (casi no se le mueve el pecho)."),
        ("es", "good", "Acuéstese (sin sentarse ni levantarse) hasta hablar con su equipo médico."),
        ("es", "good", "Un familiar o la persona que le cuida puede llamar por usted."),
        ("es", "good", "Haga esto ahora, antes de volver a empezar. Solo una línea rosada."),
        ("es", "good", "Cuelgue y llame al 911 ahora. Si prefiere, yo llamo por usted."),
        ("en", "good", "Do this now, before you start again. Tell the paramedics."),
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


# The app's own pages: only the catalogue's words and the clinic's settings.
APP_PAGES = {
    "start": ("get", "/", None),
    "not found": ("get", "/nowhere", None),
    "token refused": ("post", "/check/new", {}),
    "too much": ("post", "/check/new", {"x": "y" * 70_000}),
}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", list(APP_PAGES))
def test_the_app_pages_read_right_with_nothing_set(unset_app_with_csrf, language, name):
    method, path, data = APP_PAGES[name]
    response = getattr(unset_app_with_csrf.test_client(), method)(f"{path}?lang={language}", data=data)
    text = page_text(response)
    assert response.status_code in (200, 400, 404, 413) and "911" in text
    assert problems(iter([(language, f"page {name}", text)])) == []


def rule_pages(app, language: str) -> dict[str, str]:
    """The check's pages and results, which show the rule file's words: every page of a walk,
    a page sent blank, and a result at each level a choice reaches."""
    ruleset = app.extensions["pump_check"].ruleset
    walker = Walker(app.test_client())
    walker.client.get(f"/?lang={language}")
    pages = {"blank": walker.start()}
    pages["first, sent blank"] = walker.send({})
    while not walker.page.is_result:
        pages[walker.page.address] = walker.page
        walker.send(walker.mildest())
    for level, chosen in choice_per_level(ruleset, pairs=True).items():
        walker.start()
        pages[f"result {level.id}"] = walker.finish(pick(chosen))
    assert all(page.status in (200, 400) for page in pages.values())
    return {name: page_text(page) for name, page in pages.items()}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_rule_pages_read_right_with_nothing_set(unset_app, language):
    found = []
    for name, text in rule_pages(unset_app, language).items():
        found += problems(iter([(language, f"page {name}", text)]))
    assert found == []


# Call mode read aloud in Spanish (issue 24, finding H5) -----------------------------------------

ENGLISH_IN_SPANISH = next(check for check in CHECKS["es"] if check.name == "english-in-spanish")
CALL_SETUPS = {
    "nothing set": {},
    "English name only": {"CARE_TEAM_NAME": "the Pump Clinic", "CARE_TEAM_PHONE": "555-0100"},
    "Spanish name set": {
        "CARE_TEAM_NAME": "the Pump Clinic",
        "CARE_TEAM_NAME_ES": "la Clínica de la Bomba",
        "CARE_TEAM_PHONE": "555-0100",
        "AFTER_HOURS_PHONE": "555-0199",
    },
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class LanguageText(HTMLParser):
    """Collect the text of every element in one language (`lang`, inherited; a child in
    another language, such as a visually hidden English label, is left out)."""

    def __init__(self, language: str):
        super().__init__()
        self.language, self.stack, self.texts = language, ["en"], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(dict(attrs).get("lang") or self.stack[-1])

    def handle_endtag(self, tag):
        if tag not in VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack[-1] == self.language and data.strip():
            self.texts.append(data)


def text_in(page: str, language: str) -> list[str]:
    parser = LanguageText(language)
    parser.feed(page)
    return parser.texts


def spanish_calls(app) -> dict[str, str]:
    """The call page and a Spanish call's result at every level, identified."""
    from level_examples import answers_reaching, full_answers

    client = app.test_client()
    ruleset = app.extensions["pump_check"].ruleset
    pages = {"call page": client.get("/call").get_data(as_text=True)}
    for level in Level:
        answers = full_answers(ruleset, answers_reaching(ruleset, level))
        answers |= {q.id: "" for q in ruleset.questions if q.number and q.id not in answers}
        data = {**answers, "call_language": "es", "reference": "AB 1"}
        pages[f"call result {level.id}"] = client.post("/call", data=data).get_data(as_text=True)
    return pages


@pytest.mark.parametrize("setup", list(CALL_SETUPS))
def test_call_mode_reads_spanish_aloud_with_no_english_inside(setup):
    app = create_app({**UNSET, **CALL_SETUPS[setup]})
    if "es" not in app.extensions["pump_check"].ruleset.languages:
        pytest.skip("this rule set has no Spanish wording")
    found = []
    for name, page in spanish_calls(app).items():
        spoken = text_in(page, "es")
        assert spoken, f"{name}: nothing to read aloud in Spanish"
        texts = (("es", f"{name} lang=es", text) for text in spoken)
        found += [str(slip) for slip in wording.slips(texts, {"es": [ENGLISH_IN_SPANISH]})]
    assert found == []


def test_the_english_in_spanish_check_finds_the_slip_the_review_heard():
    """What call mode read aloud before issue 24, with nothing set and with a clinic name."""
    heard = [
        "o llame a your care team al the number on your discharge papers.",
        "Si algo cambia, conteste las preguntas otra vez o llame a the Pump Clinic al 555-0100.",
    ]
    for text in heard:
        assert wording.found_in(ENGLISH_IN_SPANISH, text), text


def test_call_mode_fills_the_spanish_line_with_the_spanish_unset_wording():
    app = create_app(dict(UNSET))
    ruleset = app.extensions["pump_check"].ruleset
    say = ruleset.levels[Level.NONE].say
    if "es" not in ruleset.languages or say is None or "{care_team_phone}" not in say["es"]:
        pytest.skip("the rule set's Spanish NONE line names no phone")
    spoken = " ".join(text_in(spanish_calls(app)["call result none"], "es"))
    assert "al número que aparece en sus papeles de alta" in " ".join(spoken.split())
