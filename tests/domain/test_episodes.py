"""Episodes of care as plain rules: intake parsing, the red-flag state, discharge parsing,
the outcome figures a discharge summary prints, and clinic comparisons."""

import datetime as dt

import pytest

from dashboard.domain.episodes import (
    RED_FLAG_ITEMS,
    MeasurableGoal,
    ScorePoint,
    age_flag_answer,
    episode_state,
    outcome_of,
    pain_goal_met,
    parse_discharge,
    parse_intake,
)
from dashboard.domain.plans import strategy_keys_text, uses_strategy_pattern
from dashboard.domain.status import DETERIORATION, IMPROVEMENT, function_change_meaning
from dashboard.handout.discharge import measure_rows
from dashboard.handout.discharge import status_sentence as discharge_sentence

ALL_NO = {item.key: "no" for item in RED_FLAG_ITEMS}


def intake(**overrides):
    values = dict(referral_source="doctor", referrer_name="Dr Ward", reason="Low back pain",
                  consent_treatment=True, consent_data=False, answers=ALL_NO)
    values.update(overrides)
    return parse_intake(**values)


def test_a_complete_intake_parses_with_its_flags():
    draft, errors = intake(answers={**ALL_NO, "saddle": "yes", "cancer": "yes"})
    assert errors == {}
    assert [i.key for i in draft.urgent_yes] == ["saddle"]
    assert [i.key for i in draft.see_doctor_yes] == ["cancer"]
    assert draft.consent_treatment and not draft.consent_data


def test_intake_refuses_missing_consent_referrer_reason_and_unanswered_items():
    draft, errors = intake(consent_treatment=None, referrer_name="  ", reason="",
                           answers={**ALL_NO, "urine": "maybe"})
    assert draft is None
    assert set(errors) == {"consent_treatment", "referrer_name", "reason", "flag-urine"}
    assert "consent" in errors["consent_treatment"]
    # A self-referral needs no referrer's name; control characters are refused.
    assert intake(referral_source="self", referrer_name="")[1] == {}
    assert "control characters" in intake(reason="pain\x00")[1]["reason"]
    assert "referrer_name" in intake(referrer_name="Dr\nWard")[1]
    assert "too long" in intake(reason="x" * 2001)[1]["reason"]
    assert "referral_source" in intake(referral_source="<script>")[1]


def test_episode_state_follows_flag_and_discharge():
    assert episode_state(ended_on=None, urgent_flag=False, flag_cleared=False) == "open"
    assert episode_state(ended_on=None, urgent_flag=True, flag_cleared=False) == "flagged"
    assert episode_state(ended_on=None, urgent_flag=True, flag_cleared=True) == "open"
    assert episode_state(ended_on=dt.date(2026, 5, 1), urgent_flag=True,
                         flag_cleared=False) == "discharged"


def p(day, pain, stress, function=None):
    return ScorePoint(dt.date(2026, 1, day), pain, stress, function)


def test_outcome_compares_first_and_last_session_with_the_products_thresholds():
    outcome = outcome_of([p(1, 8, 7, 3.0), p(8, 6, 6), p(15, 4, 3, 5.5)])
    assert (outcome.sessions, outcome.pain_change, outcome.stress_change) == (3, -4, -4)
    assert outcome.status == "improving" and outcome.pain_meaningful
    assert outcome.function_change == 2.5 and outcome.function_meaningful
    rows = {r.name: r for r in measure_rows(outcome)}
    assert (rows["Pain"].baseline, rows["Pain"].discharge, rows["Pain"].change) == ("8", "4", "-4")
    assert rows["Pain"].meaningful.startswith("Yes")
    assert rows["Stress"].meaningful == "No agreed threshold"
    # 3 -> 2 is 33% but only 1 point: not meaningful.
    small = outcome_of([p(1, 3, 3), p(9, 2, 2)])
    assert small.status == "stable" and not small.pain_meaningful
    assert outcome_of([]).sessions == 0 and measure_rows(outcome_of([])) == ()
    assert outcome_of([p(1, 5, 5)]).status == "not_enough_data"


