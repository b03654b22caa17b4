"""Progress: the points of a client's timeline, the sentence that explains their status,
adherence by strategy and week, and clinic-wide summaries. Plain data only."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from dashboard.domain.adherence import PartAnswer, days_counted, read_adherence
from dashboard.domain.dates import format_day_long
from dashboard.domain.home_log import HomePoint
from dashboard.domain.measures import (
    SOURCE_SESSION,
    QuestionnaireScore,
    in_time_order,
    totals_by_instrument,
)
from dashboard.domain.outcomes import EpisodeOutcome, episode_outcome
from dashboard.domain.psfs import FunctionChange, RatedSet, function_sentence, series_change
from dashboard.domain.questionnaires import band_of
from dashboard.domain.status import (
    IMPROVING,
    MIN_FRACTION,
    MIN_POINTS,
    NOT_ENOUGH_DATA,
    WORSENING,
    Band,
    PainStatus,
    function_bands,
    pain_bands,
    status_from,
)


@dataclass(frozen=True)
class SessionPoint:
    session_on: dt.date
    pain: int
    stress: int
    function: float | None
    totals: dict[str, int] = field(default_factory=dict)  # questionnaire -> total
    # PSFS ratings, (activity name, 0-10) in the client's order (domain/psfs.py).
    ratings: tuple[tuple[str, int], ...] = ()
    session_id: int | None = None  # the session's row (None: a point made up in a test)


@dataclass(frozen=True)
class PlanMarker:
    version: int
    effective_on: dt.date


@dataclass(frozen=True)
class AdherenceRecord:
    """One counted plan part at one session (advice parts with no days are left out)."""

    session_on: dt.date
    strategy: str
    days_done: int | None  # None: left blank
    days_prescribed: int  # adherence.prescribed_days: 7 where a timed part gives no days
    # The session it was answered at (None: the client's ticks since the last session).
    session_id: int | None = None


@dataclass(frozen=True)
class Progress:
    """What the progress view shows. ``points`` are the sessions in the range shown; the
    baseline is the episode's first session whatever the range (a window zooms, it does
    not re-baseline)."""

    points: list[SessionPoint]
    markers: list[PlanMarker]
    adherence: list[AdherenceRecord]
    pain_goal: int | None
    status: PainStatus
    sentence: str
    baseline: SessionPoint | None = None
    function_baseline: float | None = None  # the episode's first PSFS score
    # Days the client logged at home (their own page): drawn as their own lighter series,
    # never mixed into the session scores, the baseline or the status.
    home: list[HomePoint] = field(default_factory=list)
    # The questionnaires' reliable change over the whole episode (first and latest score),
    # whatever range is drawn, sessions and home together.
    questionnaires: EpisodeOutcome = field(default_factory=lambda: episode_outcome({}))
    # Every questionnaire total in the range drawn, given at a session or at home, in time
    # order (one series per questionnaire, each point marked by its source).
    scores: list[QuestionnaireScore] = field(default_factory=list)
    # The change in function over the whole episode, on the activities rated at both its
    # first and its latest rated session (None: no ratings), whatever range is drawn.
    function_reading: FunctionChange | None = None
    # The client's ratings of their own activities at home, in the range drawn: their means
    # beside the sessions' (open markers); they count in ``function_reading``.
    home_function: list[RatedSet] = field(default_factory=list)

    # Read by the view and by two figures: worked out once per Progress, not per reader
    # (a frozen dataclass keeps cached_property's value in its own __dict__).
    @functools.cached_property
    def adherence_weeks(self) -> tuple[list[dt.date], list[str], list[list[float | None]]]:
        """``adherence_by_week`` of the adherence drawn."""
        return adherence_by_week(self.adherence)

    @functools.cached_property
    def adherence_pairs(self) -> list[tuple[dt.date, float, int]]:
        """``adherence_against_change`` of the sessions drawn, against the baseline."""
        return adherence_against_change(self.points, self.adherence, self.baseline)

    @property
    def function_sentence(self) -> str | None:
        return None if self.function_reading is None else \
            function_sentence(self.function_reading)

    @property
    def pain_bands(self) -> list[Band]:
        return pain_bands(self.baseline.pain) if self.baseline else []

    @property
    def function_baseline_line(self) -> float | None:
        """The baseline drawn on the function panel: the first session's mean, but only
        while the client rates the same activities. Once they changed, that mean is of
        other activities than the later points (and than the sentence's baseline, read on
        the activities rated at both ends): drawn, it would show a change that is not the
        client's, so it goes with the bands."""
        if self.function_reading is not None and self.function_reading.activities_changed:
            return None
        return self.function_baseline

    @property
    def function_bands(self) -> list[Band]:
        """The PSFS bands around the baseline's mean; none once the client's activities
        changed: a later mean of other activities read against them would be a change of
        the mean across different activities (domain/psfs.py), and the function sentence
        says what was compared instead."""
        line = self.function_baseline_line
        return [] if line is None else function_bands(line)


def _day(on: dt.date) -> str:
    return format_day_long(on)


