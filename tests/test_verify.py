"""`flask rules verify`: the one gate, on small rule files of its own (not the shipped content)."""

from pathlib import Path

from click.testing import CliRunner

from triage.cli import rules_group

MINIMAL = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
CASES = """\
- name: early fever
  answers: {days_since_surgery: 5, fever: yes}
  level: urgent
  categories: [site_infection]
- name: near miss - no fever
  answers: {days_since_surgery: 5, fever: no}
  level: none
  categories: []
- name: spreading redness
  answers: {redness: spreading}
  level: urgent
  categories: [site_infection]
- name: near miss - red edge
  answers: {redness: edge}
  level: none
  categories: []
"""


def _verify(tmp_path, cases: str = CASES, *extra):
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(MINIMAL.read_text("utf-8"), "utf-8")
    folder = tmp_path / "tests" / "cases"
    folder.mkdir(parents=True)
    (folder / "cases.yaml").write_text(cases, "utf-8")
    return CliRunner().invoke(rules_group, ["verify", str(rules_file), *extra]), folder


def test_verify_passes_a_good_file_with_the_cases_beside_it(tmp_path):
    result, folder = _verify(tmp_path)
    assert result.exit_code == 0, result.output
    assert f"cases in {folder}" in result.output
    assert "4 of 4 cases pass" in result.output and "All checks pass" in result.output


def test_verify_names_a_missing_near_miss_at_the_rules_line(tmp_path):
    result, _ = _verify(tmp_path, CASES.rsplit("- name: near miss - red edge", 1)[0])
    assert result.exit_code == 1
    assert "rules.yaml:56: rule 'spreading-redness': no near-miss case; add a case that answers " \
        "redness but where this rule stays silent" in " ".join(result.output.split())


def test_verify_says_did_you_mean_for_names_in_a_case_file(tmp_path):
    cases = CASES.replace("{days_since_surgery: 5, fever: no}", "{days_since_surgery: 5, fevr: no}") \
        .replace("{redness: edge}", "{redness: edge, fever: false}") \
        .replace("categories: [site_infection]", "categories: [site_infecton]", 1)
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