def test_a_meaningful_worsening_is_meaningful_and_says_which_way():
    """Issue 17, item 4: a pain rise of exactly 2 points printed "No" beside "Pain worsened
    by 2 points or more"; the row and the sentence now agree."""
    worse = outcome_of([p(1, 5, 5, 6.0), p(15, 7, 5, 4.0)])
    rows = {r.name: r for r in measure_rows(worse)}
    assert worse.status == "worsening"
    assert rows["Pain"].meaningful == "Yes, worse (2 points or more higher)"
    assert rows["Function"].meaningful == "Yes, worse (2 points or more lower)"
    assert rows["Pain"].change == "+2"
    assert "worsened by 2 points" in discharge_sentence(worse, "referrer")
    one_up = outcome_of([p(1, 5, 5), p(15, 6, 5)])
    assert {r.name: r for r in measure_rows(one_up)}["Pain"].meaningful == "No"
    better = {r.name: r for r in measure_rows(outcome_of([p(1, 5, 5), p(15, 3, 5)]))}
    assert better["Pain"].meaningful == "Yes, improved (at least 2 points and 30% lower)"


@pytest.mark.parametrize(("before", "after", "meaning"), [
    (4.0, 6.0, IMPROVEMENT),  # exactly 2 points
    (3.33, 5.33, IMPROVEMENT),  # 1.9999999999999996 in floating point is still 2
    (4.0, 5.95, None),  # 1.95 must not round to 2.0
    (4.33, 6.3, None),  # 1.97 must not round to 2.0
    (6.0, 4.0, DETERIORATION),
    (6.0, 4.05, None),
])
def test_no_rounding_carries_a_function_change_across_two_points(before, after, meaning):
    outcome = outcome_of([p(1, 5, 5, before), p(15, 5, 5, after)])
    assert outcome.function_meaning == meaning
    assert function_change_meaning(after - before) == meaning
    row = {r.name: r for r in measure_rows(outcome)}["Function"]
    assert row.meaningful.startswith("Yes") == (meaning is not None)


def test_discharge_needs_a_reason_a_sensible_date_and_recommendations():
    today, started, last = dt.date(2026, 6, 1), dt.date(2026, 1, 1), dt.date(2026, 5, 20)

    def parse(**overrides):
        values = dict(reason="goals_met", ended_on="2026-05-25", recommendations="Keep going",
                      goals_met={7: True, 8: None}, started_on=started, last_session_on=last,
                      today=today)
        values.update(overrides)
        return parse_discharge(**values)

    draft, errors = parse()
    assert errors == {} and draft.ended_on == dt.date(2026, 5, 25)
    assert draft.goals_met == {7: True, 8: False}
    assert "future" in parse(ended_on="2026-07-01")[1]["ended_on"]
    assert "last session" in parse(ended_on="2026-05-01")[1]["ended_on"]
    assert "ended_on" in parse(ended_on="not a date")[1]
    assert set(parse(reason="bored", recommendations=" ")[1]) == {"reason", "recommendations"}


def test_pain_goal_met():
    assert pain_goal_met(3, 3) is True and pain_goal_met(3, 4) is False
    assert pain_goal_met(None, 2) is None


def test_strategy_keys_text_matches_one_strategy_exactly():
    keys = strategy_keys_text(["heat_cold", "stress_management", "heat_cold"])
    assert keys == ",heat_cold,stress_management,"
    assert strategy_keys_text([]) == ""
    like = uses_strategy_pattern("heat_cold").replace("%", "")
    assert like in keys and uses_strategy_pattern("heat").replace("%", "") not in keys