def status_sentence(points: list[SessionPoint]) -> tuple[PainStatus, str]:
    """The status by the product's rule, and one plain sentence that explains it."""
    if not points:
        return status_from(None, None, 0), "No sessions recorded in this episode yet."
    first, last = points[0], points[-1]
    status = status_from(first.pain, last.pain, len(points))
    if status.status == NOT_ENOUGH_DATA:
        return status, (f"Baseline pain {first.pain} on {_day(first.session_on)}; "
                        "a second session is needed to judge change.")
    change = last.pain - first.pain
    percent = f" ({change / first.pain:+.0%})".replace("-", "−") if first.pain else ""
    head = f"Pain {first.pain} → {last.pain} since {_day(first.session_on)}{percent}"
    if status.status == IMPROVING:
        return status, f"{head}, a meaningful improvement."
    if status.status == WORSENING:
        return status, f"{head}: worse by {change} points, a meaningful worsening."
    needed = max(MIN_POINTS, int(-(-MIN_FRACTION * first.pain // 1)))
    return status, (f"{head}: not yet a meaningful change (that needs a drop of at least "
                    f"{needed} points and 30%).")


def week_start(on: dt.date) -> dt.date:
    return on - dt.timedelta(days=on.weekday())


def adherence_by_week(records: list[AdherenceRecord]) -> tuple[list[dt.date], list[str],
                                                                list[list[float | None]]]:
    """Weeks × strategies: days done as a share of days prescribed (0-1), None where unasked."""
    done: dict[tuple[dt.date, str], int] = defaultdict(int)
    asked: dict[tuple[dt.date, str], int] = defaultdict(int)
    for r in records:
        if r.days_done is None:
            continue
        key = (week_start(r.session_on), r.strategy)
        done[key] += days_counted(r.days_done, r.days_prescribed)
        asked[key] += r.days_prescribed
    weeks = sorted({w for w, _ in asked})
    strategies = sorted({s for _, s in asked})
    matrix = [[round(done[(w, s)] / asked[(w, s)], 2) if asked.get((w, s)) else None
               for w in weeks] for s in strategies]
    return weeks, strategies, matrix


def _session_key(session_id: int | None, session_on: dt.date) -> int | dt.date:
    """A session by its row, or by its day where no row is known (points built by hand)."""
    return session_id if session_id is not None else session_on


def adherence_against_change(points: list[SessionPoint], records: list[AdherenceRecord],
                             baseline: SessionPoint | None
                             ) -> list[tuple[dt.date, float, int]]:
    """Per session after the episode's baseline with every counted part answered: share of
    prescribed days done, and the change in pain from that baseline. A session with parts
    left blank is left out: 2 of 5 parts done in full is not 100% of the plan."""
    if baseline is None:
        return []
    # Each session's own answers: two sessions on one day (a second visit) are two
    # readings, never one made of both.
    by_session: dict[int | dt.date, list[AdherenceRecord]] = defaultdict(list)
    for r in records:
        by_session[_session_key(r.session_id, r.session_on)].append(r)
    result = []
    for point in points:
        if point.session_on <= baseline.session_on:
            continue
        reading = read_adherence(
            PartAnswer(r.days_done, r.days_prescribed)
            for r in by_session.get(_session_key(point.session_id, point.session_on), []))
        if reading.complete and reading.share is not None:
            result.append((point.session_on, round(reading.share, 2),
                           point.pain - baseline.pain))
    return result


def build_progress(points: list[SessionPoint], markers: list[PlanMarker],
                   adherence: list[AdherenceRecord], pain_goal: int | None,
                   since: dt.date | None = None,
                   home: list[HomePoint] | None = None,
                   home_scores: list[QuestionnaireScore] | None = None,
                   home_function: list[RatedSet] | None = None) -> Progress:
    """Everything the progress view shows. The status, the baseline and the bands always
    use the whole episode (its baseline is the first session); ``since`` only narrows what
    is drawn. Questionnaires completed at home join the sessions' in one series."""
    status, sentence = status_sentence(points)
    baseline = points[0] if points else None
    function_baseline = next((p.function for p in points if p.function is not None), None)
    scores = in_time_order([*session_scores(points), *(home_scores or [])])
    questionnaires = episode_outcome(totals_by_instrument(scores))
    home_function = list(home_function or [])
    function_reading = series_change(
        [*(RatedSet(p.session_on, p.ratings) for p in points if p.ratings), *home_function],
        at_least=2)
    if since is not None:
        points = [p for p in points if p.session_on >= since]
        markers = [m for m in markers if m.effective_on >= since]
        adherence = [a for a in adherence if a.session_on >= since]
        home = [h for h in home or [] if h.log_on >= since]
        scores = [s for s in scores if s.on >= since]
        home_function = [r for r in home_function if r.on >= since]
    return Progress(points, markers, adherence, pain_goal, status, sentence, baseline,
                    function_baseline, list(home or []), questionnaires, scores=scores,
                    function_reading=function_reading, home_function=home_function)


def session_scores(points: list[SessionPoint]) -> list[QuestionnaireScore]:
    """The questionnaires given at sessions, in session order."""
    return [QuestionnaireScore(p.session_on, key, total, SOURCE_SESSION, band_of(key, total))
            for p in points for key, total in p.totals.items()]


@dataclass(frozen=True)
class ClinicSummary:
    caseload: list[tuple[str, int]]  # practitioner name, active clients
    statuses: dict[str, int]
    pain_change_by_strategy: list[tuple[str, float, int]]  # strategy, mean change, clients
    sessions_per_week: list[tuple[dt.date, int]]


def sessions_per_week(per_day: list[tuple[dt.date, int]], start: dt.date,
                      end: dt.date) -> list[tuple[dt.date, int]]:
    """Daily counts binned into weeks (Monday first), with empty weeks shown as 0."""
    counts: dict[dt.date, int] = defaultdict(int)
    for day, n in per_day:
        counts[week_start(day)] += n
    weeks, week = [], week_start(start)
    while week <= end:
        weeks.append((week, counts.get(week, 0)))
        week += dt.timedelta(days=7)
    return weeks
