"""A session's scores as entered, validated all together: one bad value and nothing is saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.domain.dates import DAY_HINT, parse_day
from dashboard.domain.episodes import EpisodeDates, session_date_problem
from dashboard.domain.plans import NumberError, parse_whole_number
from dashboard.domain.questionnaires import INSTRUMENTS, answer_problems, self_harm_answer
from dashboard.domain.text import CONTROL_MESSAGE, has_control

MAX_NOTES = 5000
ALERT_ACTIONS = (
    "Safety plan reviewed with the client",
    "Crisis line details given",
    "Referred for urgent care",
    "Emergency services contacted",
    "Discussed; no immediate risk",
)


def psfs_score(ratings: dict[int, int]) -> float | None:
    """The Patient-Specific Functional Scale score: the mean of the activity ratings."""
    if not ratings:
        return None
    return round(sum(ratings.values()) / len(ratings), 2)


@dataclass(frozen=True)
class SessionInput:
    session_on: dt.date
    pain: int
    stress: int
    ratings: dict[int, int]  # functional activity id -> 0-10
    adherence: dict[int, int]  # plan item id -> days done in the past week, 0-7
    notes: str = ""
    questionnaires: dict[str, list[int]] = field(default_factory=dict)
    # PHQ-9 item 9 above 0 on a PHQ-9 left incomplete: that PHQ-9 is not scored or kept
    # (``unscored``), its safety signal is.
    phq9_item9: int | None = None
    unscored: tuple[str, ...] = ()

    @property
    def self_harm_signal(self) -> int | None:
        """The PHQ-9 item 9 answer above 0, from a complete PHQ-9 or an incomplete one."""
        if self.phq9_item9 is not None:
            return self.phq9_item9
        return self_harm_answer("PHQ9", list(self.questionnaires.get("PHQ9", [])))

    @property
    def function_score(self) -> float | None:
        return psfs_score(self.ratings)


@dataclass(frozen=True)
class SessionForm:
    """The raw values from the form; anything may be wrong with them."""

    session_on: object
    pain: object
    stress: object
    ratings: dict[int, object]
    adherence: dict[int, object]
    notes: object = ""
    questionnaires: dict[str, list[object]] = field(default_factory=dict)


def _score(raw: object, label: str, high: int, required: bool) -> tuple[int | None, str | None]:
    try:
        value = parse_whole_number(raw, label)
    except NumberError as exc:
        return None, str(exc)
    if value is None:
        return None, (f"{label} is required." if required else None)
    if not 0 <= value <= high:
        return None, f"{label} must be between 0 and {high}."
    return value, None


def parse_session(
    form: SessionForm, *, today: dt.date, episode: EpisodeDates,
    activity_ids: set[int], plan_item_ids: set[int], optional_activity_ids: set[int] | None = None,
) -> tuple[SessionInput | None, dict[str, str]]:
    """The session, or every problem keyed by field ("date", "pain", "rating-3", "q-PHQ9-9").
    ``episode``: the episode of care the session belongs to; its date must fall within it.
    ``optional_activity_ids``: activities that may be left blank. An edit of an old session
    leaves unrated the client's activities added since: a rating for that day would be
    made up, and a PSFS change is read only on activities rated at both ends."""
    errors: dict[str, str] = {}
    session_on = None
    if form.session_on in (None, ""):
        errors["date"] = "Give the date of the session."
    else:
        try:
            session_on = parse_day(form.session_on)
        except ValueError:
            errors["date"] = DAY_HINT
    if session_on is not None:
        if session_on > today:
            errors["date"] = "The session date cannot be in the future."
        elif (problem := session_date_problem(session_on, episode)) is not None:
            errors["date"] = problem
    pain, problem = _score(form.pain, "Pain", 10, True)
    if problem:
        errors["pain"] = problem
    stress, problem = _score(form.stress, "Stress", 10, True)
    if problem:
        errors["stress"] = problem
    ratings: dict[int, int] = {}
    for activity_id in sorted(activity_ids):
        value, problem = _score(form.ratings.get(activity_id), "This rating", 10,
                                activity_id not in (optional_activity_ids or set()))
        if problem:
            errors[f"rating-{activity_id}"] = problem
        elif value is not None:
            ratings[activity_id] = value
    adherence: dict[int, int] = {}
    for item_id, raw in form.adherence.items():
        if item_id not in plan_item_ids:
            errors["adherence"] = "The plan has changed; reload the page."
            continue
        value, problem = _score(raw, "Days done", 7, False)
        if problem:
            errors[f"adherence-{item_id}"] = problem
        elif value is not None:
            adherence[item_id] = value
    notes = form.notes if isinstance(form.notes, str) else ""
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Notes are limited to {MAX_NOTES} characters ({len(notes)} now)."
    elif has_control(notes, multiline=True):
        errors["notes"] = CONTROL_MESSAGE
    questionnaires: dict[str, list[int]] = {}
    signal, unscored = None, []
    for key, answers in form.questionnaires.items():
        instrument = INSTRUMENTS.get(key)
        if instrument is None:
            errors["questionnaires"] = "Unknown questionnaire."
            continue
        problems = answer_problems(instrument, answers)
        answer = self_harm_answer(key, answers)
        if problems and answer is not None:
            # The rest may be refused; the safety signal may not be lost: the session is
            # saved with the item 9 answer (raising the alert) and this PHQ-9 unscored.
            signal = answer
            unscored.append(key)
            continue
        for item, message in problems.items():
            errors[f"q-{key}-{item}"] = message
        if not problems:
            questionnaires[key] = [int(v) for v in answers]  # type: ignore[call-overload]
    if errors or session_on is None or pain is None or stress is None:
        return None, errors
    return SessionInput(session_on, pain, stress, ratings, adherence, notes.strip(),
                        questionnaires, signal, tuple(unscored)), {}


def parse_acknowledgement(action: object, note: object) -> tuple[str, str, dict[str, str]]:
    errors = {}
    if action not in ALERT_ACTIONS:
        errors["action"] = "Choose the action taken."
    text = note.strip() if isinstance(note, str) else ""
    if len(text) > 2000:
        errors["note"] = "The note is limited to 2000 characters."
    elif has_control(text, multiline=True):
        errors["note"] = CONTROL_MESSAGE
    return str(action), text, errors


# The Patient-Specific Functional Scale as published (Stratford et al. 1995): the client
# names 3 to 5 activities they find hard; the score is the mean of their ratings.
MIN_ACTIVITIES, MAX_ACTIVITIES = 3, 5


def clean_activities(raw: object) -> tuple[list[str], str | None]:
    """The client's PSFS activities, one per line: three to five, each named once."""
    text = raw if isinstance(raw, str) else ""
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if len(names) < MIN_ACTIVITIES:
        return [], (f"Name {MIN_ACTIVITIES} to {MAX_ACTIVITIES} activities the client finds "
                    f"hard because of their back ({len(names)} now).")
    if len(names) > MAX_ACTIVITIES:
        return [], f"Choose at most {MAX_ACTIVITIES} activities."
    if any(len(n) > 200 for n in names):
        return [], "Keep each activity under 200 characters."
    if any(has_control(n) for n in names):
        return [], CONTROL_MESSAGE
    if len({n.lower() for n in names}) != len(names):
        return [], "Each activity once, please."
    return names, None
