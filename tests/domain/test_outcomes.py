"""Reliable change, caseness, outcome categories and Wilson intervals at every edge."""

import math
import re
from pathlib import Path

import pytest

from dashboard.domain.outcomes import (
    CATEGORY_LABELS,
    DETERIORATION,
    IMPROVEMENT,
    NO_CHANGE,
    NO_RELIABLE_CHANGE,
    NOT_ENOUGH_DATA,
    RECOVERY,
    RELIABLE_DETERIORATION,
    RELIABLE_IMPROVEMENT,
    RELIABLE_RECOVERY,
    THRESHOLDS,
    Proportion,
    episode_outcome,
    measure_outcome,
    reliable_change_index,
    smallest_reliable_points,
    wilson_interval,
)
from dashboard.domain.questionnaires import INSTRUMENTS

ROOT = Path(__file__).resolve().parents[2]


def test_jacobson_truax_formula():
    # SEdiff = SD * sqrt(2) * sqrt(1 - r); reliable when the change exceeds 1.96 * SEdiff.
    assert reliable_change_index(10, 0.5) == pytest.approx(1.96 * 10 * math.sqrt(2) *
                                                           math.sqrt(0.5))
    assert reliable_change_index(6.35, 0.78) == pytest.approx(8.256, abs=0.001)
    with pytest.raises(ValueError):
        reliable_change_index(0, 0.8)
    with pytest.raises(ValueError):
        reliable_change_index(5, 1.0)


def test_strict_criterion_on_whole_points():
    assert smallest_reliable_points(6.35, 0.78) == 9  # 8.26 -> 9
    # SD and r chosen so 1.96 * SEdiff is exactly 4.0: a change of 4 is not beyond it.
    sd = 4.0 / (1.96 * math.sqrt(2) * math.sqrt(0.5))
    assert smallest_reliable_points(sd * 0.9999, 0.5) == 4
    assert smallest_reliable_points(sd * 1.0001, 0.5) == 5


def test_threshold_table_matches_the_brief():
    assert (THRESHOLDS["PHQ9"].reliable_change, THRESHOLDS["PHQ9"].caseness) == (6, 10)
    assert (THRESHOLDS["GAD7"].reliable_change, THRESHOLDS["GAD7"].caseness) == (4, 8)
    assert (THRESHOLDS["PSS10"].reliable_change, THRESHOLDS["PSS10"].caseness) == (9, None)
    assert set(THRESHOLDS) == set(INSTRUMENTS)
    assert all(t.source for t in THRESHOLDS.values())


