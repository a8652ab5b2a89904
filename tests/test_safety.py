"""The four safety properties: proved on the shipped rules, caught with counterexamples in files
that break them (tests/rules_unsafe/), and checked against a brute-force search of every state."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import SMALL_RULES

from triage import SHIPPED_RULES, engine, rules, safety
from triage.cli import rules_group
from triage.engine import conditions
from triage.engine.model import Level
from triage.rules.review_dates import review_warnings
from triage.rules.yamlfile import FileProblems
from triage.safety import proofs

UNSAFE = Path(__file__).parent / "rules_unsafe"
ON_TIME = "2026-12-01"  # before every next_due in these files


def load(name: str):
    return rules.load(UNSAFE / name)


def by_number(report) -> dict:
    return {result.number: result for result in report.properties}


def flat(text: str) -> str:
    """Undo the command's line wrapping."""
    return " ".join(text.split())


def run_check(*args):
    return CliRunner().invoke(rules_group, ["check", *args])


# ------------------------------------------------------------------ the shipped rules


def test_shipped_rules_are_proved_safe(ruleset):
    report = safety.check(ruleset)
    assert [(r.name, r.status) for r in report.properties] == [
        ("Totality", safety.PROVED),
        ("Monotonicity", safety.PROVED),
        ("Red-flag floor", safety.PROVED),
        ("Reachability", safety.PROVED),
    ]
    assert all(not r.failures and not r.warnings for r in report.properties)
    choices = math.prod(len(q.options) for q in ruleset.questions if not q.number)
    days = len(safety.number_values(ruleset, ruleset.question("days_since_surgery")))
    assert report.states == choices * days == by_number(report)[2].states
    assert report.ok


def test_shipped_rules_pass_when_sampled_too(ruleset):
    report = safety.check(ruleset, prove=False, samples=300)
    assert [r.status for r in report.properties] == [safety.PROVED] + [safety.SAMPLED] * 3
    assert all(r.states > 300 for r in report.properties[1:])  # each step adds states
    assert report.ok


def test_shipped_rules_command_says_proved_and_warns_about_nothing():
    result = run_check(str(SHIPPED_RULES), "--today", ON_TIME)
    assert result.exit_code == 0, result.output
    for line in (
        "1. Totality: PROVED",
        "2. Monotonicity: PROVED",
        "3. Red-flag floor: PROVED",
        "4. Reachability: PROVED",
    ):
        assert line in flat(result.output)
    assert "warning" not in result.output


def test_shipped_rules_every_rule_has_a_review():
    ruleset = rules.load(SHIPPED_RULES)
    assert all(rule.review is not None for rule in ruleset.rules)
    assert review_warnings(ruleset, datetime.date.fromisoformat(ON_TIME)) == []


# ------------------------------------------------------------------ files that break a property

BROKEN = {
    "monotonicity.yaml": (
        2,
        "with fever: yes and headache: severe the result is URGENT; "
        "adding neck pain: stiff makes it SOON. If 'stiff' is milder than 'none', "
        "list the mildest answer first (line 39); otherwise make a rule give at "
        "least URGENT with 'stiff' too",
    ),
    "monotonicity_days.yaml": (
        2,
        "with days since surgery: 0 days and fever: yes the result is "
        "URGENT; leaving days since surgery unanswered makes it NONE",
    ),
    "red_flag.yaml": (
        3,
        "line 43: `breathing: slow_or_shallow` is a red flag for EMERGENCY, but "
        "rule 'slow-breathing' (line 45) gives URGENT, so the result is URGENT: "
        "raise the rule to EMERGENCY (or add one), or lower the red flag on line 43",
    ),
    "reachability.yaml": (
        4,
        "rule 'fever-early-or-late' ({file}:45) can never fire: no answers "
        "make 'fever is yes and days since surgery is more than 90 and days "
        "since surgery is less than 30' true",
    ),
}


