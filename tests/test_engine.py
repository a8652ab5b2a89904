"""The engine: answers in, a result out (level, warnings most urgent first, and why).

These tests run on a rule file of their own (tests/rules_own/engine.yaml), so they hold whatever
the clinic writes in rules.yaml; tests/cases hold the clinical expectations.
"""

import json
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from triage import rules
from triage.engine import AnswerProblems, check_answers, evaluate
from triage.engine.model import Level

ENGINE_RULES = Path(__file__).parent / "rules_own" / "engine.yaml"


@pytest.fixture(scope="module")
def ruleset():
    return rules.load(ENGINE_RULES)


ALL_YES = {
    "fever": "yes",
    "confusion": "yes",
    "spasticity": "yes",
    "itching": "yes",
    "pump_alarm": "yes",
    "numbness": "yes",
    "neck_pain": "stiff",
    "headache": "severe",
    "drainage": "clear",
    "swelling": "increasing",
    "days_since_surgery": 45,
}


def _summary(result):
    return (
        result.level,
        [(w.rule.id, w.because) for w in result.warnings],
        result.rules_version,
        result.rules_digest,
    )


def test_evaluate_is_deterministic(ruleset):
    answers = dict(ALL_YES)
    first = _summary(evaluate(ruleset, answers))
    for _ in range(20):
        assert _summary(evaluate(ruleset, answers)) == first
    shuffled = list(answers.items())
    random.Random(7).shuffle(shuffled)
    assert _summary(evaluate(ruleset, dict(shuffled))) == first, "answer order must not matter"
    assert answers == ALL_YES, "evaluate must not change the answers it is given"


def test_evaluate_is_deterministic_across_processes(ruleset):
    """No hash-order or set-order leaks into the result (a fresh interpreter, new hash seed)."""
    code = textwrap.dedent(f"""
        import json
        from triage import rules, engine
        result = engine.evaluate(rules.load({str(ENGINE_RULES)!r}), {ALL_YES!r})
        print(json.dumps([result.level.id, [[w.rule.id, w.because] for w in result.warnings]]))
    """)
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(outputs) == 1
    here = evaluate(ruleset, ALL_YES)
    assert json.loads(outputs.pop()) == [
        here.level.id,
        [[w.rule.id, list(map(list, w.because))] for w in here.warnings],
    ]


def test_the_level_is_the_most_urgent_warning(ruleset):
    result = evaluate(ruleset, ALL_YES)
    assert result.level == max(w.level for w in result.warnings) == Level.EMERGENCY
    soon = evaluate(ruleset, {"numbness": "yes"})
    assert soon.level == Level.SOON == max(w.level for w in soon.warnings)


def test_no_warning_means_level_none(ruleset):
    result = evaluate(ruleset, {})
    assert result.level == Level.NONE and result.warnings == ()


def test_warnings_come_most_urgent_first_and_in_file_order_within_a_level(ruleset):
    result = evaluate(ruleset, ALL_YES)
    levels = [w.level for w in result.warnings]
    assert levels == sorted(levels, reverse=True)
    assert set(levels) == {Level.EMERGENCY, Level.URGENT, Level.SOON}
    order = {rule.id: index for index, rule in enumerate(ruleset.rules)}
    for level in set(levels):
        ids = [order[w.rule.id] for w in result.warnings if w.level == level]
        assert ids == sorted(ids)


def test_because_names_the_answers_that_made_each_rule_hold(ruleset):
    result = evaluate(
        ruleset, {"days_since_surgery": 10, "fever": "yes", "neck_pain": "stiff", "numbness": "yes"}
    )
    because = {w.rule.id: w.because for w in result.warnings}
    assert because["fever-stiff-neck"] == (("fever", "yes"), ("neck_pain", "stiff"))
    assert because["nerve-numbness"] == (("numbness", "yes"),)
    assert because["fever-first-90-days"] == (("days_since_surgery", 10), ("fever", "yes"))


def test_because_leaves_out_the_branch_of_any_that_did_not_hold(ruleset):
    result = evaluate(ruleset, {"spasticity": "yes", "confusion": "yes"})
    warning = next(w for w in result.warnings if w.rule.id == "withdrawal-with-fever-or-confusion")
    assert warning.because == (("confusion", "yes"), ("spasticity", "yes"))


def test_because_follows_the_question_order(ruleset):
    order = ruleset.question_order
    for warning in evaluate(ruleset, ALL_YES).warnings:
        assert [order[q] for q, _ in warning.because] == sorted(order[q] for q, _ in warning.because)


def test_an_unknown_date_counts_as_early_for_fever(ruleset):
    """`not days > 90` holds when the date is not known: not knowing never lowers the level."""
    result = evaluate(ruleset, {"fever": "yes"})
    warning = next(w for w in result.warnings if w.rule.id == "fever-first-90-days")
    assert warning.because == (("days_since_surgery", None), ("fever", "yes"))


