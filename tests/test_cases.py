"""The example cases in tests/cases/: each one through the engine, and what they cover.

The same runner serves `flask rules test`, so a clinician editing rules.yaml sees the same
failures as CI.
"""

from pathlib import Path

import pytest
import yaml
from answer_examples import answers_with_warnings, choice_questions
from click.testing import CliRunner
from helpers import RULES_FILE

from triage import engine, rules
from triage.cli import rules_group
from triage.engine.model import LEVEL_IDS, Level
from triage.rules import cases, floor, verify

# The cases beside the rules under test (see conftest.py), as `rules verify` finds them.
CASES_DIR = verify.default_cases(RULES_FILE)
ALL_CASES = cases.load_cases([CASES_DIR])


def _case_id(case: cases.Case) -> str:
    return f"{Path(case.file).stem}: {case.name}"


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_id)
def test_case(ruleset, case):
    outcome = cases.run_case(ruleset, case)
    assert outcome.passed, outcome.explain()


@pytest.fixture(scope="module")
def outcomes(ruleset):
    return [cases.run_case(ruleset, case) for case in ALL_CASES]


def test_there_are_cases_with_different_names():
    assert ALL_CASES, f"no example cases in {CASES_DIR}"
    assert len({case.name for case in ALL_CASES}) == len(ALL_CASES), "case names must differ"


def test_every_case_uses_known_levels_and_categories(ruleset):
    for case in ALL_CASES:
        assert case.level in LEVEL_IDS
        assert case.categories <= set(ruleset.categories), case.name


def test_every_rule_fires_in_a_case_and_is_silent_in_a_near_miss(ruleset, outcomes):
    """The same check as `flask rules verify` (triage/rules/verify.py): a case where each rule fires,
    and a near miss that answers one of the rule's own questions and leaves it silent."""
    from triage.rules import verify

    assert [str(problem) for problem in verify.coverage(ruleset, outcomes)] == []


def test_a_rule_without_a_near_miss_is_named_with_its_line(ruleset, outcomes):
    from triage.rules import verify

    rule = ruleset.rules[0]
    asked = rule.when.questions()
    kept = [o for o in outcomes if not (rule.id not in o.rules and asked & set(o.case.answers))]
    [problem] = [p for p in verify.coverage(ruleset, kept) if f"'{rule.id}'" in p.message]
    assert problem.line == rule.line and "no near-miss case" in problem.message


def test_every_level_and_category_is_expected_somewhere(ruleset):
    assert {case.level for case in ALL_CASES} == set(LEVEL_IDS)
    assert set().union(*(case.categories for case in ALL_CASES)) == set(ruleset.categories)


def _answered_yes() -> str:
    """Return a question some case answers with a bare `yes` (skip when none does)."""
    key = next((k for case in ALL_CASES for k, v in case.answers.items() if v == "yes"), None)
    if key is None:
        pytest.skip("no example case answers `yes`")
    return key


def test_the_case_files_write_yes_and_no_bare():
    """The files use bare yes/no (which YAML 1.1 would read as true/false) ..."""
    key = _answered_yes()
    text = "\n".join(path.read_text("utf-8") for path in CASES_DIR.glob("*.yaml"))
    assert f"{key}: yes" in text
    plain = [item for path in cases.case_files([CASES_DIR]) for item in yaml.safe_load(path.read_text())]
    assert any(item["answers"].get(key) is True for item in plain), (
        "plain PyYAML turns bare yes into True: the trap our loader must close"
    )


def test_bare_yes_and_no_reach_the_engine_as_strings(ruleset):
    """... and our loader hands them to the engine as the words they look like."""
    key = _answered_yes()
    values = [
        value for case in ALL_CASES for key, value in case.answers.items() if not ruleset.question(key).number
    ]
    assert values and all(isinstance(value, str) for value in values)
    said_yes = next(case for case in ALL_CASES if case.answers.get(key) == "yes")
    assert cases.run_case(ruleset, said_yes).passed


MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"


