"""Measures the client completes at home, on their own page, before a session.

The practitioner assigns a questionnaire (PHQ-9, GAD-7, PSS-10: their wording, answers
and scoring are ``domain.questionnaires``, the same as in a session) and how often it is
due. Measurement-based care asks for these before each appointment or at a fixed interval
(Greenspace, NovoPsych and SimplePractice send them by link before every session); the
PHQ-9 and GAD-7 were validated over "the last 2 weeks" and the PSS-10 over "the last month",
which is why the choices stop at every 4 weeks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dashboard.domain.questionnaires import INSTRUMENTS, SELF_HARM_ITEM, Instrument

# The instruments a client may complete at home, in the order the pages list them.
HOME_INSTRUMENTS: tuple[str, ...] = ("PHQ9", "GAD7", "PSS10")

# How often: every session (due again once a session has happened since the last
# completion), or every 1, 2 or 4 weeks after the last completion.
FREQUENCIES: dict[str, str] = {
    "session": "Before every session",
    "1w": "Every week",
    "2w": "Every 2 weeks",
    "4w": "Every 4 weeks",
}
NOT_ASSIGNED = "none"
_WEEKS = {"1w": 1, "2w": 2, "4w": 4}

# The client's own PSFS activities (domain/psfs.py) rated at home: weekly only (issue 22).
# The PSFS asks about function "today" and its change is read between two ratings of the
# same activities (Stratford et al. 1995): a week apart gives the practitioner a reading
# between sessions without asking the client more often than function moves.
HOME_FUNCTION = "PSFS"
FUNCTION_FREQUENCIES: dict[str, str] = {"1w": "Every week"}
# Everything a practitioner can assign for home, in the pages' order.
ASSIGNABLE: tuple[str, ...] = (*HOME_INSTRUMENTS, HOME_FUNCTION)
ASSIGNABLE_NAMES: dict[str, str] = {
    HOME_FUNCTION: "Patient-Specific Functional Scale (PSFS): the client's own activities"}


def can_be_done(key: str, *, activities: int) -> bool:
    """Whether the client can do this measure now: the PSFS needs activities of their own
    to rate (named at a session; all retired since, there is nothing to ask)."""
    return key != HOME_FUNCTION or activities > 0


def frequencies_for(key: str) -> dict[str, str]:
    """The frequencies a practitioner may choose for this home measure."""
    return FUNCTION_FREQUENCIES if key == HOME_FUNCTION else FREQUENCIES

# What each questionnaire asks about, as its published instructions word it.
PERIODS: dict[str, str] = {
    "PHQ9": "Over the last 2 weeks, how often have you been bothered by any of the "
            "following problems?",
    "GAD7": "Over the last 2 weeks, how often have you been bothered by the following "
            "problems?",
    "PSS10": "In the last month, how often have you…",
}


def clean_frequencies(form: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The frequency chosen for each home measure (``none`` when not assigned), from the
    practitioner's form fields ``every-<KEY>``; problems by instrument key. A missing field
    means not assigned; anything else not offered is refused."""
    chosen: dict[str, str] = {}
    problems: dict[str, str] = {}
    for key in ASSIGNABLE:
        value = form.get(f"every-{key}", NOT_ASSIGNED)
        if value != NOT_ASSIGNED and value not in frequencies_for(key):
            problems[key] = "Choose how often from the list."
        else:
            chosen[key] = value
    return chosen, problems


def is_due(every: str, *, assigned_on: dt.date, last_completed_on: dt.date | None,
           last_session_on: dt.date | None, today: dt.date) -> bool:
    """Whether an assigned measure is "To do" today.

    Never completed: due from the day it is assigned. Every session: due again once a
    session has happened on or after the day of the last completion (a completion on the
    morning of a session counts for that session; the next one is for the next session).
    Every N weeks: due again N weeks after the last completion.
    """
    if today < assigned_on:
        return False
    if last_completed_on is None:
        return True
    if every == "session":
        return last_session_on is not None and last_session_on >= last_completed_on
    return today >= last_completed_on + dt.timedelta(weeks=_WEEKS[every])


