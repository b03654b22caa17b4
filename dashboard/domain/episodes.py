"""Episodes of care: intake (referral, consent, red-flag screen), the flag's life, discharge
and the outcome figures a discharge summary reports. Plain data and rules only.

Life cycle: intake opens an episode; a "yes" to any urgent-care item flags it until a
practitioner records the referral and clears the flag; discharge closes it with a reason
and freezes its outcome; a returning client starts a new episode from a new baseline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from dashboard.domain.dates import DAY_HINT, format_day, parse_optional_day
from dashboard.domain.psfs import RatedSet, series_change
from dashboard.domain.status import (
    IMPROVEMENT,
    NOT_ENOUGH_DATA,
    STATUS_LABELS,
    function_change_meaning,
    pain_change_meaning,
    status_from,
)
from dashboard.domain.text import CONTROL_MESSAGE, has_control

URGENT = "urgent"
SEE_DOCTOR = "see_doctor"


@dataclass(frozen=True)
class RedFlagItem:
    key: str
    question: str  # as the practitioner asks it
    level: str  # URGENT or SEE_DOCTOR


# The urgent-care and see-a-doctor-soon lists of the product brief, as screening questions.
RED_FLAG_ITEMS: tuple[RedFlagItem, ...] = (
    RedFlagItem("urine", "New difficulty passing urine, or a change in its flow?", URGENT),
    RedFlagItem("saddle", "Numbness around the genitals, anus or inner thighs (saddle area)?",
                URGENT),
    RedFlagItem("bowel", "Loss of bowel control, or of the feeling that the rectum is full?",
                URGENT),
    RedFlagItem("sexual", "New sexual dysfunction?", URGENT),
    RedFlagItem("legs", "Severe or worsening weakness or numbness in both legs?", URGENT),
    RedFlagItem("fever", "Fever or feeling generally unwell with the back pain?", SEE_DOCTOR),
    RedFlagItem("weight", "Weight loss they cannot explain?", SEE_DOCTOR),
    RedFlagItem("cancer", "A history of cancer?", SEE_DOCTOR),
    RedFlagItem("injury", "Pain that began after a fall or an injury?", SEE_DOCTOR),
    RedFlagItem("night", "Pain worse at night and not eased by rest?", SEE_DOCTOR),
    RedFlagItem("age", "New back pain while under 20 or over 55?", SEE_DOCTOR),
)
RED_FLAG_BY_KEY = {item.key: item for item in RED_FLAG_ITEMS}
ANSWERS = {"yes": "Yes", "no": "No", "not_asked": "Not asked"}

REFERRAL_SOURCES = {"self": "Self-referred", "doctor": "A doctor",
                    "practitioner": "Another practitioner", "other": "Other"}
DISCHARGE_REASONS = {"goals_met": "Goals met", "plateau": "Progress has plateaued",
                     "referred_on": "Referred on", "stopped_attending": "Stopped attending"}
EPISODE_STATE_LABELS = {"open": "Open", "flagged": "Red flag", "discharged": "Discharged"}
# Active care: an episode not discharged (open, or open with an urgent flag). Who is due,
# who is getting worse and who counts in a caseload are questions about active care only:
# a discharged client keeps the status they left with, but is no longer followed.
ACTIVE_CARE_STATES = ("open", "flagged")

REASON_MAX = 2000
NAME_MAX = 200
NOTE_MAX = 2000


@dataclass(frozen=True)
class IntakeDraft:
    referral_source: str
    referrer_name: str
    reason: str
    consent_treatment: bool
    consent_data: bool
    answers: dict[str, str]  # item key -> yes / no / not_asked
    # Consent to email reminders (issue 22): optional, and only asked where there is an
    # address to send to; recorded with who and when like the others.
    consent_email: bool = False

    @property
    def urgent_yes(self) -> list[RedFlagItem]:
        return [i for i in RED_FLAG_ITEMS if i.level == URGENT and self.answers[i.key] == "yes"]

    @property
    def see_doctor_yes(self) -> list[RedFlagItem]:
        return [i for i in RED_FLAG_ITEMS
                if i.level == SEE_DOCTOR and self.answers[i.key] == "yes"]


def _text(raw: object) -> str:
    return raw.strip() if isinstance(raw, str) else ""


def _check_text(text: str, label: str, limit: int, *, required: bool,
                multiline: bool = True) -> str | None:
    if required and not text:
        return f"Enter the {label}."
    if len(text) > limit:
        return f"The {label} is too long: at most {limit} characters."
    if has_control(text, multiline=multiline):
        return CONTROL_MESSAGE
    return None


def parse_intake(
    *, referral_source: object, referrer_name: object, reason: object,
    consent_treatment: object, consent_data: object, answers: dict[str, object],
    consent_email: object = False,
) -> tuple[IntakeDraft | None, dict[str, str]]:
    """The intake form as typed: a draft, or messages keyed by field."""
    errors: dict[str, str] = {}
    source = referral_source if isinstance(referral_source, str) else ""
    if source not in REFERRAL_SOURCES:
        errors["referral_source"] = "Choose who referred the client."
    name, why = _text(referrer_name), _text(reason)
    problem = _check_text(name, "referrer's name", NAME_MAX, multiline=False,
                          required=source in ("doctor", "practitioner", "other"))
    if problem:
        errors["referrer_name"] = problem
    problem = _check_text(why, "reason for referral", REASON_MAX, required=True)
    if problem:
        errors["reason"] = problem
    if consent_treatment is not True:
        errors["consent_treatment"] = ("Treatment cannot start without the client's consent: "
                                       "record it once they have given it.")
    checked: dict[str, str] = {}
    for item in RED_FLAG_ITEMS:
        value = answers.get(item.key)
        if value not in ANSWERS:
            errors[f"flag-{item.key}"] = "Answer yes, no or not asked."
        elif item.level == URGENT and value == "not_asked":
            # A cauda equina sign left unasked is a missed emergency (NICE NG59, 2016/2020:
            # ask about them at every assessment of low back pain).
            errors[f"flag-{item.key}"] = ("Ask this: an urgent-care question must be "
                                          "answered yes or no before treatment starts.")
        else:
            checked[item.key] = str(value)
    if errors:
        return None, errors
    return IntakeDraft(source, name, why, True,
                       consent_data is True, checked, consent_email=consent_email is True), {}


AGE_FLAG_UNDER, AGE_FLAG_OVER = 20, 55  # product brief: new back pain under 20 or over 55


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - (
        (day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_flag_answer(date_of_birth: dt.date | None, today: dt.date) -> str:
    """The age item of the screen, from the date of birth: "yes" under 20 or over 55."""
    if date_of_birth is None:
        return "not_asked"
    age = age_on(date_of_birth, today)
    return "yes" if age < AGE_FLAG_UNDER or age > AGE_FLAG_OVER else "no"


def parse_note(raw: object, label: str, *, required: bool = True) -> tuple[str, str | None]:
    text = _text(raw)
    return text, _check_text(text, label, NOTE_MAX, required=required)


OVERRIDE_MAX = 1000
OVERRIDE_ACTIONS = {"plan_saved": "save a plan", "handout_given": "give a handout"}


def urgent_flag_open(*, ended_on: dt.date | None, urgent_flag: bool,
                     flag_cleared: bool) -> bool:
    """True while an urgent red flag stops treatment: flagged at intake, not yet cleared by a
    practitioner who recorded what the urgent assessment found, episode not discharged."""
    return episode_state(ended_on=ended_on, urgent_flag=urgent_flag,
                         flag_cleared=flag_cleared) == "flagged"


def parse_override(flag_open: bool, raw: object, action: str) -> tuple[str, str | None]:
    """The practitioner's reason for going on while an urgent red flag is open (a plan
    saved, a handout given). A suspected cauda equina syndrome needs same-day emergency
    assessment, before any home programme (NICE NG59 1.1; GIRFT national suspected cauda
    equina pathway, 2023): treatment waits, and a practitioner who acts anyway does so on
    the record, with a reason (audited and kept with what was saved or given).

    No flag open: no reason is needed and none is kept ('', None). Open: the reason, or a
    message saying it is needed."""
    if not flag_open:
        return "", None
    text = _text(raw)
    if not text:
        return "", (f"An urgent red flag is open: the client needs urgent care first. To "
                    f"{OVERRIDE_ACTIONS[action]} anyway, give your reason (it is recorded "
                    "with your name).")
    problem = _check_text(text, "reason", OVERRIDE_MAX, required=True)
    return ("", problem) if problem else (text, None)


@dataclass(frozen=True)
class EpisodeDates:
    """The days an episode of care covers: its start, and its discharge once it has one."""

    started_on: dt.date
    ended_on: dt.date | None = None

    def describe(self) -> str:
        if self.ended_on is None:
            return f"began {format_day(self.started_on)}, still open"
        return f"{format_day(self.started_on)} to {format_day(self.ended_on)}"


def session_date_problem(day: dt.date, episode: EpisodeDates) -> str | None:
    """A session belongs to one episode and falls within it: on or after its start, on or
    before its discharge. Otherwise it would be read as another episode's baseline (the
    status rule takes the episode's first session as baseline: product brief)."""
    if day < episode.started_on or (episode.ended_on is not None and day > episode.ended_on):
        return (f"The session date must fall within this episode of care "
                f"({episode.describe()}).")
    return None


