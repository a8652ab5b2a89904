"""The rule file: the shipped one is valid and complete; every broken one is refused in plain
words with file and line (tests/rules_invalid/, one mistake per file, read by a clinician too).
"""

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import RULES_FILE, TEST_CONFIG

from triage import SHIPPED_RULES, rules
from triage.engine.conditions import AllOf, AnswerIs, AnyOf, Not
from triage.engine.model import Level
from triage.rules import yamlfile
from triage.rules.yamlfile import FileProblems

INVALID = Path(__file__).parent / "rules_invalid"
MINIMAL = INVALID / "_valid_minimal.yaml"
BROKEN = sorted(path for path in INVALID.glob("*.yaml") if not path.name.startswith("_"))
EXPECT = re.compile(r"^# expect: line (\d+): (.+)$", re.MULTILINE)
FLASK = Path(sys.executable).parent / "flask"


def expectations(path: Path) -> list[tuple[int, str]]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [(int(line), message) for line, message in EXPECT.findall(text)]


# ------------------------------------------------------------------ the broken-file corpus


def test_the_corpus_is_big_enough_and_every_file_says_what_it_expects():
    assert len(BROKEN) >= 32
    for path in BROKEN:
        assert expectations(path), f"{path.name} has no '# expect: line N: ...' header"


def test_the_corpus_base_file_is_valid():
    """Each broken file is this one with a mistake put in; it must load on its own."""
    ruleset = rules.load(MINIMAL)
    assert [rule.id for rule in ruleset.rules] == ["fever-early", "spreading-redness"]


@pytest.mark.parametrize("path", BROKEN, ids=lambda path: path.stem)
def test_a_broken_rule_file_is_refused_with_each_problem_and_its_line(path):
    with pytest.raises(FileProblems) as caught:
        rules.load(path)
    problems = caught.value.problems
    got = [(problem.line, problem.message) for problem in problems]
    wanted = expectations(path)
    assert len(problems) == len(wanted), f"expected {wanted}\ngot {got}"
    unmatched = list(problems)
    for line, text in wanted:
        match = next((p for p in unmatched if p.line == line and text in p.message), None)
        assert match, f"no problem at line {line} saying {text!r}; got {got}"
        unmatched.remove(match)
    for problem in problems:
        assert problem.file == str(path)
        assert str(problem).startswith(f"{path}:{problem.line}: ")
    assert str(path) in str(caught.value)


def test_a_missing_rule_file_is_refused():
    with pytest.raises(FileProblems) as caught:
        rules.load(INVALID / "no_such_file.yaml")
    assert [p.message for p in caught.value.problems] == ["the file does not exist"]


def test_a_file_that_is_not_a_rule_file_is_refused_in_one_line_quoting_nothing(tmp_path):
    """Issue 25, M3: a secrets file named by mistake; its keys and values are not repeated."""
    secret = tmp_path / "secrets.yaml"
    secret.write_text("password: Zq7secretCanary42\napi_token: Zq7secretCanary42\n")
    with pytest.raises(FileProblems) as caught:
        rules.load(secret)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (
            1,
            "this is not a rule file: it has none of the keys a rule file has (version, languages, "
            "levels, categories, questions, rules); is this the right file?",
        )
    ]


def test_problems_come_sorted_by_line():
    with pytest.raises(FileProblems) as caught:
        rules.load(INVALID / "several_problems.yaml")
    lines = [problem.line for problem in caught.value.problems]
    assert lines == sorted(lines) and len(lines) == 5


# ------------------------------------------------------------------ the shipped rule file


@pytest.fixture(scope="module")
def shipped_data():
    data, _ = yamlfile.load(SHIPPED_RULES)
    return data


def test_the_shipped_rule_file_loads(ruleset):
    assert ruleset.version and ruleset.digest and len(ruleset.digest) == 12
    assert ruleset.questions and len({q.id for q in ruleset.questions}) == len(ruleset.questions)
    assert ruleset.file == RULES_FILE  # the shipped rules.yaml, or FLASK_RULES_FILE


def test_the_shipped_questions_keep_the_public_api(ruleset):
    """Issue 2 section 3, issue 9 section 3: the ids and values published in /api/v1 stay.

    A rule set may add questions and options (and reorder questions), but every published
    question id and answer value stays valid, and a choice's default (its first, mildest
    option) stays the same, so an older client's answers keep their meaning.
    """
    published = {
        "days_since_surgery": None,
        "fever": ("no", "yes"),
        "site_pain": ("none", "mild", "worse", "severe"),
        "swelling": ("none", "mild", "increasing"),
        "redness": ("none", "edge", "spreading"),
        "drainage": ("none", "clear", "cloudy", "bloody"),
        "wound_open": ("no", "yes"),
        "abdominal_pain": ("none", "mild", "severe"),
        "headache": ("none", "mild", "severe", "positional"),
        "neck_pain": ("none", "mild", "stiff"),
        "back_pain": ("none", "mild", "severe"),
        "confusion": ("no", "yes"),
        "muscle_weakness": ("no", "yes"),
        "numbness": ("no", "yes"),
        "spasticity": ("no", "yes"),
        "itching": ("no", "yes"),
        "breathing": ("normal", "slow_or_shallow"),
        "pump_alarm": ("no", "yes"),
    }
    for question_id, values in published.items():
        question = ruleset.question(question_id)
        if values is None:
            assert question.number and (question.minimum, question.maximum) == (0, 3650)
        else:
            assert set(values) <= set(question.values), question_id
            assert question.values[0] == values[0], "the first option is the mildest"


def _leaves(condition):
    if isinstance(condition, (AllOf, AnyOf)):
        for part in condition.parts:
            yield from _leaves(part)
    elif isinstance(condition, Not):
        yield from _leaves(condition.part)
    else:
        yield condition