def test_bare_on_off_yes_no_in_rules_and_cases_stay_words(tmp_path):
    """A clinic's own options `on`/`off` (and `yes`/`no`) work unquoted in both files."""
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(
        MINIMAL.read_text("utf-8")
        .replace(
            "questions:\n",
            "questions:\n"
            "  - id: heating_pad\n"
            '    text: {en: "Is a heating pad on the pump?"}\n'
            "    options:\n"
            "      - value: off\n"
            "        label: {en: Off}\n"
            "      - value: on\n"
            "        label: {en: On}\n",
            1,
        )
        .replace(
            "rules:\n",
            "rules:\n"
            "  - id: heat-on-pump\n"
            "    category: site_infection\n"
            "    level: soon\n"
            "    when: {question: heating_pad, is: on}\n"
            "    title: {en: Heat on the pump}\n"
            "    advice: {en: Heat can change the pump's flow.}\n"
            "    source: ref Overdose (heat can increase pump flow)\n",
            1,
        ),
        "utf-8",
    )
    ruleset = rules.load(rule_file)
    assert ruleset.question("heating_pad").values == ("off", "on")
    case_file = tmp_path / "cases.yaml"
    case_file.write_text(
        "- name: heat on\n  answers: {heating_pad: on, fever: no}\n  level: soon\n"
        "  categories: [site_infection]\n"
        "- name: heat off\n  answers: {heating_pad: off, fever: no, redness: none}\n"
        "  level: none\n  categories: []\n",
        "utf-8",
    )
    loaded = cases.load_cases([case_file])
    assert [case.answers["heating_pad"] for case in loaded] == ["on", "off"]
    assert [case.answers["fever"] for case in loaded] == ["no", "no"]
    assert all(cases.run_case(ruleset, case).passed for case in loaded)


def _warned(ruleset):
    """Return (answers, result) for one answer that gives a warning, from the loaded rules."""
    answers = answers_with_warnings(ruleset)
    return answers, engine.evaluate(ruleset, answers)


def _yaml_answers(answers: dict) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in answers.items()) + "}"


def test_a_case_that_disagrees_fails_with_expected_and_got(ruleset, tmp_path):
    answers, result = _warned(ruleset)
    case_file = tmp_path / "wrong.yaml"
    case_file.write_text(
        f"- name: a warning wrongly expected calm\n  answers: {_yaml_answers(answers)}\n"
        "  level: none\n  categories: []\n",
        "utf-8",
    )
    [case] = cases.load_cases([case_file])
    outcome = cases.run_case(ruleset, case)
    assert not outcome.passed
    text = outcome.explain()
    assert f"{case_file}:1: a warning wrongly expected calm" in text
    assert "expected NONE []" in text
    assert f"got      {result.level.id.upper()} {sorted({w.rule.category for w in result.warnings})}" in text
    assert result.warnings[0].rule.id in text


def test_a_case_with_answers_the_rules_refuse_fails_and_says_why(ruleset, tmp_path):
    question = choice_questions(ruleset)[0]
    case_file = tmp_path / "bad_answers.yaml"
    case_file.write_text(
        f"- name: a misspelled answer\n  answers: {{{question.id}: yess}}\n  level: none\n  categories: []\n",
        "utf-8",
    )
    outcome = cases.run_case(ruleset, cases.load_cases([case_file])[0])
    assert not outcome.passed
    assert "the answers are not allowed" in outcome.explain()
    allowed = ", ".join(question.values)
    assert f"{question.id}: 'yess' is not an allowed answer; use one of: {allowed}" in outcome.explain()


def test_a_malformed_case_file_is_refused_with_file_and_line(tmp_path):
    case_file = tmp_path / "malformed.yaml"
    case_file.write_text(
        "- name: ok\n  answers: {}\n  level: none\n  categories: []\n"
        "- name: no level here\n  answers: {}\n  categories: []\n"
        "- name: unknown level\n  answers: {}\n  level: asap\n  categories: []\n",
        "utf-8",
    )
    with pytest.raises(cases.FileProblems) as caught:
        cases.load_cases([case_file])
    lines = {problem.line for problem in caught.value.problems}
    assert lines == {5, 10}
    assert all(problem.file == str(case_file) for problem in caught.value.problems)


# ------------------------------------------------------------------ `flask rules test`


def _rules_test(*args):
    """`flask rules test` on the rules under test; with no case file, on the cases beside them."""
    return CliRunner().invoke(rules_group, ["test", "--rules", RULES_FILE, *(args or [str(CASES_DIR)])])


