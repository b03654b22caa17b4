import datetime as dt

import pytest

from dashboard import figures
from dashboard.domain.progress import (
    AdherenceRecord,
    ClinicSummary,
    PlanMarker,
    SessionPoint,
    adherence_against_change,
    adherence_by_week,
    build_progress,
    sessions_per_week,
    status_sentence,
)
from dashboard.domain.status import (
    DETERIORATION,
    IMPROVEMENT,
    Band,
    function_bands,
    improvement_threshold,
    pain_bands,
)

D = dt.date


START = D(2026, 3, 3)


def pts(*pains, start=START):
    return [SessionPoint(start + dt.timedelta(days=7 * i), p, 5, 5.0) for i, p in
            enumerate(pains)]


@pytest.mark.parametrize(("pains", "status", "words"), [
    ((), "not_enough_data", "No sessions"),
    ((7,), "not_enough_data", "a second session is needed"),
    ((7, 3), "improving", "Pain 7 → 3 since 3 March 2026 (−57%), a meaningful improvement."),
    ((10, 7), "improving", "(−30%), a meaningful improvement"),  # exactly 30% and 3 points
    ((4, 2), "improving", "meaningful improvement"),  # exactly 2 points, 50%
    ((9, 7), "stable", "not yet a meaningful change (that needs a drop of at least 3 points"),
    ((3, 2), "stable", "not yet a meaningful change"),
    ((5, 7), "worsening", "worse by 2 points"),  # exactly 2 points up
    ((5, 6), "stable", "not yet"),
    ((0, 0), "stable", "Pain 0 → 0"),
])
def test_status_sentence_at_the_edges(pains, status, words):
    result, sentence = status_sentence(pts(*pains))
    assert result.status == status
    assert words in sentence


def test_improvement_threshold_needs_both_conditions():
    assert improvement_threshold(5) == 3  # 2 points is stricter than 30%
    assert improvement_threshold(10) == 7  # both give 7
    assert improvement_threshold(9) == pytest.approx(6.3)  # 30% is stricter


def test_range_narrows_what_is_drawn_but_not_the_status():
    progress = build_progress(pts(8, 6, 5, 4), [PlanMarker(1, D(2026, 3, 3))], [], 3,
                              since=D(2026, 3, 15))
    assert [p.pain for p in progress.points] == [5, 4]
    assert progress.status.status == "improving" and progress.markers == []


@pytest.mark.parametrize(("baseline", "bands"), [
    (0, [Band(2, 10, DETERIORATION)]),  # nothing below 0 can be a 2-point, 30% drop
    (1, [Band(3, 10, DETERIORATION)]),
    (2, [Band(0, 0, IMPROVEMENT), Band(4, 10, DETERIORATION)]),  # exactly 2 points
    (8, [Band(0, 5.6, IMPROVEMENT), Band(10, 10, DETERIORATION)]),  # 30% is stricter
    (9, [Band(0, pytest.approx(6.3), IMPROVEMENT)]),  # 11 is off the scale
])
def test_pain_has_both_bands_at_the_edges(baseline, bands):
    assert pain_bands(baseline) == bands


def test_function_bands_are_its_own_higher_is_better_two_points():
    assert function_bands(5.0) == [Band(7.0, 10, IMPROVEMENT), Band(0, 3.0, DETERIORATION)]
    assert function_bands(8.5) == [Band(0, 6.5, DETERIORATION)]
    assert function_bands(1.0) == [Band(3.0, 10, IMPROVEMENT)]


def test_a_time_window_zooms_and_does_not_re_baseline():
    """Issue 17, item 2: the baseline is the episode's first session whatever the window,
    so the baseline line, the bands and adherence-against-change agree with the status."""
    points = pts(8, 6, 5, 7)
    records = [AdherenceRecord(p.session_on, "Heat", 7, 7) for p in points]
    progress = build_progress(points, [], records, None, since=points[2].session_on)
    assert [p.pain for p in progress.points] == [5, 7]
    assert progress.baseline == points[0] and progress.function_baseline == 5.0
    assert progress.pain_bands == pain_bands(8)
    assert [change for _, _, change in adherence_against_change(
        progress.points, progress.adherence, progress.baseline)] == [-3, -1]
    figure = figures.timeline_figure(progress)
    pain_labels = [a["text"] for a in figure["layout"]["annotations"] if a["yref"] == "y"]
    assert "baseline 8" in pain_labels and "baseline 5" not in pain_labels
    assert figures.adherence_scatter(progress)["data"][0]["y"] == [-3, -1]