def test_bare_yes_and_no_in_the_shipped_file_are_strings(ruleset):
    text = SHIPPED_RULES.read_text("utf-8")
    assert re.search(r"^\s+- value: yes$", text, re.MULTILINE), "the file writes yes bare"
    assert re.search(r"^\s+- value: no$", text, re.MULTILINE), "the file writes no bare"
    assert any({"no", "yes"} <= set(question.values) for question in ruleset.questions)
    for question in ruleset.questions:
        assert all(type(value) is str for value in question.values), question.id
    values = {
        value
        for rule in ruleset.rules
        for leaf in _leaves(rule.when)
        if isinstance(leaf, AnswerIs)
        for value in leaf.values
    }
    assert "yes" in values and all(type(value) is str for value in values)


def test_plain_yaml_would_have_read_yes_as_true():
    """The trap the loader closes: PyYAML's safe_load turns the option `yes` into True."""
    plain = yaml.safe_load(SHIPPED_RULES.read_text("utf-8"))
    asked = next(q for q in plain["questions"] if [o["value"] for o in q.get("options", [])][:1] == [False])
    assert True in [o["value"] for o in asked["options"]], "no: yes: read as false, true"
    assert not jsonschema.Draft202012Validator(rules.schema()).is_valid(plain)


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema():
    schema = rules.schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator


def test_the_shipped_rule_file_validates_against_the_schema(shipped_data):
    errors = list(jsonschema.Draft202012Validator(rules.schema()).iter_errors(shipped_data))
    assert errors == []


def test_the_rule_file_points_editors_at_the_schema():
    assert "$schema=triage/rules/rules.schema.json" in SHIPPED_RULES.read_text("utf-8")


def test_every_category_has_a_rule(ruleset):
    used = {rule.category for rule in ruleset.rules}
    assert set(ruleset.categories) - used == set()


def test_every_rule_has_a_source(ruleset):
    for rule in ruleset.rules:
        assert len(rule.source.strip()) >= 10, rule.id
        assert rule.source == rule.source.strip()


def test_every_level_has_a_rule(ruleset):
    assert {rule.level for rule in ruleset.rules} <= set(ruleset.levels) - {Level.NONE}
    assert {"emergency", "urgent", "soon"} <= {rule.level.id for rule in ruleset.rules}


def test_each_rule_knows_its_line(ruleset):
    lines = Path(RULES_FILE).read_text("utf-8").splitlines()
    for rule in ruleset.rules:
        assert lines[rule.line - 1].strip() == f"- id: {rule.id}"


def test_the_loaded_rule_set_cannot_be_changed(ruleset):
    with pytest.raises(dataclasses.FrozenInstanceError):
        ruleset.version = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ruleset.rules[0].level = 0
    with pytest.raises(TypeError):
        ruleset.rules[0].title["en"] = "x"


def test_the_digest_follows_the_bytes(tmp_path):
    copy = tmp_path / "rules.yaml"
    copy.write_bytes(SHIPPED_RULES.read_bytes())
    first = rules.load(copy).digest
    assert first == rules.load(SHIPPED_RULES).digest
    copy.write_bytes(SHIPPED_RULES.read_bytes() + b"\n# a comment changes the digest\n")
    assert rules.load(copy).digest != first


def test_a_red_flag_is_checked_against_the_rules(ruleset):
    """An option marked red_flag gives at least that level on its own (safety.py proves more)."""
    from triage.engine import evaluate

    flagged = [(q, o) for q in ruleset.questions for o in q.options if o.red_flag is not None]
    assert flagged
    for question, option in flagged:
        assert evaluate(ruleset, {question.id: option.value}).level >= option.red_flag


# ------------------------------------------------------------------ `flask rules check`


def _flask(*args, rules_file=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["FLASK_SECRET_KEY"] = TEST_CONFIG["SECRET_KEY"]
    if rules_file is not None:
        env["FLASK_RULES_FILE"] = str(rules_file)
    return subprocess.run(
        [str(FLASK), "--app", "wsgi", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or SHIPPED_RULES.parent,
        timeout=120,
    )


@pytest.mark.skipif(not FLASK.exists(), reason="the flask console script is not installed")
def test_rules_check_prints_every_problem_although_the_app_cannot_start():
    broken = INVALID / "several_problems.yaml"
    result = _flask("rules", "check", rules_file=broken)
    assert result.returncode == 1, result.stdout + result.stderr
    for line, text in expectations(broken):
        assert re.search(
            rf"^{re.escape(str(broken))}:{line}: .*{re.escape(text)}", result.stderr, re.MULTILINE
        ), result.stderr
    assert "5 problems" in result.stderr and "will not start" in result.stderr
    assert "Traceback" not in result.stderr
    started = _flask("routes", rules_file=broken)
    assert started.returncode != 0 and "did not start" in started.stderr


@pytest.mark.skipif(not FLASK.exists(), reason="the flask console script is not installed")
def test_rules_check_of_a_named_file_and_of_the_shipped_file():
    broken = INVALID / "unknown_category.yaml"
    result = _flask("rules", "check", str(broken))
    assert result.returncode == 1
    assert f"{broken}:57: rule 'spreading-redness': there is no category 'site_infektion'" in result.stderr
    good = _flask("rules", "check")
    assert good.returncode == 0, good.stderr
    assert f"{SHIPPED_RULES}: valid." in good.stdout


def test_the_app_refuses_to_start_on_a_broken_rule_file():
    from triage import StartupError, create_app

    broken = INVALID / "missing_source.yaml"
    with pytest.raises(StartupError) as caught:
        create_app({**TEST_CONFIG, "RULES_FILE": str(broken)})
    assert f"{broken}:56: rule 'spreading-redness': 'source' is missing" in str(caught.value)
