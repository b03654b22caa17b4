import pytest

from dashboard.domain.questionnaires import (
    GAD7,
    PHQ9,
    PSS10,
    answer_problems,
    raises_self_harm_alert,
    score,
)


def test_pss10_reverse_scores_items_4_5_7_8():
    # All answers 0: the four reverse-scored items count 4 each.
    assert score("PSS10", [0] * 10).total == 16
    assert score("PSS10", [4] * 10).total == 24
    for item in range(1, 11):
        answers = [0] * 10
        answers[item - 1] = 4
        expected = 16 - 4 if item in (4, 5, 7, 8) else 16 + 4
        assert score("PSS10", answers).total == expected, item
    # The scale's full range is 0-40.
    lowest = [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]
    assert score("PSS10", lowest).total == 0
    assert score("PSS10", [4 - v for v in lowest]).total == 40
    assert score("PSS10", lowest).band is None  # no official cut-offs


@pytest.mark.parametrize(("total", "band"), [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
    (27, "severe")])
def test_phq9_band_edges(total, band):
    answers = [min(3, max(0, total - 3 * i)) for i in range(9)]
    assert sum(answers) == total
    result = score("PHQ9", answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "severe"), (21, "severe")])
def test_gad7_band_edges(total, band):
    answers = [min(3, max(0, total - 3 * i)) for i in range(7)]
    result = score("GAD7", answers)
    assert (result.total, result.band) == (total, band)


def test_item_9_raises_the_alert_only_when_above_zero():
    answers = [0] * 9
    assert not raises_self_harm_alert("PHQ9", answers)
    answers[8] = 1
    assert raises_self_harm_alert("PHQ9", answers)
    assert not raises_self_harm_alert("GAD7", [3] * 7)


def test_incomplete_or_out_of_range_answers_are_refused():
    assert set(answer_problems(PHQ9, [0] * 8)) == {9}
    assert set(answer_problems(GAD7, [0, 0, 4, 0, 0, 0, 0])) == {3}
    assert set(answer_problems(PSS10, [0] * 9 + [True])) == {10}
    with pytest.raises(ValueError):
        score("PHQ9", [0] * 8)
    assert PHQ9.max_total == 27 and GAD7.max_total == 21 and PSS10.max_total == 40
