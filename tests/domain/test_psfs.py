"""Issue 17, item 5: the PSFS change is read activity by activity on the same activities;
a change of the mean across different activities is not a meaningful change, and the
page and the summary say why."""

import datetime as dt

import pytest

from dashboard.domain.discharge import function_note, measure_rows
from dashboard.domain.episodes import ScorePoint, outcome_of
from dashboard.domain.psfs import function_sentence, read_function_change
from dashboard.domain.status import DETERIORATION, IMPROVEMENT

SAME = {"Walking": 3, "Lifting": 4, "Sitting": 5}


def test_the_same_activities_give_the_change_of_their_mean():
    reading = read_function_change(SAME, {"Walking": 5, "Lifting": 6, "Sitting": 7})
    assert (reading.baseline_mean, reading.latest_mean, reading.change) == (4.0, 6.0, 2.0)
    assert reading.meaning == IMPROVEMENT  # exactly 2 points
    assert not reading.activities_changed and reading.explanation() is None
    assert [a.change for a in reading.compared] == [2, 2, 2]


def test_a_replaced_activity_is_left_out_of_the_change():
    """Before: the mean 4.0 -> 8.0 (+4, 'meaningful') came from swapping a hard activity
    for an easy one; on the two activities rated at both ends it is +1.5: no change."""
    last = {"Walking": 4, "Lifting": 6, "Gardening": 10}
    assert (sum(last.values()) / 3) - (sum(SAME.values()) / 3) >= 2  # the old reading
    reading = read_function_change(SAME, last)
    assert [a.name for a in reading.compared] == ["Walking", "Lifting"]
    assert reading.replaced == ("Sitting",) and reading.added == ("Gardening",)
    assert reading.change == 1.5 and reading.meaning is None
    assert reading.explanation() == (
        "“Sitting” (first session only) and “Gardening” (latest only) were left out: the "
        "client's activities changed during the episode, and a change of the mean across "
        "different activities is not a meaningful change.")
    assert function_sentence(reading).startswith(
        "Function (PSFS) 3.5 → 5 (+1.5) on the 2 activities rated at both the first and the "
        "latest session (Walking 3 → 4; Lifting 4 → 6): not a meaningful change.")


@pytest.mark.parametrize(("after", "meaning"), [
    (6, IMPROVEMENT),  # exactly 3 points: a single activity's threshold
    (5, None),  # 2 points is enough for a mean, not for one activity
    (0, DETERIORATION),
    (1, None),
])
def test_one_activity_left_to_compare_needs_three_points(after, meaning):
    reading = read_function_change({"Walking": 3, "Lifting": 4, "Sitting": 5},
                                   {"Walking": after, "Cycling": 9, "Reading": 9})
    assert len(reading.compared) == 1
    assert reading.meaning == meaning
    assert "on the one activity rated at both" in function_sentence(reading)
    assert "(a single activity needs 3 points)" in function_sentence(reading)


def test_no_activity_in_common_reads_no_change():
    reading = read_function_change(SAME, {"Running": 9, "Cycling": 9, "Swimming": 9})
    assert reading.change is None and reading.meaning is None
    assert "no change in function can be read" in reading.explanation()
    assert function_sentence(reading).startswith(
        "Function (PSFS): No activity was rated at both the first and the latest session "
        "(“Walking”, “Lifting” and “Sitting” (first session only) and “Running”")


def test_the_sentence_names_each_activity_and_the_verdict():
    text = function_sentence(read_function_change(SAME, {"Walking": 1, "Lifting": 2,
                                                         "Sitting": 3}))
    assert text == ("Function (PSFS) 4 → 2 (−2) on the same activities (Walking 3 → 1; "
                    "Lifting 4 → 2; Sitting 5 → 3): a meaningful worsening.")


def _point(day: int, pain: int, ratings: dict[str, int]) -> ScorePoint:
    mean = round(sum(ratings.values()) / len(ratings), 2)
    return ScorePoint(dt.date(2026, 1, day), pain, 5, mean, tuple(ratings.items()))


