"""The discharge summary's content: one episode from referral to discharge in plain words
(for the client) or clinical words (for whoever referred them), as plain data. The
rendering (HTML, tagged PDF) is dashboard/handout/discharge.py; the data layer fills these
in (db/episodes.discharge_summary_data) without reaching up to the renderer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.domain.episodes import Outcome
from dashboard.domain.outcomes import NOT_ENOUGH_DATA, EpisodeOutcome
from dashboard.domain.status import DETERIORATION, IMPROVEMENT

AUDIENCES = ("client", "referrer")


@dataclass(frozen=True)
class MeasureRow:
    name: str
    scale: str
    baseline: str
    discharge: str
    change: str
    meaningful: str  # "Yes", "No" or a reason it cannot be judged


@dataclass(frozen=True)
class GoalRow:
    description: str
    met: str  # "Met", "Not met", "Not recorded"
    override: str = ""  # the practitioner's reason for judging against the scores


@dataclass(frozen=True)
class PlanLine:
    strategy: str
    part: str
    dose: str


@dataclass(frozen=True)
class DischargeSummaryData:
    audience: str
    clinic_name: str
    clinic_phone: str
    clinic_address: str
    client_name: str
    client_first_name: str
    date_of_birth: dt.date
    practitioner_name: str
    referral_source: str
    referrer_name: str
    reason: str
    started_on: dt.date
    ended_on: dt.date
    discharge_reason: str
    sessions_attended: int
    measures: tuple[MeasureRow, ...]
    status_sentence: str
    goals: tuple[GoalRow, ...]
    plan: tuple[PlanLine, ...]
    plan_version: int | None
    recommendations: str
    red_flags: tuple[str, ...]  # screen items answered yes (referrer copy only)
    referral_note: str
    crisis_line_text: str = ""
    # Questionnaires the client completed at home on their own page: they count in the
    # first and latest scores above like those given at sessions, and the summary says so.
    home_questionnaires: int = 0
    # PSFS ratings the client made at home: they count in the function figures above (the
    # first and the latest rating of the same activities, wherever made), and it says so.
    home_function: int = 0
    # Why the function change leaves activities out (replaced mid-episode); '' when none was.
    function_note: str = ""


def _num(value: float | int | None) -> str:
    if value is None:
        return "Not recorded"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _signed(value: float | int | None) -> str:
    if value is None:
        return "Cannot tell"
    if value == 0:
        return "0"
    return f"{value:+g}" if isinstance(value, float) else f"{value:+d}"


def _verdict(meaning: str | None, *, better: str, worse: str) -> str:
    """Whether a change is meaningful, and in which direction: a worsening is meaningful."""
    if meaning == IMPROVEMENT:
        return f"Yes, improved ({better})"
    if meaning == DETERIORATION:
        return f"Yes, worse ({worse})"
    return "No"


def measure_rows(outcome: Outcome) -> tuple[MeasureRow, ...]:
    """Pain, stress and function at baseline and discharge, and whether each change is
    meaningful by the thresholds in the product brief."""
    b, f = outcome.baseline, outcome.final
    if b is None or f is None:
        return ()
    few = outcome.sessions < 2
    pain_verdict = ("Too few sessions to judge" if few else
                    _verdict(outcome.pain_meaning, better="at least 2 points and 30% lower",
                             worse="2 points or more higher"))
    replaced = bool(outcome.function_left_out)
    function_scale = "activities 0-10, higher is better" + (
        "; the same activities at both ends" if replaced else "")
    function_values = (_num(outcome.function_baseline), _num(outcome.function_final))
    if replaced and not outcome.function_compared:
        function_values = ("Not comparable", "Not comparable")
        function_verdict = "Cannot tell: the activities were replaced (see below)"
    elif outcome.function_change is None:
        function_verdict = "Not measured"
    else:
        needed = "3 points" if outcome.function_compared == 1 else "2 points"
        function_verdict = ("Too few sessions to judge" if few else
                            _verdict(outcome.function_meaning,
                                     better=f"at least {needed} higher",
                                     worse=f"{needed} or more lower"))
    return (
        MeasureRow("Pain", "0-10, lower is better", _num(b.pain), _num(f.pain),
                   _signed(outcome.pain_change), pain_verdict),
        MeasureRow("Stress", "0-10, lower is better", _num(b.stress), _num(f.stress),
                   _signed(outcome.stress_change), "No agreed threshold"),
        MeasureRow("Function", function_scale, *function_values,
                   _signed(outcome.function_change), function_verdict),
    )


QUESTIONNAIRE_SCALES = {"PHQ9": ("PHQ-9 (depression)", "0-27, lower is better"),
                        "GAD7": ("GAD-7 (anxiety)", "0-21, lower is better"),
                        "PSS10": ("PSS-10 (perceived stress)", "0-40, lower is better")}


def questionnaire_rows(outcome: EpisodeOutcome) -> tuple[MeasureRow, ...]:
    """Each questionnaire given in the episode, first against latest score, with its
    category by the thresholds of docs/OUTCOMES.md."""
    rows = []
    for m in outcome.measures:
        if m.first is None:
            continue
        name, scale = QUESTIONNAIRE_SCALES[m.instrument]
        t = m.threshold
        if m.category == NOT_ENOUGH_DATA:
            verdict = "Given once: cannot be judged"
        else:
            rule = f"reliable change is {t.reliable_change} points or more"
            if t.caseness is not None:
                rule += f"; clinical cut-off {t.caseness}"
            verdict = f"{m.label} ({rule})"
        rows.append(MeasureRow(name, scale, _num(m.first),
                               _num(m.latest) if m.change is not None else "Not given again",
                               _signed(m.change), verdict))
    return tuple(rows)


def status_sentence(outcome: Outcome, audience: str) -> str:
    if outcome.sessions == 0:
        return "No sessions were recorded in this episode."
    if outcome.sessions < 2:
        return "Only one session was recorded, so change cannot be judged."
    you = audience == "client"
    if outcome.status == "improving":
        return ("Your pain came down by a meaningful amount." if you else
                "Pain improved by a clinically meaningful amount (2 points and 30%).")
    if outcome.status == "worsening":
        return ("Your pain was higher at the end than at the start." if you else
                "Pain worsened by 2 points or more over the episode.")
    return ("Your pain did not change by a meaningful amount." if you else
            "No meaningful change in pain over the episode.")


def function_note(outcome: Outcome, audience: str) -> str:
    """Why the function change leaves activities out ('' when the same activities were
    rated at both ends): the clinical reason for the referrer and the record, plain words
    for the client's own copy."""
    if not outcome.function_left_out:
        return ""
    if audience != "client":
        return outcome.function_note or ""
    if not outcome.function_compared:
        return ("Your activities changed during your care, so the function scores from the "
                "start and the end are of different activities and cannot be compared.")
    n = outcome.function_compared
    return (f"Your activities changed during your care, so your function is compared on the "
            f"{'one activity' if n == 1 else f'{n} activities'} you rated at both the first "
            "and the last session.")