@pytest.mark.parametrize("prove", [True, False], ids=["solver", "exhaustive"])
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_fails_only_its_property_with_the_counterexample(name, prove):
    number, expected = BROKEN[name]
    report = safety.check(load(name), prove=prove)
    results = by_number(report)
    assert results[number].status == safety.FAILED
    assert [f.text for f in results[number].failures] == [expected.format(file=UNSAFE / name)]
    assert all(r.status == safety.PROVED for n, r in results.items() if n != number)
    assert not report.ok


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_command_prints_the_counterexample_and_fails(name):
    number, expected = BROKEN[name]
    result = run_check(str(UNSAFE / name), "--today", ON_TIME)
    assert result.exit_code == 1
    output = flat(result.output)
    title = safety.PROPERTY_NAMES[number - 1]
    assert f"{number}. {title}: FAILED" in output
    assert "counterexample: " + expected.format(file=UNSAFE / name) in output
    assert f"is not safe to use: {title} does not hold" in output


def test_a_monotonicity_counterexample_replays_in_the_engine():
    ruleset = load("monotonicity.yaml")
    finding = by_number(safety.check(ruleset))[2].failures[0]
    assert engine.evaluate(ruleset, finding.answers).level == Level.URGENT
    worse = {**finding.answers, "neck_pain": "stiff"}
    assert engine.evaluate(ruleset, worse).level == Level.SOON
    assert finding.detail == "rules firing before: fever-severe-headache; after: stiff-neck"


def test_a_red_flag_counterexample_replays_in_the_engine():
    ruleset = load("red_flag.yaml")
    finding = by_number(safety.check(ruleset))[3].failures[0]
    assert finding.answers["breathing"] == "slow_or_shallow"
    assert engine.evaluate(ruleset, finding.answers).level == Level.URGENT


def test_a_hidden_rule_is_a_warning_not_a_failure():
    ruleset = load("hidden.yaml")
    for prove in (True, False):
        reach = by_number(safety.check(ruleset, prove=prove))[4]
        assert reach.status == safety.PROVED
        assert [w.rules for w in reach.warnings] == [("fever-late", "fever")]
        assert reach.warnings[0].text.startswith(
            f"rule 'fever-late' ({UNSAFE / 'hidden.yaml'}:53, SOON) is hidden: whenever it "
            "fires, 'fever' (URGENT) of the same category 'infection' fires too"
        )
    result = run_check(str(UNSAFE / "hidden.yaml"), "--today", ON_TIME)
    assert result.exit_code == 0
    assert "warning: rule 'fever-late'" in flat(result.output)


def test_a_hidden_rule_is_not_judged_from_a_sample(ruleset):
    # With fewer samples than states, a rule never seen alone may still fire alone somewhere.
    reach = by_number(safety.check(load("hidden.yaml"), prove=False, samples=10))[4]
    assert reach.status == safety.SAMPLED and reach.warnings == ()


# ------------------------------------------------------------------ totality


def test_a_file_that_would_break_totality_is_refused_by_the_loader():
    with pytest.raises(FileProblems) as error:
        load("totality.yaml")
    assert str(error.value) == (
        f"{UNSAFE / 'totality.yaml'}:50: rule 'fever-number': question "
        "'fever' is not a number: use 'is' with one of its options (no, yes)"
    )
    result = run_check(str(UNSAFE / "totality.yaml"))
    assert result.exit_code == 1 and "cannot be used" in result.output


def with_condition(ruleset, rule_id, when):
    """The rule set with one rule's condition replaced, past the loader's checks."""
    changed = tuple(dataclasses.replace(r, when=when) if r.id == rule_id else r for r in ruleset.rules)
    return dataclasses.replace(ruleset, rules=changed)


def test_totality_catches_a_condition_that_fails_and_stops_the_other_checks():
    # The rule from totality.yaml, built in code: comparing 'yes' with a number fails.
    ruleset = with_condition(load("hidden.yaml"), "fever", conditions.Compare("fever", "above", 3))
    report = safety.check(ruleset)
    total = by_number(report)[1]
    assert total.status == safety.FAILED
    assert [f.text for f in total.failures] == [
        f"with every answer at its mildest, rule 'fever' ({UNSAFE / 'hidden.yaml'}:45) cannot be "
        "evaluated: TypeError: '>' not supported between instances of 'str' and 'int'"
    ]
    assert [r.status for r in report.properties[1:]] == [safety.NOT_CHECKED] * 3
    assert not report.ok