# Where a questionnaire was given: at a session (asked by the practitioner) or at home on
# the client's own page. Both are the same instrument scored by the same code, so they are
# one series (progress, reliable change, the discharge summary), each point marked.
SOURCE_SESSION = "session"
SOURCE_HOME = "client_home"
SOURCE_LABELS = {SOURCE_SESSION: "at a session", SOURCE_HOME: "at home (client)"}


@dataclass(frozen=True)
class QuestionnaireScore:
    """One questionnaire's total: which, when, and where it was given."""

    on: dt.date
    instrument: str
    total: int
    source: str = SOURCE_SESSION
    band: str | None = None

    @property
    def by_client(self) -> bool:
        return self.source == SOURCE_HOME


def in_time_order(scores: Iterable[QuestionnaireScore]) -> list[QuestionnaireScore]:
    """Sessions and home in one series, by day. On the same day the one completed at home
    comes first: it is asked for before the session (a completion after a session on the
    same day is rare, and its order then is a matter of hours). Otherwise the caller's
    order is kept (sessions by date and id, home by when completed)."""
    return sorted(scores, key=lambda s: (s.on, 0 if s.source == SOURCE_HOME else 1))


def totals_by_instrument(scores: Iterable[QuestionnaireScore]) -> dict[str, list[int]]:
    """Each questionnaire's totals in time order, whatever the source (for
    ``domain.outcomes.episode_outcome``: first and latest)."""
    totals: dict[str, list[int]] = {}
    for s in in_time_order(scores):
        totals.setdefault(s.instrument, []).append(s.total)
    return totals


@dataclass(frozen=True)
class HomeAnswers:
    """A questionnaire as the client sent it: the valid answers by 1-based item, the items
    left unanswered, and any that were not one of the answers offered."""

    instrument: Instrument
    answers: dict[int, int]
    missing: tuple[int, ...]
    invalid: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.invalid

    def as_list(self) -> list[int]:
        """Item 1 first; only for a complete questionnaire (``domain.questionnaires.score``)."""
        return [self.answers[n] for n in range(1, len(self.instrument.items) + 1)]

    @property
    def self_harm_answer(self) -> int | None:
        """PHQ-9 item 9 if it was answered, whatever else was left out: any answer above 0
        raises the practitioner's alert at once (the same rule as in a session)."""
        if self.instrument.key != "PHQ9":
            return None
        return self.answers.get(SELF_HARM_ITEM)

    def problems(self) -> dict[int, str]:
        """A message per item, naming it, for the page."""
        messages = {n: f"Item {n} is not answered." for n in self.missing}
        messages.update({n: f"Item {n}: choose one of the answers given."
                         for n in self.invalid})
        return dict(sorted(messages.items()))


def parse_home_answers(instrument_key: str, form: Mapping[str, Sequence[str]]) -> HomeAnswers:
    """The client's answers from form fields ``item-<n>`` (each one of ``0..max_answer`` as
    the radio buttons send it). Nothing else of the form is read; a field sent twice or
    with anything but one plain digit in range is refused for that item."""
    instrument = INSTRUMENTS[instrument_key]
    answers: dict[int, int] = {}
    missing: list[int] = []
    invalid: list[int] = []
    allowed = {str(v): v for v in range(instrument.max_answer + 1)}
    for number in range(1, len(instrument.items) + 1):
        values = [v for v in form.get(f"item-{number}", []) if v != ""]
        if not values:
            missing.append(number)
        elif len(values) > 1 or values[0] not in allowed:
            invalid.append(number)
        else:
            answers[number] = allowed[values[0]]
    return HomeAnswers(instrument, answers, tuple(missing), tuple(invalid))