def test_the_discharge_outcome_compares_the_same_activities_and_says_why():
    first = _point(1, 6, SAME)
    middle = _point(8, 5, {"Walking": 4, "Lifting": 5, "Gardening": 8})
    last = _point(15, 4, {"Walking": 4, "Lifting": 6, "Gardening": 10})
    outcome = outcome_of([first, middle, last])
    assert (outcome.function_baseline, outcome.function_final) == (3.5, 5.0)
    assert outcome.function_change == 1.5 and outcome.function_meaning is None
    assert (outcome.function_compared, outcome.function_left_out) == (2, 2)
    assert "compared on the 2 activities" in outcome.function_note
    row = {r.name: r for r in measure_rows(outcome)}["Function"]
    assert row.meaningful == "No" and "same activities" in row.scale
    # Unchanged activities: no note, the row as before.
    same = outcome_of([first, _point(15, 4, {"Walking": 5, "Lifting": 6, "Sitting": 7})])
    assert same.function_note is None and same.function_meaning == IMPROVEMENT


def test_a_summary_with_every_activity_replaced_cannot_tell():
    outcome = outcome_of([_point(1, 6, SAME), _point(15, 4, {"Running": 9, "Cycling": 9,
                                                             "Swimming": 9})])
    assert outcome.function_compared == 0 and outcome.function_change is None
    row = {r.name: r for r in measure_rows(outcome)}["Function"]
    assert row.baseline == row.discharge == "Not comparable"
    assert row.meaningful.startswith("Cannot tell")
    assert "cannot be compared" in outcome.function_note
    assert function_note(outcome, "referrer") == outcome.function_note
    assert function_note(outcome, "client").startswith("Your activities changed")
    assert "the client" not in function_note(outcome, "client")


def test_no_function_bands_once_the_activities_changed():
    """A band around the first session's mean cannot judge a later mean of other activities."""
    from dashboard.domain.progress import SessionPoint, build_progress

    def point(day, ratings):
        return SessionPoint(dt.date(2026, 1, day), 5, 5,
                            round(sum(ratings.values()) / len(ratings), 2), {},
                            tuple(ratings.items()))

    same = build_progress([point(1, SAME), point(8, {"Walking": 5, "Lifting": 6,
                                                      "Sitting": 7})], [], [], None)
    assert same.function_bands  # the same activities: bands around the baseline's mean
    changed = build_progress([point(1, SAME), point(8, {"Walking": 5, "Lifting": 6,
                                                         "Gardening": 10})], [], [], None)
    assert changed.function_bands == [] and changed.function_baseline == 4.0


def test_no_function_baseline_line_once_the_activities_changed():
    """Noticed in session 4: the panel drew "baseline 4.67" (the first session's mean of
    Walking, Lifting and Sitting) while the sentence beside it read the change from 4.0
    (Walking and Lifting, the activities rated at both ends). Once the activities changed,
    neither the line nor the bands are drawn; the sentence says what was compared."""
    from dashboard.domain.progress import SessionPoint, build_progress
    from dashboard.figures import timeline_figure

    def point(day, ratings):
        return SessionPoint(dt.date(2026, 1, day), 5, 5,
                            round(sum(ratings.values()) / len(ratings), 2), {},
                            tuple(ratings.items()))

    def function_labels(progress):
        figure = timeline_figure(progress)
        return [a["text"] for a in figure["layout"]["annotations"]
                if a.get("yref") == "y2" and a["text"].startswith("baseline")]

    first = {"Walking": 3, "Lifting": 4, "Sitting": 7}
    same = build_progress([point(1, first), point(8, {"Walking": 5, "Lifting": 6,
                                                       "Sitting": 7})], [], [], None)
    assert function_labels(same) == ["baseline 4.67"]
    changed = build_progress([point(1, first), point(8, {"Walking": 5, "Lifting": 6,
                                                          "Gardening": 10})], [], [], None)
    assert function_labels(changed) == []
    assert "3.5 → 5.5" in changed.function_sentence
