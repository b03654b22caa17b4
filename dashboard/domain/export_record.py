"""A client's current episode as plain data for machine exports (the FHIR Bundle): what the
database holds, read once, with no Dash and no SQL. ``dashboard.db.export`` fills it;
``dashboard.fhir`` turns it into resources."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.domain.dose import Dose


@dataclass(frozen=True)
class PlanItemRecord:
    part_name: str
    strategy_name: str
    instructions: str
    dose: Dose
    # The days the client ticked this part done on their own page.
    done_at_home: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class GoalRecord:
    id: int
    description: str
    pain_target: int | None  # None: an activity goal ("carry my shopping")
    target_on: dt.date | None
    met: bool | None = None  # ticked at discharge; None until then


@dataclass(frozen=True)
class PlanRecord:
    id: int
    version: int
    effective_on: dt.date
    created_at: dt.datetime
    notes: str
    items: tuple[PlanItemRecord, ...]
    goals: tuple[GoalRecord, ...]


@dataclass(frozen=True)
class SessionRecord:
    id: int
    session_on: dt.date
    pain: int
    stress: int
    function: float | None
    questionnaires: dict[str, list[int]] = field(default_factory=dict)
    # The Patient-Specific Functional Scale: (activity, score 0-10) as rated that day.
    ratings: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class HomeReportRecord:
    """A day the client logged at home on their own page (reported by the client)."""

    log_on: dt.date
    pain: int | None
    stress: int | None


@dataclass(frozen=True)
class HomeQuestionnaireRecord:
    """A questionnaire the client completed at home on their own page, item by item."""

    id: int
    instrument: str
    completed_on: dt.date
    answers: tuple[int, ...]


@dataclass(frozen=True)
class HomeFunctionRecord:
    """The client's PSFS ratings of their own activities made at home on their own page:
    (activity name, 0-10) in the client's order, and their mean."""

    id: int
    completed_on: dt.date
    ratings: tuple[tuple[str, int], ...]
    score: float


@dataclass(frozen=True)
class EpisodeRecord:
    id: int
    started_on: dt.date
    ended_on: dt.date | None  # set at discharge
    discharge_reason: str | None = None
    discharge_pain: int | None = None  # frozen at discharge

    @property
    def discharged(self) -> bool:
        return self.ended_on is not None


@dataclass(frozen=True)
class ClientRecord:
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    email: str
    phone: str
    status: str
    latest_pain: int | None
    plans: tuple[PlanRecord, ...]
    sessions: tuple[SessionRecord, ...]
    episode: EpisodeRecord | None = None
    home_reports: tuple[HomeReportRecord, ...] = ()
    home_questionnaires: tuple[HomeQuestionnaireRecord, ...] = ()
    home_function: tuple[HomeFunctionRecord, ...] = ()
