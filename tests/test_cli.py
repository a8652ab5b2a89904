"""`flask rules check | test | show`: the clinician's commands."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECT, RULES_FILE
from helpers import SMALL_RULES

from triage.cli import rules_group
from triage.engine.model import Level
from triage.rules import review

FLASK = str(Path(sys.executable).with_name("flask"))


@pytest.fixture
def cli(monkeypatch):
    """`flask rules ...` with no file named: the commands read FLASK_RULES_FILE, the rules under test."""
    monkeypatch.setenv("FLASK_RULES_FILE", RULES_FILE)

    def invoke(*args):
        return CliRunner().invoke(rules_group, list(args))

    return invoke


def broken_file(tmp_path) -> tuple[Path, list[int]]:
    """The rules under test with three mistakes; return the file and the mistakes' lines."""
    lines = Path(RULES_FILE).read_text("utf-8").splitlines()
    mistakes = []
    level = next(i for i, line in enumerate(lines) if line.strip() == "level: urgent")
    lines[level] = lines[level].replace("urgent", "very_urgent")
    mistakes.append(level + 1)
    question = next(i for i, line in enumerate(lines) if re.search(r"\{question: \w{4,}, is:", line))
    name = re.search(r"\{question: (\w{4,}), is:", lines[question]).group(1)
    lines[question] = lines[question].replace(f"question: {name},", f"question: {name[:-1]},")
    mistakes.append(question + 1)
    source = max(i for i, line in enumerate(lines) if line.strip().startswith("source:"))
    lines[source] = lines[source].replace("source:", "sauce:")
    mistakes.append(source + 1)
    file = tmp_path / "broken.yaml"
    file.write_text("\n".join(lines) + "\n", "utf-8")
    return file, mistakes


# rules check -----------------------------------------------------------------------------------


def test_check_the_shipped_file(cli, ruleset):
    done = cli("check")
    assert done.exit_code == 0
    assert done.output.splitlines()[0] == (
        f"{RULES_FILE}: valid. Version {ruleset.version} ({ruleset.digest}), "
        f"{len(ruleset.questions)} questions, {len(ruleset.rules)} rules."
    )


def test_check_reports_every_problem_with_file_and_line(cli, tmp_path):
    file, lines = broken_file(tmp_path)
    done = cli("check", str(file))
    assert done.exit_code == 1
    problems = [line for line in done.output.splitlines() if line.startswith(f"{file}:")]
    found_lines = {int(re.match(rf"{re.escape(str(file))}:(\d+): ", p).group(1)) for p in problems}
    assert set(lines) <= found_lines
    assert "very_urgent" in done.output
    assert re.search(r"there is no question '\w+'", done.output) or "no question" in done.output
    assert "sauce" in done.output
    assert done.output.splitlines()[-1] == (
        f"{len(problems)} problems: {file} cannot be used; the app will not start with it."
    )


def test_check_a_missing_file(cli, tmp_path):
    done = cli("check", str(tmp_path / "nowhere.yaml"))
    assert done.exit_code == 1
    assert f"{tmp_path / 'nowhere.yaml'}:0: the file does not exist" in done.output


def test_check_reads_the_rules_file_setting(cli, tmp_path, monkeypatch):
    file, _ = broken_file(tmp_path)
    monkeypatch.setenv("FLASK_RULES_FILE", str(file))
    assert cli("check").exit_code == 1


def run_flask(*args, **env):
    settings = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    settings.update(env)
    return subprocess.run(
        [FLASK, "--app", "wsgi", *args],
        cwd=PROJECT,
        env=settings,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_flask_command_works_without_a_secret_key_or_a_valid_file(tmp_path):
    # Registered as an entry point, `rules` runs even though the app itself cannot start. (The
    # small file: proving the shipped one in a new process takes 7 s; test_rules.py does that.)
    done = run_flask("rules", "check", FLASK_RULES_FILE=str(SMALL_RULES))
    assert done.returncode == 0, done.stderr
    assert f"{SMALL_RULES}: valid" in done.stdout
    file, lines = broken_file(tmp_path)
    done = run_flask("rules", "check", FLASK_RULES_FILE=str(file))
    assert done.returncode == 1
    assert f"{file}:{lines[0]}: " in done.stderr


# rules test -----------------------------------------------------------------------------------

# The small rule file, so the expectations below hold whatever a clinic ships.
CASES = """\
- name: no symptoms
  answers: {}
  level: none
  categories: []
- name: fever soon after surgery
  answers: {days_since_surgery: 5, fever: yes}
  level: urgent
  categories: [site_infection]
"""


@pytest.fixture
def small_cli(monkeypatch):
    monkeypatch.setenv("FLASK_RULES_FILE", str(SMALL_RULES))
    return lambda *args: CliRunner().invoke(rules_group, list(args))


def test_test_passes_good_cases(small_cli, tmp_path):
    cases = tmp_path / "good.yaml"
    cases.write_text(CASES, "utf-8")
    done = small_cli("test", str(cases))
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1].startswith("2 of 2 cases pass (rules version test-1")
    assert "FAIL" not in done.output