def episode_state(*, ended_on: dt.date | None, urgent_flag: bool,
                  flag_cleared: bool) -> str:
    if ended_on is not None:
        return "discharged"
    if urgent_flag and not flag_cleared:
        return "flagged"
    return "open"


@dataclass(frozen=True)
class ScorePoint:
    session_on: dt.date
    pain: int
    stress: int
    function: float | None
    # The session's PSFS ratings, (activity name, 0-10) in the client's order: the change in
    # function is read on the activities rated at both ends (domain/psfs.py).
    ratings: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """An episode's figures, baseline (first session) against discharge (last session)."""

    sessions: int
    baseline: ScorePoint | None
    final: ScorePoint | None
    status: str
    # How the function figures were read (domain/psfs.py): the number of activities rated at
    # both the first and the last session (their means are the baseline and final function;
    # None where the sessions carry no ratings, as in episodes discharged before this rule),
    # and the number rated at only one of them, left out of the change.
    function_compared: int | None = None
    function_left_out: int = 0

    @property
    def pain_change(self) -> int | None:
        return None if self.baseline is None or self.final is None else \
            self.final.pain - self.baseline.pain

    @property
    def stress_change(self) -> int | None:
        return None if self.baseline is None or self.final is None else \
            self.final.stress - self.baseline.stress

    @property
    def function_baseline(self) -> float | None:
        return self.baseline.function if self.baseline else None

    @property
    def function_final(self) -> float | None:
        return self.final.function if self.final else None

    @property
    def function_change(self) -> float | None:
        if self.function_baseline is None or self.function_final is None:
            return None
        # At the scores' stored precision: rounding to fewer decimals could carry a change
        # across the 2-point threshold (1.96 is not 2.0).
        return round(self.function_final - self.function_baseline, 2)

    @property
    def pain_meaning(self) -> str | None:
        """IMPROVEMENT, DETERIORATION or None: a meaningful worsening is meaningful too."""
        if self.baseline is None or self.final is None or self.sessions < 2:
            return None
        return pain_change_meaning(self.baseline.pain, self.final.pain)

    @property
    def function_meaning(self) -> str | None:
        change = self.function_change
        return None if change is None or self.sessions < 2 else \
            function_change_meaning(change, activities=self.function_compared or 3)

    @property
    def function_note(self) -> str | None:
        """Why the function change leaves activities out (the summary prints it); None when
        the same activities were rated at both ends."""
        if not self.function_left_out:
            return None
        left = self.function_left_out
        left_words = f"{left} {'activity' if left == 1 else 'activities'}"
        if not self.function_compared:
            return (f"Function cannot be compared: the client's activities were replaced during "
                    f"the episode ({left_words} rated at only the first or the last session), "
                    "and a mean of different activities is not a change in the client.")
        n = self.function_compared
        return (f"Function is compared on the {n} {'activity' if n == 1 else 'activities'} "
                f"rated at both the first and the last session"
                f"{' (a single activity needs 3 points)' if n == 1 else ''}; {left_words} "
                f"rated at only one of them (replaced during the episode) "
                f"{'was' if left == 1 else 'were'} left out, since a change of the mean across "
                "different activities is not a meaningful change.")

    @property
    def pain_meaningful(self) -> bool:
        """Pain improved by the product's rule: 2 points and 30% below baseline."""
        return self.pain_meaning == IMPROVEMENT

    @property
    def function_meaningful(self) -> bool:
        return self.function_meaning == IMPROVEMENT

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def outcome_of(points: list[ScorePoint], home: Sequence[RatedSet] = ()) -> Outcome:
    """``points`` oldest first. Function may be missing at either end: the first and last
    ratings stand for baseline and discharge, at a session or by the client at home
    (``home``: one series, domain/psfs.py), compared on the activities rated at both
    (their means)."""
    if not points:
        return Outcome(0, None, None, NOT_ENOUGH_DATA)
    first, last = points[0], points[-1]
    status = status_from(first.pain, last.pain, len(points)).status
    reading = series_change([*(RatedSet(p.session_on, p.ratings) for p in points
                               if p.ratings), *home])
    if reading is not None:
        return Outcome(len(points), replace(first, function=reading.baseline_mean),
                       replace(last, function=reading.latest_mean), status,
                       len(reading.compared), len(reading.replaced) + len(reading.added))
    with_function = [p for p in points if p.function is not None]
    if with_function:
        first = replace(first, function=with_function[0].function)
        last = replace(last, function=with_function[-1].function)
    return Outcome(len(points), first, last, status)


