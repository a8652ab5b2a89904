"""`flask rules verify`: the one gate, on small rule files of its own (not the shipped content)."""

import re

import pytest
from click.testing import CliRunner
from helpers import SMALL_CASES, SMALL_RULES, TEST_CONFIG

from triage import StartupError, create_app
from triage.cli import rules_group
from triage.rules import citations

MINIMAL, CASES = SMALL_RULES, SMALL_CASES


def _verify(tmp_path, cases: str = CASES, *extra, text: str | None = None):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(MINIMAL.read_text("utf-8") if text is None else text, "utf-8")
    folder = tmp_path / "tests" / "cases"
    folder.mkdir(parents=True)
    (folder / "cases.yaml").write_text(cases, "utf-8")
    return CliRunner().invoke(rules_group, ["verify", str(rules_file), *extra]), folder


def test_verify_passes_a_good_file_with_the_cases_beside_it(tmp_path):
    result, folder = _verify(tmp_path)
    assert result.exit_code == 0, result.output
    assert f"cases in {folder}" in result.output
    assert "4 of 4 cases pass" in result.output and "All checks pass" in result.output


def test_verify_prints_each_languages_reading_grades(tmp_path):
    """The grades that test_readability.py used to print: per language, the hardest text."""
    result, _ = _verify(tmp_path)
    assert result.exit_code == 0, result.output
    found = re.search(
        r"^  en: (\d+) texts, the hardest (.+) \(line (\d+)\) at grade (-?[\d.]+); 0 above grade 8$",
        result.output,
        flags=re.M,
    )
    assert found, result.output
    assert int(found[1]) > 1 and 0 < int(found[3]) and float(found[4]) <= 8


def test_verify_counts_the_texts_above_grade_8(tmp_path):
    hard = (  # no comma: the minimal file writes its advice in a {en: ...} flow mapping
        "Notwithstanding considerable uncertainties comprehensive multidisciplinary "
        "evaluation necessitates immediate consultation."
    )
    result, _ = _verify(
        tmp_path, CASES, text=MINIMAL.read_text("utf-8").replace("A fever can be an infection.", hard)
    )
    assert result.exit_code == 1
    assert re.search(
        r"en: \d+ texts, the hardest rule 'fever-early' \(line 53\) at grade 2\d\.\d; 1 above grade 8",
        result.output,
    ), result.output
    assert "rules.yaml:53: rule 'fever-early' in 'en' reads at grade" in " ".join(result.output.split())


def test_verify_refuses_a_source_citing_a_section_the_clinical_basis_lacks(tmp_path):
    text = MINIMAL.read_text("utf-8").replace("docs/clinical-basis.md#fever", "docs/clinical-basis.md#fevr")
    result, _ = _verify(tmp_path, CASES, text=text)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Sources: 1 to fix" in said
    assert (
        f"{tmp_path / 'rules.yaml'}:54: rule 'fever-early': its source cites docs/clinical-basis.md#fevr, "
        f'but {citations.BASIS} has no section "fevr"' in said
    )
    assert "(did you mean 'fever'?)" in said


@pytest.mark.parametrize(
    "source, says",
    [
        ('ref "Infection"', "its source cites no section of docs/clinical-basis.md"),
        ("Dr Test, personal communication", "its source cites no section of docs/clinical-basis.md"),
        ("docs/clinical-basis.md#fever and ../shared/refs.md", "its source points outside the project"),
        ('docs/clinical-basis.md#fever; ref "Infection"', "its source points outside the project"),
    ],
)
def test_verify_refuses_a_source_citing_no_section_of_the_projects_basis(tmp_path, source, says):
    text = MINIMAL.read_text("utf-8").replace("docs/clinical-basis.md#fever", source)
    result, _ = _verify(tmp_path, CASES, text=text)
    assert result.exit_code == 1
    assert f"rules.yaml:54: rule 'fever-early': {says}" in " ".join(result.output.split())


def test_verify_names_a_missing_near_miss_at_the_rules_line(tmp_path):
    result, _ = _verify(tmp_path, CASES.rsplit("- name: near miss - red edge", 1)[0])
    assert result.exit_code == 1
    assert (
        "rules.yaml:56: rule 'spreading-redness': no near-miss case; add a case that answers "
        "redness but where this rule stays silent" in " ".join(result.output.split())
    )


