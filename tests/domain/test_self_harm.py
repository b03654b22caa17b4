"""Issue 17, item 7: the self-harm signal (PHQ-9 item 9 above 0) is never lost."""

import datetime as dt

from dashboard.domain.episodes import EpisodeDates
from dashboard.domain.questionnaires import needs_new_alert, self_harm_answer
from dashboard.domain.sessions import SessionForm, SessionInput, parse_session


def phq9(item9, rest=0, blank=()):
    answers = [rest] * 8 + [item9]
    for item in blank:
        answers[item - 1] = None
    return answers


def parse(answers):
    return parse_session(SessionForm("2026-11-20", 5, 4, {}, {}, "", {"PHQ9": answers}),
                         today=dt.date(2026, 11, 25), episode=EpisodeDates(dt.date(2026, 6, 1)),
                         activity_ids=set(), plan_item_ids=set())


def test_item_9_is_read_whatever_the_other_items():
    assert self_harm_answer("PHQ9", phq9(1)) == 1
    assert self_harm_answer("PHQ9", phq9(3, blank=(2, 5))) == 3
    assert self_harm_answer("PHQ9", phq9(0)) is None
    assert self_harm_answer("PHQ9", phq9(None)) is None
    assert self_harm_answer("PHQ9", phq9(4)) is None  # out of range: not an answer
    assert self_harm_answer("GAD7", [3] * 7) is None


def test_an_incomplete_phq9_with_item_9_above_0_still_saves_the_signal():
    data, errors = parse(phq9(2, blank=(4,)))
    assert errors == {}
    assert data.self_harm_signal == 2 and data.unscored == ("PHQ9",)
    assert "PHQ9" not in data.questionnaires  # the rest is not scored
    # Without the signal an incomplete PHQ-9 is refused as before, item by item.
    data, errors = parse(phq9(0, blank=(4,)))
    assert data is None and set(errors) == {"q-PHQ9-4"}
    # A complete PHQ-9 is scored and carries its signal.
    data, _ = parse(phq9(1))
    assert data.questionnaires["PHQ9"][8] == 1 and data.self_harm_signal == 1
    assert SessionInput(dt.date(2026, 1, 1), 1, 1, {}, {}).self_harm_signal is None


def test_one_alert_per_answer_and_a_higher_answer_is_a_new_signal():
    assert needs_new_alert(1, [])
    assert not needs_new_alert(1, [1])  # editing an acknowledged session: no second alert
    assert not needs_new_alert(1, [2])
    assert needs_new_alert(3, [1])
    assert not needs_new_alert(None, [])