@dataclass(frozen=True)
class DischargeDraft:
    reason: str
    ended_on: dt.date
    recommendations: str
    goals_met: dict[int, bool]  # goal id -> met
    # goal id -> the practitioner's reason for judging a measurable goal against its scores
    goal_overrides: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MeasurableGoal:
    """A goal with a target the scores can judge (today: pain at or below a number)."""

    id: int
    pain_target: int


def judge_goals(goals: list[MeasurableGoal], final_pain: int | None,
                ticked: dict[int, object], reasons: dict[int, object]
                ) -> tuple[dict[int, str], dict[str, str]]:
    """A measurable goal is judged from the discharge scores: "met" must agree with them,
    or carry the practitioner's reason for overriding them (printed and audited).
    Returns the overrides (goal id -> reason) and problems keyed "goal-<id>"."""
    overrides: dict[int, str] = {}
    errors: dict[str, str] = {}
    for goal in goals:
        scored = pain_goal_met(goal.pain_target, final_pain)
        if scored is None or (ticked.get(goal.id) is True) == scored:
            continue
        reason, problem = parse_note(reasons.get(goal.id), "reason for overriding the scores")
        if problem:
            verdict = "met" if scored else "not met"
            errors[f"goal-{goal.id}"] = (
                f"Pain at discharge is {final_pain}, so by the scores this goal (pain at or "
                f"below {goal.pain_target}) is {verdict}. Change the tick, or give a reason "
                "for overriding the scores.")
        else:
            overrides[goal.id] = reason
    return overrides, errors