def test_each_measure_has_its_own_panel_and_only_its_own_bands():
    """Issue 17, item 3: no line sits in another measure's band."""
    points = [SessionPoint(START, 6, 7, 4.0), SessionPoint(START + dt.timedelta(days=7), 5, 3,
                                                           6.5)]
    figure = figures.timeline_figure(build_progress(points, [], [], None))
    axes = {t["name"]: t["yaxis"] for t in figure["data"]}
    assert axes == {"Pain": "y", "Function (PSFS)": "y2", "Stress": "y3"}
    rects = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
    by_axis = {}
    for rect in rects:
        by_axis.setdefault(rect["yref"], []).append((rect["y0"], rect["y1"]))
    assert by_axis["y"] == [(-0.3, pytest.approx(4.0)), (8, 10.3)]  # pain 6: ≤ 4, ≥ 8
    assert by_axis["y2"] == [(6.0, 10.3), (-0.3, 2.0)]  # PSFS 4: ≥ 6 better, ≤ 2 worse
    assert "y3" not in by_axis  # stress: no agreed threshold
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert texts.count("meaningful improvement") == 2
    assert texts.count("meaningful worsening") == 2


def test_adherence_by_week_and_against_change():
    points = pts(8, 6)
    records = [AdherenceRecord(points[1].session_on, "Heat", 7, 7),
               AdherenceRecord(points[1].session_on, "Daily habits", 2, 4),
               AdherenceRecord(points[1].session_on, "Daily habits", 9, 4)]  # capped at 4
    weeks, strategies, matrix = adherence_by_week(records)
    assert weeks == [D(2026, 3, 9)]
    assert strategies == ["Daily habits", "Heat"]
    assert matrix == [[0.75], [1.0]]
    assert adherence_against_change(points, records, points[0]) == [
        (points[1].session_on, 0.87, -2)]


def test_two_sessions_on_one_day_are_each_read_against_their_own_adherence():
    """A second visit the same day is its own reading: before, each of the two read the
    answers of both (a plan done in full and one not done at all showed as two 50% points)."""
    base = SessionPoint(START, 8, 5, None, session_id=1)
    day = START + dt.timedelta(days=7)
    morning = SessionPoint(day, 6, 5, None, session_id=2)
    evening = SessionPoint(day, 5, 5, None, session_id=3)
    records = [AdherenceRecord(day, "Heat", 7, 7, 2), AdherenceRecord(day, "Heat", 0, 7, 3)]
    assert adherence_against_change([base, morning, evening], records, base) == [
        (day, 1.0, -2), (day, 0.0, -3)]


def test_sessions_per_week_fills_empty_weeks():
    weeks = sessions_per_week([(D(2026, 11, 2), 3), (D(2026, 11, 4), 2)], D(2026, 11, 1),
                              D(2026, 11, 20))
    assert weeks == [(D(2026, 10, 26), 0), (D(2026, 11, 2), 5), (D(2026, 11, 9), 0),
                     (D(2026, 11, 16), 0)]


def test_timeline_has_series_bands_goal_and_plan_markers():
    points = pts(8, 6, 4)
    points[1] = SessionPoint(points[1].session_on, 6, 5, 6.0, {"PHQ9": 12, "GAD7": 4})
    progress = build_progress(points, [PlanMarker(1, points[0].session_on),
                                       PlanMarker(2, points[1].session_on)], [], 3)
    figure = figures.timeline_figure(progress)
    names = [t["name"] for t in figure["data"]]
    assert names == ["Pain", "Function (PSFS)", "Stress", "PHQ-9", "GAD-7"]
    assert figure["data"][0]["y"] == [8, 6, 4]
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert {"plan v1", "plan v2", "baseline 8", "goal ≤ 3", "meaningful improvement"} <= set(
        texts)
    assert {"moderately severe", "severe", "mild"} <= set(texts)  # PHQ-9 bands labelled
    band = next(s for s in figure["layout"]["shapes"] if s["type"] == "rect")
    assert band["y1"] == improvement_threshold(8)
    assert "yaxis5" in figure["layout"] and "yaxis6" not in figure["layout"]


def test_timeline_without_sessions_is_still_a_figure():
    figure = figures.timeline_figure(build_progress([], [], [], None))
    assert [t["y"] for t in figure["data"]] == [[], []]  # pain and stress; no PSFS yet


def test_adherence_figures_and_overview_figures():
    points = pts(8, 6)
    records = [AdherenceRecord(points[1].session_on, "Heat", 5, 7)]
    progress = build_progress(points, [], records, None)
    heat = figures.adherence_heatmap(progress)["data"][0]
    assert heat["y"] == ["Heat"] and heat["z"] == [[0.71]] and heat["colorscale"] == "Cividis"
    assert figures.adherence_scatter(progress)["data"][0]["y"] == [-2]
    summary = ClinicSummary([("Ann", 3)], {"improving": 2, "worsening": 1},
                            [("Heat", -1.5, 2)], [(D(2026, 11, 2), 4)])
    share = figures.status_share_figure(summary)["data"][0]
    assert share["text"][0] == "2 (67%)" and share["text"][2] == "1 (33%)"
    assert figures.caseload_figure(summary)["data"][0]["x"] == [3]
    assert figures.pain_by_strategy_figure(summary)["data"][0]["x"] == [-1.5]
    assert figures.sessions_per_week_figure(summary)["data"][0]["y"] == [4]