@dataclasses.dataclass(frozen=True)
class ReadsUndeclared(conditions.AnswerIs):
    """A condition that reads its answer but does not declare it."""

    def questions(self):
        return set()


def test_totality_catches_a_condition_that_reads_an_answer_it_does_not_declare():
    sneaky = ReadsUndeclared("fever", frozenset({"yes"}))
    ruleset = with_condition(load("hidden.yaml"), "fever", sneaky)
    total = by_number(safety.check(ruleset))[1]
    assert total.status == safety.FAILED
    assert "it reads the answer to 'fever', which it does not declare" in total.failures[0].text


# ------------------------------------------------------------------ the order of answers


def test_next_up_skips_pairs_that_are_not_comparable(ruleset):
    headache = load("monotonicity.yaml").question("headache")
    assert safety.next_up(headache) == [("none", "mild"), ("mild", "positional"), ("mild", "severe")]
    assert ("none", "severe") in safety.more_serious_pairs(headache)
    assert ("positional", "severe") not in safety.more_serious_pairs(headache)


def test_days_take_not_given_and_each_limit_with_its_neighbours():
    ruleset = load("reachability.yaml")
    days = ruleset.question("days_since_surgery")
    assert safety.number_values(ruleset, days) == (None, 0, 29, 30, 31, 89, 90, 91, 3650)
    # A limit at the edge of the range adds no value outside it.
    edge = with_condition(
        ruleset, "fever-early-or-late", conditions.Compare("days_since_surgery", "at_least", 0)
    )
    assert safety.number_values(edge, days) == (None, 0, 1, 3650)


def replace_in(text_file: Path, old: str, new: str, tmp_path: Path) -> Path:
    text = text_file.read_text(encoding="utf-8")
    assert old in text
    changed = tmp_path / text_file.name
    changed.write_text(text.replace(old, new, 1), encoding="utf-8")
    return changed


def test_the_loader_refuses_not_comparable_pairs_that_contradict_the_order(tmp_path):
    file = replace_in(
        UNSAFE / "monotonicity.yaml",
        "not_comparable: [[positional, severe]]",
        "not_comparable: [[mild, severe], [none, none]]",
        tmp_path,
    )
    with pytest.raises(FileProblems) as error:
        rules.load(file)
    assert [str(p) for p in error.value.problems] == [
        f"{file}:33: question 'headache': 'mild' and 'severe' cannot be not comparable, because "
        "'positional' is listed between them and is comparable with both (so 'mild' < "
        "'positional' < 'severe'); also declare [mild, positional] or [positional, severe] not "
        "comparable, or reorder the options",
        f"{file}:33: question 'headache': a not_comparable pair needs two different options, not "
        "'none' twice",
    ]


def test_the_loader_accepts_a_consistent_partial_order(tmp_path):
    file = replace_in(
        UNSAFE / "monotonicity.yaml",
        "not_comparable: [[positional, severe]]",
        "not_comparable: [[mild, severe], [mild, positional]]",
        tmp_path,
    )
    headache = rules.load(file).question("headache")
    assert safety.next_up(headache) == [("none", "mild"), ("none", "positional"), ("positional", "severe")]


@pytest.mark.parametrize(
    "review, message",
    [
        (
            '"on": "2026-02-30", next_due: "2027-05-25"',
            "rule 'stiff-neck': review on '2026-02-30' is not a real date (YYYY-MM-DD)",
        ),
        (
            '"on": "2026-11-25", next_due: "2026-05-25"',
            "rule 'stiff-neck': the next review (2026-05-25) is before the last one (2026-11-25)",
        ),
    ],
)
def test_the_loader_refuses_review_dates_that_make_no_sense(tmp_path, review, message):
    text = (UNSAFE / "monotonicity.yaml").read_text(encoding="utf-8")
    head, tail = text.split("  - id: stiff-neck", 1)
    tail = tail.replace('"on": "2026-11-25", next_due: "2027-05-25"', review, 1)
    file = tmp_path / "dates.yaml"
    file.write_text(head + "  - id: stiff-neck" + tail, encoding="utf-8")
    with pytest.raises(FileProblems) as error:
        rules.load(file)
    assert [p.message for p in error.value.problems] == [message]