def test_verify_says_did_you_mean_for_names_in_a_case_file(tmp_path):
    cases = (
        CASES.replace("{days_since_surgery: 5, fever: no}", "{days_since_surgery: 5, fevr: no}")
        .replace("{redness: edge}", "{redness: edge, fever: false}")
        .replace("categories: [site_infection]", "categories: [site_infecton]", 1)
    )
    result, folder = _verify(tmp_path, cases)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "there is no question 'fevr' (did you mean 'fever'?)" in out
    assert "fever: false is not one of its answers (did you mean no? write it as 'no')" in out
    assert "there is no category 'site_infecton' (did you mean 'site_infection'?)" in out
    assert f"{folder / 'cases.yaml'}:4: case 'early fever': there is no category" in out


def test_verify_needs_a_cases_folder(tmp_path):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(rules_group, ["verify", str(rules_file)])
    assert result.exit_code == 1 and "give one with --cases DIR" in result.output


def test_options_in_the_wrong_order_say_list_the_mildest_answer_first(tmp_path):
    rules_file = tmp_path / "rules.yaml"
    text = MINIMAL.read_text("utf-8")
    # spreading listed before edge: the step up from spreading to edge lowers the level
    edge, spreading = "      - value: edge", "      - value: spreading"
    swapped = text.replace(edge, "TMP").replace(spreading, edge).replace("TMP", spreading)
    swapped = re.sub(r"    not_comparable:\n(      - .*\n)+", "", swapped)
    assert swapped != text
    rules_file.write_text(swapped, "utf-8")
    from triage import rules, safety

    ruleset = rules.load(rules_file)
    [finding] = safety.check(ruleset).properties[1].failures
    line = ruleset.question("redness").option("edge").line
    assert "changing redness from spreading to edge makes it NONE" in finding.text
    assert f"list the mildest answer first (line {line})" in finding.text and finding.line == line


def test_an_answer_reaching_emergency_without_a_red_flag_is_a_warning_at_its_line(tmp_path):
    from triage import rules
    from triage.rules import verify

    rules_file = tmp_path / "rules.yaml"
    before = "level: urgent\n    when: {question: redness"
    rules_file.write_text(
        MINIMAL.read_text("utf-8").replace(before, before.replace("urgent", "emergency")), "utf-8"
    )
    ruleset = rules.load(rules_file)
    line = ruleset.question("redness").option("spreading").line
    assert verify.emergency_without_red_flag(ruleset) == [
        f"{rules_file}:{line}: `redness: spreading` gives EMERGENCY on its own but has no red_flag; "
        "add `red_flag: emergency` so the safety check holds it there"
    ]


def test_with_the_mildest_answer_listed_last_no_answer_is_blamed_for_missing_a_red_flag(tmp_path):
    """Options in the wrong order make every answer reach EMERGENCY with the mildest ones: the
    monotonicity proof names the line; the red-flag warning does not repeat it for every answer."""
    from triage import rules
    from triage.rules import verify

    rules_file = tmp_path / "rules.yaml"
    text = MINIMAL.read_text("utf-8").replace(
        "level: urgent\n    when: {question: redness", "level: emergency\n    when: {question: redness"
    )
    none, spreading = "      - value: none", "      - value: spreading"
    swapped = text.replace(none, "TMP").replace(spreading, none).replace("TMP", spreading)
    swapped = re.sub(r"    not_comparable:\n(      - .*\n)+", "", swapped)
    rules_file.write_text(swapped, "utf-8")
    ruleset = rules.load(rules_file)
    assert ruleset.question("redness").values[0] == "spreading"
    assert verify.emergency_without_red_flag(ruleset) == []


# Issue 25, H1: a character patients cannot see is refused by the loader that `rules verify` and
# the app's start-up share, at its line and by its code point.
INVISIBLE = [
    ("private_use_character.yaml", 8, "U+E000 (a private-use character)"),
    ("bidi_override_character.yaml", 60, "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("control_character_raw.yaml", 39, "U+0007 (a control character)"),
]


@pytest.mark.parametrize("name, line, named", INVISIBLE)
def test_verify_and_start_up_refuse_an_invisible_character_at_its_line(tmp_path, name, line, named):
    invalid = MINIMAL.parent / name
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_bytes(invalid.read_bytes())
    (tmp_path / "tests" / "cases").mkdir(parents=True)
    result = CliRunner().invoke(rules_group, ["verify", str(rules_file)])
    assert result.exit_code == 1
    assert f"{rules_file}:{line}: " in result.output and named in result.output
    assert "cannot be used; the app will not start with it" in result.output
    with pytest.raises(StartupError) as refused:
        create_app({**TEST_CONFIG, "RULES_FILE": str(rules_file)})
    assert f"{rules_file}:{line}: " in str(refused.value) and named in str(refused.value)