def test_dates_only_in_the_form_the_date_inputs_send():
    import pytest

    from dashboard.domain.dates import parse_iso_day

    assert parse_iso_day("2026-02-01") == dt.date(2026, 2, 1)
    assert parse_iso_day("2026-02-01T00:00:00") == dt.date(2026, 2, 1)
    for forged in (20260201, "20260201", "2026-W05-7", ["2026-02-01"], None, "2026-02-30"):
        with pytest.raises(ValueError):
            parse_iso_day(forged)


def test_every_urgent_item_must_be_asked_and_age_comes_from_the_date_of_birth():
    """Issue 17, item 8: an intake could be saved with all eleven items "not asked"."""
    nothing = {item.key: "not_asked" for item in RED_FLAG_ITEMS}
    draft, errors = intake(answers=nothing)
    assert draft is None
    assert set(errors) == {"flag-urine", "flag-saddle", "flag-bowel", "flag-sexual",
                           "flag-legs"}
    assert "must be answered yes or no" in errors["flag-saddle"]
    asked = {**nothing, **{i.key: "no" for i in RED_FLAG_ITEMS if i.level == "urgent"}}
    assert intake(answers=asked)[1] == {}  # see-a-doctor items may stay unasked
    today = dt.date(2026, 11, 25)
    assert age_flag_answer(dt.date(2006, 11, 26), today) == "yes"  # 19 until tomorrow
    assert age_flag_answer(dt.date(2006, 11, 25), today) == "no"  # 20 today
    assert age_flag_answer(dt.date(1971, 11, 25), today) == "no"  # 55 today
    assert age_flag_answer(dt.date(1970, 11, 25), today) == "yes"  # 56
    assert age_flag_answer(None, today) == "not_asked"


def test_a_measurable_goal_is_judged_from_the_scores_or_overridden_with_a_reason():
    """Issue 17, item 11: "pain at or below 3" could be ticked met at a discharge pain of 4."""
    goal = [MeasurableGoal(7, 3)]

    def discharge(final_pain, ticked, reason=None):
        return parse_discharge(
            reason="goals_met", ended_on="2026-05-01", recommendations="Keep on",
            goals_met={7: ticked}, started_on=dt.date(2026, 1, 1),
            last_session_on=dt.date(2026, 4, 20), today=dt.date(2026, 6, 1),
            measurable=goal, final_pain=final_pain, goal_reasons={7: reason} if reason else {})

    draft, errors = discharge(4, True)
    assert draft is None and "Pain at discharge is 4" in errors["goal-7"]
    assert "is not met" in errors["goal-7"]
    assert discharge(3, True)[1] == {}  # exactly at the target: met
    assert "is met" in discharge(3, False)[1]["goal-7"]
    draft, errors = discharge(4, True, "Pain 4 only on the day after a long drive")
    assert errors == {}
    assert draft.goal_overrides == {7: "Pain 4 only on the day after a long drive"}
    assert discharge(None, True)[1] == {}  # no scores: the practitioner's tick stands


def test_an_open_urgent_flag_asks_a_reason_and_only_then():
    """Issue 17, item 8: the override of an open urgent red flag is explicit, with a reason."""
    from dashboard.domain.episodes import parse_override, urgent_flag_open

    assert urgent_flag_open(ended_on=None, urgent_flag=True, flag_cleared=False)
    assert not urgent_flag_open(ended_on=None, urgent_flag=True, flag_cleared=True)
    assert not urgent_flag_open(ended_on=dt.date(2026, 5, 1), urgent_flag=True,
                                flag_cleared=False)
    assert parse_override(False, "anything", "plan_saved") == ("", None)
    reason, problem = parse_override(True, "  ", "plan_saved")
    assert reason == "" and "To save a plan anyway, give your reason" in problem
    assert "To give a handout anyway" in parse_override(True, None, "handout_given")[1]
    assert parse_override(True, " Seen in A&E ", "plan_saved") == ("Seen in A&E", None)
    assert "too long" in parse_override(True, "x" * 1001, "plan_saved")[1]
