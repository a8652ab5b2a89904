"""One "did you mean": the closest choice, else a word a clinician may reach for, else nothing."""

from triage.rules.spelling import did_you_mean


def test_the_closest_choice_is_suggested():
    assert did_you_mean("urgnet", ["emergency", "urgent", "soon"]) == " (did you mean 'urgent'?)"


def test_a_synonym_is_suggested_only_when_the_file_has_its_key():
    assert did_you_mean("equals", ["question", "is"]) == " (did you mean 'is'?)"
    assert did_you_mean("equals", ["question", "all"]) == ""


def test_nothing_close_says_nothing_and_the_suggestion_can_be_shown_differently():
    assert did_you_mean("zzz", ["fever", "redness"]) == ""
    assert did_you_mean("care_tem", ["care_team"], lambda n: f"'{{{n}}}'") == " (did you mean '{care_team}'?)"