def parse_discharge(
    *, reason: object, ended_on: object, recommendations: object,
    goals_met: dict[int, object], started_on: dt.date, last_session_on: dt.date | None,
    today: dt.date, measurable: list[MeasurableGoal] | None = None,
    final_pain: int | None = None, goal_reasons: dict[int, object] | None = None,
) -> tuple[DischargeDraft | None, dict[str, str]]:
    overrides, errors = judge_goals(measurable or [], final_pain, goals_met,
                                    goal_reasons or {})
    if reason not in DISCHARGE_REASONS:
        errors["reason"] = "Choose why the episode ends."
    day: dt.date | None = None
    try:
        day = parse_optional_day(ended_on)
    except ValueError:
        errors["ended_on"] = DAY_HINT
    if day is None:
        errors.setdefault("ended_on", "Enter the discharge date.")
    elif day > today:
        errors["ended_on"] = "The discharge date cannot be in the future."
    elif day < started_on:
        errors["ended_on"] = f"The episode began on {format_day(started_on)}: discharge after it."
    elif last_session_on is not None and day < last_session_on:
        errors["ended_on"] = (f"The last session was on {format_day(last_session_on)}: "
                              "discharge on or after it.")
    text = _text(recommendations)
    problem = _check_text(text, "recommendations", NOTE_MAX, required=True)
    if problem:
        errors["recommendations"] = problem
    if errors or day is None:
        return None, errors
    return DischargeDraft(str(reason), day, text,
                          {gid: value is True for gid, value in goals_met.items()},
                          overrides), {}


def pain_goal_met(target: int | None, final_pain: int | None) -> bool | None:
    """A pain goal is met when the discharge pain is at or below it (None: cannot tell)."""
    if target is None or final_pain is None:
        return None
    return final_pain <= target