# ------------------------------------------------------------------ reviews


def test_review_warnings_name_missing_and_overdue_reviews():
    ruleset = load("hidden.yaml")
    no_review = dataclasses.replace(
        ruleset, rules=(dataclasses.replace(ruleset.rules[0], review=None), *ruleset.rules[1:])
    )
    file = UNSAFE / "hidden.yaml"
    assert review_warnings(no_review, datetime.date(2027, 5, 25)) == [
        f"rule 'fever' ({file}:45) has no review: add review: {{by, on, next_due}}"
    ]
    assert review_warnings(no_review, datetime.date(2027, 5, 26))[1:] == [
        f"rule 'fever-late' ({file}:53) was due for review on 2027-05-25 (last reviewed 2026-11-25 by test)",
        f"rule 'slow-breathing' ({file}:64) was due for review on 2027-05-25 (last reviewed "
        "2026-11-25 by test)",
    ]


def test_the_command_warns_about_overdue_reviews_but_passes():
    ruleset = rules.load(SHIPPED_RULES)
    due = sorted(datetime.date.fromisoformat(rule.review.next_due) for rule in ruleset.rules)
    after_all = (due[-1] + datetime.timedelta(days=1)).isoformat()
    result = run_check(str(SHIPPED_RULES), "--today", after_all)
    assert result.exit_code == 0
    overdue = [line for line in result.output.splitlines() if "was due for review" in line]
    assert len(overdue) == len(ruleset.rules)
    assert run_check(str(SHIPPED_RULES), "--today", due[0].isoformat()).output.count("warning") == 0


# ------------------------------------------------------------------ fallback to sampling


def test_a_property_the_solver_cannot_decide_is_sampled_and_says_so(monkeypatch, ruleset):
    def undecided(solver, *formulas):
        raise safety._Undecided("timeout")

    monkeypatch.setattr(safety, "_ask", undecided)
    monkeypatch.setattr(proofs, "_REPORTS", {})  # `rules check` proves anew, not from this process's report
    report = safety.check(ruleset, samples=100)
    assert [r.status for r in report.properties] == [safety.PROVED] + [safety.SAMPLED] * 3
    assert all("sampled sets of answers" in r.how for r in report.properties[1:])
    monkeypatch.setattr(safety, "SAMPLES", 100)
    output = flat(run_check(ruleset.file, "--today", ON_TIME).output)
    assert f"2. Monotonicity: SAMPLED ({report.properties[1].states:,} states)" in output


# ------------------------------------------------------------------ an independent oracle


def brute_force(ruleset) -> set[int]:
    """Return the properties (2-4) that fail, by evaluating every state with the engine and
    comparing every pair of comparable answers (not only next steps)."""
    domain = safety.domains(ruleset)
    ids = list(domain)
    level = {}
    fired = {}
    for row in itertools.product(*domain.values()):
        result = engine.evaluate(ruleset, dict(zip(ids, row, strict=True)))
        level[row] = result.level
        fired[row] = {w.rule.id for w in result.warnings}
    failing = set()
    for position, question in enumerate(ruleset.questions):
        pairs = (
            {(v, None) for v in domain[question.id][1:]}
            if question.number
            else safety.more_serious_pairs(question)
        )
        for row in level:
            for a, b in pairs:
                low = row[:position] + (a,) + row[position + 1 :]
                high = row[:position] + (b,) + row[position + 1 :]
                if level[low] > level[high]:
                    failing.add(2)
        for option in question.options:
            if option.red_flag is not None and any(
                row[position] == option.value and level[row] < option.red_flag for row in level
            ):
                failing.add(3)
    if any(not any(rule.id in ids_ for ids_ in fired.values()) for rule in ruleset.rules):
        failing.add(4)
    return failing


@pytest.mark.parametrize("name", sorted([*BROKEN, "hidden.yaml"]))
def test_the_solver_agrees_with_a_brute_force_search(name):
    ruleset = load(name)
    failed = {r.number for r in safety.check(ruleset).properties if r.status == safety.FAILED}
    assert failed == brute_force(ruleset)