def test_an_unanswered_number_never_matches_a_comparison(ruleset):
    from triage.engine.conditions import COMPARISONS, Compare

    for comparison in COMPARISONS:
        for limit in (-1, 0, 90, 10**9):
            condition = Compare("days_since_surgery", comparison, limit)
            assert condition.holds({"days_since_surgery": None}) is False
            assert condition.holds({}) is False
    result = evaluate(ruleset, {"fever": "yes", "days_since_surgery": None})
    assert "fever-after-90-days" not in {w.rule.id for w in result.warnings}


def test_comparisons_at_their_limits():
    from triage.engine.conditions import Compare

    at = {"d": 90}
    assert Compare("d", "at_least", 90).holds(at) and not Compare("d", "at_least", 91).holds(at)
    assert Compare("d", "at_most", 90).holds(at) and not Compare("d", "at_most", 89).holds(at)
    assert Compare("d", "above", 89).holds(at) and not Compare("d", "above", 90).holds(at)
    assert Compare("d", "below", 91).holds(at) and not Compare("d", "below", 90).holds(at)


def test_a_left_out_choice_means_its_first_option(ruleset):
    checked = check_answers(ruleset, {"fever": "yes"})
    assert set(checked) == {q.id for q in ruleset.questions}
    for question in ruleset.questions:
        if question.id == "fever":
            assert checked["fever"] == "yes"
        elif question.number:
            assert checked[question.id] is None
        else:
            assert checked[question.id] == question.options[0].value
    assert (
        evaluate(ruleset, {}).answers
        == evaluate(
            ruleset, {q.id: (None if q.number else q.options[0].value) for q in ruleset.questions}
        ).answers
    )


def test_the_result_carries_the_rules_version_and_digest(ruleset):
    result = evaluate(ruleset, {})
    assert result.rules_version == ruleset.version and result.rules_digest == ruleset.digest


def _problems(ruleset, answers) -> dict:
    with pytest.raises(AnswerProblems) as caught:
        evaluate(ruleset, answers)
    assert isinstance(caught.value, ValueError)
    return dict(caught.value.problems)


def test_an_unknown_question_is_refused_by_name(ruleset):
    problems = _problems(ruleset, {"fevre": "yes"})
    assert list(problems) == ["fevre"]
    assert "there is no question 'fevre'" in problems["fevre"]
    assert "confusion, spasticity, days_since_surgery, fever, site_pain, swelling" in problems["fevre"]


def test_a_bad_value_is_refused_with_the_allowed_values(ruleset):
    problems = _problems(ruleset, {"redness": "red"})
    assert problems == {"redness": "'red' is not an allowed answer; use one of: none, edge, spreading"}


@pytest.mark.parametrize("value", [True, False, 1, None, ["yes"], "Yes", "YES", " yes"])
def test_a_choice_answer_must_be_one_of_the_words(ruleset, value):
    problems = _problems(ruleset, {"fever": value})
    allowed = ", ".join(ruleset.question("fever").values)
    assert f"is not an allowed answer; use one of: {allowed}" in problems["fever"]


def test_a_boolean_is_not_a_yes(ruleset):
    problems = _problems(ruleset, {"fever": True, "pump_alarm": False})
    allowed = ", ".join(ruleset.question("fever").values)
    assert problems["fever"] == f"True (bool) is not an allowed answer; use one of: {allowed}"
    assert "False (bool)" in problems["pump_alarm"]


@pytest.mark.parametrize("value", [True, False, "10", 10.0, 10.5, [10], {}])
def test_a_number_answer_must_be_a_whole_number(ruleset, value):
    problems = _problems(ruleset, {"days_since_surgery": value})
    assert problems == {"days_since_surgery": "must be a whole number from 0 to 3650, or null if not known"}


@pytest.mark.parametrize("value", [-1, 3651, 10**12])
def test_a_number_out_of_range_is_refused(ruleset, value):
    problems = _problems(ruleset, {"days_since_surgery": value})
    assert problems == {
        "days_since_surgery": f"{value} is out of range; must be a whole number "
        "from 0 to 3650, or null if not known"
    }


@pytest.mark.parametrize("value", [0, 3650, None])
def test_the_number_limits_themselves_are_allowed(ruleset, value):
    assert evaluate(ruleset, {"days_since_surgery": value}).answers["days_since_surgery"] == value


def test_every_bad_answer_is_reported_at_once(ruleset):
    problems = _problems(ruleset, {"fever": "maybe", "x": 1, "days_since_surgery": -5, "breathing": "slow"})
    assert set(problems) == {"fever", "x", "days_since_surgery", "breathing"}


def test_a_very_long_bad_answer_is_cut_short_in_the_message(ruleset):
    problems = _problems(ruleset, {"fever": "y" * 10_000})
    assert len(problems["fever"]) < 200


def test_the_engine_imports_no_web_framework():
    code = textwrap.dedent("""
        import sys
        import triage.engine, triage.engine.conditions, triage.engine.model
        import triage.rules, triage.rules.cases, triage.rules.steps
        import triage.rules.yamlfile
        from triage import SHIPPED_RULES
        triage.engine.evaluate(triage.rules.load(SHIPPED_RULES), {})
        web = sorted(name for name in sys.modules
                     if name.split(".")[0] in ("flask", "flask_wtf", "wtforms", "werkzeug",
                                               "jinja2", "click"))
        print(",".join(web))
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
