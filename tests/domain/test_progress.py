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
    improvement_threshold,
    sessions_per_week,
    status_sentence,
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


def test_adherence_by_week_and_against_change():
    points = pts(8, 6)
    records = [AdherenceRecord(points[1].session_on, "Heat", 7, 7),
               AdherenceRecord(points[1].session_on, "Daily habits", 2, 4),
               AdherenceRecord(points[1].session_on, "Daily habits", 9, 4)]  # capped at 4
    weeks, strategies, matrix = adherence_by_week(records)
    assert weeks == [D(2026, 3, 9)]
    assert strategies == ["Daily habits", "Heat"]
    assert matrix == [[0.75], [1.0]]
    assert adherence_against_change(points, records) == [(points[1].session_on, 0.87, -2)]


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
    assert names == ["Pain", "Stress", "Function (PSFS)", "PHQ-9", "GAD-7"]
    assert figure["data"][0]["y"] == [8, 6, 4]
    texts = [a["text"] for a in figure["layout"]["annotations"]]
    assert {"plan v1", "plan v2", "baseline 8", "goal ≤ 3", "meaningful improvement"} <= set(
        texts)
    assert {"moderately severe", "severe", "mild"} <= set(texts)  # PHQ-9 bands labelled
    band = next(s for s in figure["layout"]["shapes"] if s["type"] == "rect")
    assert band["y1"] == improvement_threshold(8)
    assert "yaxis3" in figure["layout"] and "yaxis4" not in figure["layout"]


def test_timeline_without_sessions_is_still_a_figure():
    figure = figures.timeline_figure(build_progress([], [], [], None))
    assert [t["y"] for t in figure["data"]] == [[], [], []]


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