@pytest.mark.parametrize("name", sorted([*BROKEN, "hidden.yaml"]))
def test_large_conditions_compiled_part_by_part_give_the_same_findings(monkeypatch, name):
    # A condition reading more combinations than TABLE_LIMIT is compiled as and/or/not of its
    # parts; with a limit of 1 every and/or/not is, and the findings must not change.
    ruleset = load(name)
    whole = safety.check(ruleset)
    monkeypatch.setattr(safety, "TABLE_LIMIT", 1)
    parts = safety.check(ruleset)
    assert [
        (r.status, [f.text for f in r.failures], [w.text for w in r.warnings]) for r in parts.properties
    ] == [(r.status, [f.text for f in r.failures], [w.text for w in r.warnings]) for r in whole.properties]


def test_the_shipped_rules_compiled_part_by_part_are_still_proved(monkeypatch, ruleset):
    monkeypatch.setattr(safety, "TABLE_LIMIT", 1)
    assert [r.status for r in safety.check(ruleset).properties] == [safety.PROVED] * 4


def test_a_step_from_a_middle_answer_is_shown_from_that_answer(tmp_path):
    # Found on 2026.11.25-3: clear fluid with fever was EMERGENCY and cloudy fluid with fever
    # only URGENT. The counterexample must show that step, not a step from "no fluid". A rule
    # file of the test's own, so the finding does not depend on the shipped levels.
    minimal = Path(__file__).parent / "rules_invalid" / "_valid_minimal.yaml"
    text = minimal.read_text("utf-8").replace(
        "rules:\n",
        """  - id: drainage
    text: {en: "Is fluid coming out of your cut?"}
    options:
      - value: none
        label: {en: "No"}
      - value: clear
        label: {en: Clear fluid}
      - value: cloudy
        label: {en: Cloudy fluid}
rules:
  - id: clear-fluid-fever
    category: site_infection
    level: emergency
    when: {all: [{question: drainage, is: clear}, {question: fever, is: "yes"}]}
    title: {en: Clear fluid with fever}
    advice: {en: Call now.}
    source: ref "Infection"
  - id: cloudy-fluid-fever
    category: site_infection
    level: urgent
    when: {all: [{question: drainage, is: cloudy}, {question: fever, is: "yes"}]}
    title: {en: Cloudy fluid with fever}
    advice: {en: Call now.}
    source: ref "Infection"
""",
        1,
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    finding = by_number(safety.check(rules.load(path)))[2].failures[0]
    assert re.search(
        r"^with fever: yes and drainage: clear the result "
        r"is EMERGENCY; changing drainage from clear to cloudy makes it URGENT\. "
        r"If 'cloudy' is milder than 'clear', list the mildest answer first "
        r"\(line \d+\); otherwise make a rule give at least EMERGENCY with 'cloudy' too$",
        finding.text,
    ), finding.text
    assert engine.evaluate(rules.load(path), finding.answers).level == Level.EMERGENCY


# ------------------------------------------------------------------ the package itself


def test_the_safety_check_imports_no_web_framework_and_z3_only_when_it_runs():
    # On the small rule file: the imports are the same, and the shipped file would take 7 s more.
    code = textwrap.dedent(f"""
        import sys
        import triage.safety, triage.rules.review_dates
        from triage import rules
        assert "z3" not in sys.modules, "z3 is imported when a check runs, not with the app"
        report = triage.safety.check(rules.load({str(SMALL_RULES)!r}))
        assert "z3" in sys.modules and report.ok
        web = sorted(name for name in sys.modules
                     if name.split(".")[0] in ("flask", "flask_wtf", "wtforms", "werkzeug", "jinja2"))
        print(",".join(web))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_loader_and_the_proofs_share_one_order_of_seriousness(ruleset):
    for question in ruleset.questions:
        if question.number:
            assert question.more_serious_pairs == frozenset() and question.next_up == ()
            continue
        for pair in question.not_comparable:
            low, high = sorted(pair, key=question.values.index)
            assert (low, high) not in question.more_serious_pairs
        assert set(question.next_up) <= question.more_serious_pairs
        assert safety.more_serious_pairs(question) == set(question.more_serious_pairs)
        assert safety.next_up(question) == list(question.next_up)