def test_test_shows_each_failure_with_expected_and_got(small_cli, tmp_path):
    cases = tmp_path / "wrong.yaml"
    cases.write_text(CASES.replace("level: urgent", "level: soon"), "utf-8")
    done = small_cli("test", str(cases))
    assert done.exit_code == 1
    assert f"FAIL {cases}:5: fever soon after surgery" in done.output
    assert "    expected SOON ['site_infection']" in done.output
    assert "    got      URGENT ['site_infection'] (rules: fever-early)" in done.output
    assert done.output.splitlines()[-1].startswith("1 of 2 cases pass")


def test_test_refuses_a_broken_case_file(cli, tmp_path):
    cases = tmp_path / "broken.yaml"
    cases.write_text("- name: x\n  answers: {}\n  level: later\n  categories: []\n", "utf-8")
    done = cli("test", str(cases))
    assert done.exit_code == 1
    assert f"{cases}:3: " in done.output


def test_test_with_no_cases_fails(cli, tmp_path):
    done = cli("test", str(tmp_path))
    assert done.exit_code == 1
    assert "0 of 0 cases pass" in done.output


# rules show --by-level (the default `rules show` sheet is tested in test_review.py) ----------


def test_show_by_level_lists_every_rule_most_urgent_first(cli, ruleset):
    done = cli("show", "--by-level")
    assert done.exit_code == 0
    out = done.output
    assert out.startswith(f"Pump Check rule set, version {ruleset.version} (digest {ruleset.digest})")
    headings = [out.index(f"\n== {name}: ") for name in ("EMERGENCY", "EMERGENCY_ROOM", "URGENT", "SOON")]
    assert headings == sorted(headings)
    for rule in ruleset.rules:
        at = out.index(f"\n  {rule.id} (")
        level_start = out.index(f"\n== {rule.level.id.upper()}: ")
        later = [h for h in headings if h > level_start]
        assert level_start < at < (later[0] if later else len(out))
        block = " ".join(out[at:].split("\n\n")[0].split())
        assert f"{rule.title['en']}" in block
        assert f"If {' '.join(review.condition_text(rule.when, ruleset).split())}" in block
        assert f"Advice: {' '.join(rule.advice['en'].split())}" in block
        assert f"Source: {' '.join(rule.source.split())}" in block
    told = " ".join(ruleset.levels[Level.NONE].action["en"].split()[:4])
    assert f"When no rule matches, the patient is told: {told}" in out
    assert "Rules by category and level" in out
    for category in ruleset.categories:
        levels = [level for level in sorted(Level, reverse=True) if level != Level.NONE]
        columns = " +(\\d+)" * (len(levels) + 1)
        counts = re.search(rf"\n{category}{columns}(?: .*)?\n", out + "\n").groups()
        by_level = [
            sum(r.category == category and r.level == level for r in ruleset.rules) for level in levels
        ]
        assert [int(c) for c in counts] == [*by_level, sum(by_level)]
    assert max(len(line) for line in out.splitlines()) <= 78


def test_show_by_level_says_answers_in_the_patients_words(cli, ruleset):
    out = " ".join(cli("show", "--by-level").output.split())
    from triage.engine import conditions

    rule = next(
        r for r in ruleset.rules if isinstance(r.when, conditions.AnswerIs) and len(r.when.values) == 1
    )
    [value] = rule.when.values
    label = ruleset.question(rule.when.question).option(value).label["en"]
    assert f'If {rule.when.question.replace("_", " ")} is "{" ".join(label.split())}"' in out