def test_rules_test_passes_on_the_shipped_cases():
    result = _rules_test()
    assert result.exit_code == 0, result.output
    assert f"{len(ALL_CASES)} of {len(ALL_CASES)} cases pass" in result.output
    assert "FAIL" not in result.output and "not covered" not in result.output


def test_rules_test_fails_on_a_wrong_case_file_with_expected_vs_got(ruleset, tmp_path):
    answers, result = _warned(ruleset)
    level, categories = result.level.id, sorted({w.rule.category for w in result.warnings})
    lower = Level(result.level - 1).id
    shown = _yaml_answers(answers)
    case_file = tmp_path / "wrong.yaml"
    case_file.write_text(
        f"- name: right - as the rules say\n  answers: {shown}\n"
        f"  level: {level}\n  categories: [{', '.join(categories)}]\n"
        f"- name: wrong - expected one level lower\n  answers: {shown}\n"
        f"  level: {lower}\n  categories: [{', '.join(categories)}]\n"
        f"- name: wrong - the category left out\n  answers: {shown}\n"
        f"  level: {level}\n  categories: [{', '.join(categories[1:])}]\n",
        "utf-8",
    )
    result = _rules_test(str(case_file))
    assert result.exit_code == 1
    out = result.output
    assert "1 of 3 cases pass" in out
    assert f"FAIL {case_file}:5: wrong - expected one level lower" in out
    assert f"expected {lower.upper()} {categories}\n    got      {level.upper()} {categories}" in out
    assert f"FAIL {case_file}:9: wrong - the category left out" in out
    assert f"expected {level.upper()} {categories[1:]}\n    got      {level.upper()} {categories}" in out
    assert "right - as the rules say" not in out


def test_rules_test_refuses_a_malformed_case_file(tmp_path):
    case_file = tmp_path / "malformed.yaml"
    case_file.write_text(
        "- name: x\n  answers: {}\n  level: none\n  categories: []\n  colour: red\n", "utf-8"
    )
    result = _rules_test(str(case_file))
    assert result.exit_code == 1
    assert f"{case_file}:5: case 'x': 'colour' is not a known key here" in result.output


def test_rules_test_on_a_broken_rule_file_exits_non_zero():
    broken = Path(__file__).parent / "rules_invalid" / "unknown_level.yaml"
    result = CliRunner().invoke(rules_group, ["test", "--rules", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:" in result.output and "level 'high' is not one of" in result.output


# ------------------------------------------------------------------ the reference's floor
# The clinical reference's urgency table, written out by the clinic independently of rules.yaml
# in tests/cases/reference_floor.yaml: for any answers, the result must be at least as urgent as
# every row that applies, and show the categories the row names. Checked for every combination
# of up to three warning answers at the day boundaries, not only for the hand-written cases above.

FLOOR_FILE = CASES_DIR / floor.FLOOR_FILE


def test_the_floor_file_is_not_read_as_example_cases():
    assert FLOOR_FILE.exists()
    assert FLOOR_FILE not in cases.case_files([CASES_DIR])
    assert all(Path(case.file) != FLOOR_FILE for case in ALL_CASES)


def test_no_combination_of_answers_is_below_the_reference_table(ruleset):
    """The same check as `flask rules verify` (triage/rules/floor.py)."""
    problems, tried = floor.check(ruleset, FLOOR_FILE)
    assert [str(problem) for problem in problems] == []
    assert tried > 0


def test_a_rule_below_the_table_is_named_at_the_rows_line(ruleset, tmp_path):
    rule = next(r for r in ruleset.rules if r.level > Level.NONE)
    table = tmp_path / "reference_floor.yaml"
    higher = Level(min(rule.level + 1, max(Level)))
    table.write_text(
        "# a row that asks more than the rules give\n"
        f"- finding: {rule.id} made stricter\n  level: {higher.id}\n"
        f"  categories: [{rule.category}]\n"
        f"  when: {{question: {sorted(rule.when.questions())[0]}, is: nosuch}}\n",
        "utf-8",
    )
    problems, _ = floor.check(ruleset, table)
    assert problems and problems[0].line == 5 and "has no option 'nosuch'" in problems[0].message