def test_docs_table_says_the_same_as_the_code():
    doc = (ROOT / "docs" / "OUTCOMES.md").read_text(encoding="utf-8")
    for key, name in (("PHQ9", "PHQ-9"), ("GAD7", "GAD-7"), ("PSS10", "PSS-10")):
        t = THRESHOLDS[key]
        row = next(line for line in doc.splitlines() if line.startswith(f"| {name} "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(re.match(r"\d+", cells[1]).group()) == t.reliable_change, row
        assert cells[2].startswith(str(t.caseness) if t.caseness else "none"), row


@pytest.mark.parametrize(
    ("instrument", "first", "latest", "category"),
    [
        # PHQ-9: reliable change 6, caseness 10.
        ("PHQ9", 14, 9, RECOVERY),  # -5: under the cut-off but within noise
        ("PHQ9", 15, 9, RELIABLE_RECOVERY),  # -6, and 15 -> 9 crosses 10
        ("PHQ9", 15, 10, NO_RELIABLE_CHANGE),  # -5 and still at caseness (10)
        ("PHQ9", 16, 10, RELIABLE_IMPROVEMENT),  # -6 but 10 is still a case
        ("PHQ9", 9, 3, RELIABLE_IMPROVEMENT),  # -6 from below caseness: no recovery
        ("PHQ9", 10, 9, RECOVERY),  # 10 is a case, 9 is not
        ("PHQ9", 9, 8, NO_RELIABLE_CHANGE),  # 9 was never a case
        ("PHQ9", 14, 11, NO_RELIABLE_CHANGE),  # the example: noise
        ("PHQ9", 4, 9, NO_RELIABLE_CHANGE),  # +5
        ("PHQ9", 4, 10, RELIABLE_DETERIORATION),  # +6
        ("PHQ9", 0, 27, RELIABLE_DETERIORATION),
        ("PHQ9", 27, 0, RELIABLE_RECOVERY),
        # GAD-7: reliable change 4, caseness 8.
        ("GAD7", 10, 7, RECOVERY),  # -3
        ("GAD7", 11, 7, RELIABLE_RECOVERY),  # -4 across 8
        ("GAD7", 12, 8, RELIABLE_IMPROVEMENT),  # -4, 8 still a case
        ("GAD7", 8, 7, RECOVERY),
        ("GAD7", 7, 3, RELIABLE_IMPROVEMENT),
        ("GAD7", 7, 6, NO_RELIABLE_CHANGE),
        ("GAD7", 3, 6, NO_RELIABLE_CHANGE),  # +3
        ("GAD7", 3, 7, RELIABLE_DETERIORATION),  # +4
        # PSS-10: reliable change 9, no cut-off so never recovery.
        ("PSS10", 30, 22, NO_RELIABLE_CHANGE),  # -8
        ("PSS10", 30, 21, RELIABLE_IMPROVEMENT),  # -9
        ("PSS10", 10, 18, NO_RELIABLE_CHANGE),  # +8
        ("PSS10", 10, 19, RELIABLE_DETERIORATION),  # +9
        ("PSS10", 40, 0, RELIABLE_IMPROVEMENT),
        ("PSS10", 20, 20, NO_RELIABLE_CHANGE),
    ],
)
def test_category_at_every_edge(instrument, first, latest, category):
    outcome = measure_outcome(instrument, [first, latest])
    assert outcome.category == category
    assert outcome.change == latest - first
    name = {"PHQ9": "PHQ-9", "GAD7": "GAD-7", "PSS10": "PSS-10"}[instrument]
    assert outcome.sentence().startswith(f"{name} {first} → {latest}: ")


def test_only_first_and_latest_count():
    # A spike in the middle of the episode changes nothing.
    assert measure_outcome("PHQ9", [15, 27, 2, 9]).category == RELIABLE_RECOVERY
    assert measure_outcome("PHQ9", [15, 27, 2, 9]).change == -6


@pytest.mark.parametrize("totals", [[], [12]])
def test_fewer_than_two_scores_is_not_enough_data(totals):
    outcome = measure_outcome("PHQ9", totals)
    assert outcome.category == NOT_ENOUGH_DATA
    assert outcome.change is None
    assert not outcome.reliably_improved and not outcome.reliably_deteriorated
    assert not outcome.recovered and outcome.case_at_start is None
    assert "second score" in outcome.sentence() if totals else "not given" in \
        outcome.sentence()


def test_unknown_instrument_is_refused():
    with pytest.raises(ValueError):
        measure_outcome("ODI", [1, 2])


def test_sentences_say_the_category_and_the_rule():
    assert measure_outcome("PHQ9", [14, 11]).sentence() == (
        "PHQ-9 14 → 11: no reliable change (a change of 3 is within measurement noise; "
        "reliable change is 6 points or more).")
    assert "reliable deterioration (up 4" in measure_outcome("GAD7", [3, 7]).sentence()
    assert "reliable recovery" in measure_outcome("PHQ9", [15, 9]).sentence()
    assert "within measurement noise" in measure_outcome("GAD7", [8, 7]).sentence()
    assert "reliable improvement (down 9" in measure_outcome("PSS10", [30, 21]).sentence()
    assert set(CATEGORY_LABELS) >= {measure_outcome("GAD7", [a, b]).category
                                    for a in range(22) for b in range(22)}


def test_episode_reliable_change_combines_the_measures():
    # Improvement on one, none on the other: reliable improvement.
    both = episode_outcome({"PHQ9": [16, 10], "GAD7": [6, 7]})
    assert both.reliable_change == IMPROVEMENT and both.category == RELIABLE_IMPROVEMENT
    # Deterioration anywhere wins, even beside an improvement.
    mixed = episode_outcome({"PHQ9": [16, 10], "GAD7": [2, 6]})
    assert mixed.reliable_change == DETERIORATION
    assert mixed.category == RELIABLE_DETERIORATION
    # PSS-10 counts for reliable change too.
    assert episode_outcome({"PSS10": [10, 19]}).reliable_change == DETERIORATION
    assert episode_outcome({"PHQ9": [8, 8]}).reliable_change == NO_CHANGE
    # A questionnaire given once does not count; none given twice: not enough data.
    once = episode_outcome({"PHQ9": [20], "GAD7": [5]})
    assert once.reliable_change is None and once.category == NOT_ENOUGH_DATA
    assert once.at_caseness is None and once.recovered is None


def test_episode_recovery_needs_caseness_at_start_and_none_at_the_end():
    # A case on PHQ-9 at the start, below both cut-offs at the end.
    assert episode_outcome({"PHQ9": [12, 9], "GAD7": [5, 5]}).recovered is True
    # Still a case on GAD-7 at the end (8): not recovered.
    assert episode_outcome({"PHQ9": [12, 9], "GAD7": [5, 8]}).recovered is False
    # Never a case on any measure with a cut-off: recovery does not apply.
    never = episode_outcome({"PHQ9": [9, 2], "GAD7": [7, 1], "PSS10": [35, 5]})
    assert never.at_caseness is False and never.recovered is None
    assert never.category == RELIABLE_IMPROVEMENT
    # PSS-10 has no cut-off: it never makes a case.
    assert episode_outcome({"PSS10": [40, 0]}).at_caseness is None
    # Reliable recovery: recovered and reliably improved.
    assert episode_outcome({"PHQ9": [16, 9]}).category == RELIABLE_RECOVERY
    assert episode_outcome({"PHQ9": [12, 9]}).category == RECOVERY
    assert episode_outcome({"PHQ9": [12, 9]}).first("PHQ9") == 12
    assert episode_outcome({"PHQ9": [12, 9]}).latest("GAD7") is None


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        (1, 1, 0.2065, 1.0),
        (0, 1, 0.0, 0.7935),
        (81, 263, 0.2553, 0.3662),  # Newcombe 1998, example: 81/263
    ],
)
def test_wilson_interval(k, n, low, high):
    got = wilson_interval(k, n)
    assert got is not None
    assert got == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_wilson_interval_edges():
    assert wilson_interval(0, 0) is None
    for bad in ((-1, 5), (6, 5), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(*bad)
    # The interval narrows as n grows, for the same share: five clients are not ranked
    # against fifty on their point estimate alone.
    small, large = wilson_interval(3, 5), wilson_interval(30, 50)
    assert small[1] - small[0] > 2 * (large[1] - large[0])


def test_proportion_describes_itself():
    assert Proportion(0, 0).describe() == "—" and Proportion(0, 0).share is None
    assert Proportion(5, 10).describe() == "5/10 · 50% (24–76%)"
    with pytest.raises(ValueError):
        Proportion(3, 2)
