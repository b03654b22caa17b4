"""Measures at home: when one is due, and reading the client's answers (edges)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.domain.measures import (
    FREQUENCIES,
    HOME_INSTRUMENTS,
    clean_frequencies,
    is_due,
    parse_home_answers,
)
from dashboard.domain.questionnaires import INSTRUMENTS, score

D = dt.date(2026, 11, 30)


def test_a_new_assignment_is_due_at_once_and_not_before_it_was_made():
    for every in FREQUENCIES:
        assert is_due(every, assigned_on=D, last_completed_on=None, last_session_on=None,
                      today=D)
        assert not is_due(every, assigned_on=D, last_completed_on=None, last_session_on=None,
                          today=D - dt.timedelta(days=1))


@pytest.mark.parametrize(("every", "weeks"), [("1w", 1), ("2w", 2), ("4w", 4)])
def test_every_n_weeks_is_due_again_exactly_n_weeks_after_the_last_completion(every, weeks):
    done = D - dt.timedelta(weeks=weeks)
    assert is_due(every, assigned_on=done, last_completed_on=done, last_session_on=None,
                  today=D)
    assert not is_due(every, assigned_on=done, last_completed_on=done, last_session_on=None,
                      today=D - dt.timedelta(days=1))


def test_every_session_is_due_again_once_a_session_happened_since_the_completion():
    done = D - dt.timedelta(days=3)
    common = {"assigned_on": done - dt.timedelta(days=30), "last_completed_on": done, "today": D}
    assert not is_due("session", last_session_on=None, **common)
    assert not is_due("session", last_session_on=done - dt.timedelta(days=1), **common)
    # Completed the morning of the session: it counted for that one; the next is due.
    assert is_due("session", last_session_on=done, **common)
    assert is_due("session", last_session_on=done + dt.timedelta(days=1), **common)


def _form(answers: dict[int, str]) -> dict[str, list[str]]:
    return {f"item-{n}": [v] for n, v in answers.items()}


def test_a_complete_questionnaire_is_scored_by_the_same_code_as_a_session():
    answers = parse_home_answers("PSS10", _form({n: "4" for n in range(1, 11)}))
    assert answers.complete and answers.problems() == {}
    assert score("PSS10", answers.as_list()) == score("PSS10", [4] * 10)
    assert score("PSS10", answers.as_list()).total == 24  # items 4, 5, 7, 8 reversed


def test_missing_and_invalid_items_are_named_and_item_9_is_read_alone():
    answers = parse_home_answers("PHQ9", {**_form({1: "0", 2: "3", 9: "1"}),
                                          "item-3": ["1", "2"], "item-4": ["4"],
                                          "item-5": ["-1"], "item-6": ["1.0"],
                                          "item-7": [" 1"], "item-8": [""],
                                          "item-10": ["3"], "client_id": ["7"]})
    assert not answers.complete
    assert answers.missing == (8,)
    assert answers.invalid == (3, 4, 5, 6, 7)
    assert answers.problems()[8] == "Item 8 is not answered."
    assert answers.problems()[4] == "Item 4: choose one of the answers given."
    assert answers.self_harm_answer == 1
    assert parse_home_answers("PHQ9", _form({1: "1"})).self_harm_answer is None
    assert parse_home_answers("PHQ9", _form({9: "0"})).self_harm_answer == 0
    assert parse_home_answers("GAD7", _form({n: "3" for n in range(1, 8)})) \
        .self_harm_answer is None


def test_the_practitioner_s_choices_are_only_those_offered():
    chosen, problems = clean_frequencies({"every-PHQ9": "2w", "every-GAD7": "none"})
    assert chosen == {"PHQ9": "2w", "GAD7": "none", "PSS10": "none", "PSFS": "none"} \
        and not problems
    _chosen, problems = clean_frequencies({"every-PHQ9": "3w", "every-PSS10": "1 OR 1"})
    assert set(problems) == {"PHQ9", "PSS10"}
    # The client's own activities (PSFS) at home: every week, nothing else.
    assert clean_frequencies({"every-PSFS": "1w"}) == (
        {"PHQ9": "none", "GAD7": "none", "PSS10": "none", "PSFS": "1w"}, {})
    for every in ("session", "2w", "4w"):
        assert set(clean_frequencies({"every-PSFS": every})[1]) == {"PSFS"}
    assert set(HOME_INSTRUMENTS) <= set(INSTRUMENTS)
