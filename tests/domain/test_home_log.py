"""The daily log's rules at their edges: days, scores, parts, tokens, the pain-rise flag."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.domain.dose import Dose
from dashboard.domain.home_log import (
    adherence_since_last_session,
    clean_link_days,
    days_done_from_ticks,
    days_logged,
    home_pain_rose,
    is_tickable,
    link_token,
    loggable_days,
    parse_day_log,
    plausible_token,
)

TODAY = dt.date(2026, 3, 10)


def _form(**values):
    return {k: v if isinstance(v, list) else [v] for k, v in values.items()}


def test_the_loggable_days_are_today_and_the_six_before():
    days = loggable_days(TODAY)
    assert days[0] == TODAY and days[-1] == dt.date(2026, 3, 4) and len(days) == 7


@pytest.mark.parametrize(("day", "ok"), [("2026-03-10", True), ("2026-03-04", True),
                                          ("2026-03-11", False), ("2026-03-03", False),
                                          ("20260310", False), ("2026-02-30", False),
                                          ("", False), ("２０２６-03-10", False)])
def test_only_the_last_seven_days_can_be_logged(day, ok):
    log, errors = parse_day_log(_form(day=day), today=TODAY, tickable_item_ids=[])
    assert (log is not None) == ok and (not errors) == ok


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("10", 10), (" 7 ", 7), ("", None)])
def test_scores_are_whole_numbers_from_0_to_10(raw, value):
    log, errors = parse_day_log(_form(day="2026-03-10", pain=raw, stress=raw), today=TODAY,
                                tickable_item_ids=[])
    assert errors == {} and log.pain == value and log.stress == value


@pytest.mark.parametrize("raw", ["11", "-1", "2.5", '"7"', "7e0", "٧", "007", "1 0"])
def test_scores_out_of_range_or_not_plain_digits_are_refused(raw):
    log, errors = parse_day_log(_form(day="2026-03-10", pain=raw), today=TODAY,
                                tickable_item_ids=[])
    assert log is None and "0 to 10" in errors["pain"]


def test_a_part_not_tickable_in_this_plan_is_refused_and_a_field_twice_too():
    log, errors = parse_day_log(_form(day="2026-03-10", done=["5", "6"]), today=TODAY,
                                tickable_item_ids=[5, 6])
    assert errors == {} and log.done_item_ids == {5, 6}
    for forged in (["7"], ["5", "x"], ["-5"], ["5.0"]):
        log, errors = parse_day_log(_form(day="2026-03-10", done=forged), today=TODAY,
                                    tickable_item_ids=[5, 6])
        assert log is None and "not in your current plan" in errors["done"]
    log, errors = parse_day_log(_form(day=["2026-03-10", "2026-03-09"]), today=TODAY,
                                tickable_item_ids=[])
    assert log is None and "day" in errors


def test_advice_without_days_is_not_ticked():
    assert not is_tickable(Dose("advice"))
    assert is_tickable(Dose("advice", days_per_week=3))
    assert is_tickable(Dose("timed", minutes_min=10))


def test_days_done_and_days_logged_count_distinct_days_in_the_week():
    days = [TODAY, TODAY, TODAY - dt.timedelta(days=6), TODAY - dt.timedelta(days=7),
            TODAY + dt.timedelta(days=1)]
    assert days_done_from_ticks(days, session_on=TODAY) == 2
    assert days_logged(days, today=TODAY) == 2


@pytest.mark.parametrize(("session", "home", "rose"), [(4, 6, True), (4, 5, False),
                                                        (None, 9, False), (4, None, False),
                                                        (0, 10, True)])
def test_home_pain_rise_flag_needs_two_points(session, home, rose):
    assert home_pain_rose(last_session_pain=session, home_pain=home) == rose


def test_tokens_are_32_url_safe_characters_and_depend_on_the_key():
    token = link_token("key", "seed")
    assert plausible_token(token) and token == link_token("key", "seed")
    assert link_token("other", "seed") != token
    assert not plausible_token(token + "a") and not plausible_token("../" + token[3:])


@pytest.mark.parametrize(("raw", "days"), [("90", 90), ("1", 1), ("365", 365), ("0", None),
                                           ("366", None), ("x", None), (True, None)])
def test_link_days(raw, days):
    assert clean_link_days(raw)[0] == days


def test_ticks_count_only_after_the_last_session_in_one_provisional_week():
    last_session = dt.date(2026, 3, 6)
    ticks = {1: [dt.date(2026, 3, d) for d in (4, 5, 6, 7, 9)], 2: [dt.date(2026, 3, 3)]}
    end, done = adherence_since_last_session(ticks, last_session_on=last_session,
                                             latest_log_on=dt.date(2026, 3, 9))
    # 4-6 March were covered by the session's own answer: only the 7th and 9th count.
    assert end == dt.date(2026, 3, 9) and done == {1: 2, 2: 0}
    assert adherence_since_last_session(ticks, last_session_on=dt.date(2026, 3, 9),
                                        latest_log_on=dt.date(2026, 3, 9)) == (None, {})
    end, done = adherence_since_last_session(ticks, last_session_on=None,
                                             latest_log_on=dt.date(2026, 3, 9))
    assert done == {1: 5, 2: 1}  # no session yet: the 7 days up to the latest day logged
