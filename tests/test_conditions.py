"""A condition in words: one wording (`Condition.text`) for every place that shows one."""

import pytest

from triage import safety
from triage.engine.conditions import COMPARISONS, AllOf, AnswerIs, AnyOf, Compare, Not, question_words
from triage.nurse import review_sheet
from triage.rules import review
from triage.safety.reachability import Reachability
from triage.safety.space import Space

FEVER = AnswerIs("fever", frozenset({"yes"}))
LATE = Compare("days_since_surgery", "above", 90)


@pytest.mark.parametrize("comparison", sorted(COMPARISONS))
def test_not_a_comparison_says_the_opposite_and_not_known_and_means_it(comparison):
    """'not more than 90' is 'at most 90 or not known': the words must hold exactly when it does."""
    condition = Not(Compare("days", comparison, 10))
    words = condition.text()
    assert words.startswith("days is ") and words.endswith(" 10 or not known")
    said = words.removeprefix("days is ").removesuffix(" 10 or not known")
    meaning = {words: key for key, (_, words) in COMPARISONS.items()}[said]
    for days in (None, 8, 9, 10, 11, 12):
        expected = days is None or COMPARISONS[meaning][0](days, 10)
        assert condition.holds({"days": days}) == expected, (comparison, days)


def test_without_questions_the_words_are_the_files_values():
    assert FEVER.text() == "fever is yes"
    assert Not(FEVER).text() == "fever is not yes"
    assert (
        AllOf((FEVER, Not(LATE))).text() == "fever is yes and (days since surgery is at most 90 or not known)"
    )
    either = AnyOf((FEVER, AnswerIs("neck", frozenset({"stiff", "sore"}))))
    assert (
        AllOf((either, LATE)).text()
        == "(fever is yes or (neck is sore or stiff)) and days since surgery is more than 90"
    )
    assert Not(AllOf((FEVER, LATE))).text() == "not (fever is yes and days since surgery is more than 90)"


def test_with_the_rule_sets_questions_each_answer_is_the_patients_label(ruleset):
    choice = next(q for q in ruleset.questions if not q.number and len(q.options) >= 3)
    last, first = choice.options[-1], choice.options[0]
    condition = AnswerIs(choice.id, frozenset({last.value, first.value}))
    for language in ruleset.languages:
        labels = f'"{first.label.in_language(language)}" or "{last.label.in_language(language)}"'
        assert condition.text(ruleset.questions_by_id, language) == f"{question_words(choice.id)} is {labels}"
    assert condition.text() == f"{question_words(choice.id)} is {' or '.join(sorted(condition.values))}"


def test_the_sheet_rules_show_and_the_proofs_use_the_one_wording(ruleset):
    for rule in ruleset.rules:
        words = rule.when.text(ruleset.questions_by_id)
        assert review.condition_text(rule.when, ruleset) == words
        assert review.rule_sentence(rule, ruleset).startswith(f"If {words} ->")
        node = review_sheet.condition_tree(rule.when, ruleset)
        texts = [node.text] if not node.kind else [part.text for part in node.parts if part.text]
        assert all(text and text in words for text in texts), (rule.id, texts, words)
    rule = ruleset.rules[0]
    dead = Reachability(Space(ruleset)).dead(rule)  # "no answers make '...' true"
    assert f"make '{rule.when.text()}' true" in dead.text


def test_a_question_id_has_one_wording():
    assert question_words("days_since_surgery") == "days since surgery"
    assert safety.words.question_words is question_words
