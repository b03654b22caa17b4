"""Questionnaire outcomes in the database: each episode's totals read once, the categories
from dashboard.domain.outcomes, frozen on the episode at discharge and kept on the client
(for the client list's filter) whenever a session changes.

Written with core SQL on named columns only, so the migration that added these columns can
use the same code to fill them for the rows already there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, select
from sqlalchemy.orm import Session

from dashboard.db import clinic_figures
from dashboard.db.access import visible_clients
from dashboard.db.clinic_figures import add_sums, discharge_sums
from dashboard.db.models import (
    CareSession,
    Client,
    Episode,
    HomeMeasureResponse,
    PlanVersion,
    QuestionnaireAnswer,
    Strategy,
    User,
)
from dashboard.domain.access import CurrentUser
from dashboard.domain.measures import (
    SOURCE_HOME,
    SOURCE_SESSION,
    QuestionnaireScore,
    in_time_order,
    totals_by_instrument,
)
from dashboard.domain.outcomes import (
    EpisodeOutcome,
    GroupOutcomes,
    episode_outcome,
)
from dashboard.domain.plans import strategy_keys_of
from dashboard.domain.questionnaires import INSTRUMENTS, answer_problems, score

# Instrument key -> the episode's column suffix.
COLUMN_KEYS = {"PHQ9": "phq9", "GAD7": "gad7", "PSS10": "pss10"}


def questionnaire_scores(session: Session, episode_ids: Iterable[int] | None = None, *,
                         with_home: bool = True) -> dict[int, list[QuestionnaireScore]]:
    """Episode -> every complete questionnaire given in it, at a session (deleted sessions
    left out) or at home on the client's own page, in time order (domain.measures). None
    reads every episode (the demo and the migration that added the outcome columns, which
    runs before home questionnaires existed: ``with_home=False``)."""
    cs, qa = CareSession.__table__.c, QuestionnaireAnswer.__table__.c
    query = (select(cs.episode_id, cs.id, cs.session_on, qa.instrument, qa.value)
             .join_from(QuestionnaireAnswer.__table__, CareSession.__table__,
                        cs.id == qa.session_id)
             .where(cs.deleted_at.is_(None))
             .order_by(cs.episode_id, cs.session_on, cs.id, qa.instrument, qa.item))
    hr = HomeMeasureResponse.__table__.c
    home = (select(hr.episode_id, hr.completed_on, hr.instrument, hr.total, hr.band)
            .order_by(hr.episode_id, hr.completed_at, hr.id))
    if episode_ids is not None:
        wanted = list(episode_ids)
        if not wanted:
            return {}
        query = query.where(cs.episode_id.in_(wanted))
        home = home.where(hr.episode_id.in_(wanted))
    answers: dict[tuple[int, int, dt.date, str], list[int]] = {}
    for episode_id, session_id, on, instrument, value in session.execute(query):
        answers.setdefault((episode_id, session_id, on, instrument), []).append(value)
    scores: dict[int, list[QuestionnaireScore]] = {}
    for (episode_id, _sid, on, instrument), values in answers.items():  # in time order
        if answer_problems(INSTRUMENTS[instrument], values):
            continue  # an incomplete questionnaire has no total
        result = score(instrument, values)
        scores.setdefault(episode_id, []).append(
            QuestionnaireScore(on, instrument, result.total, SOURCE_SESSION, result.band))
    if with_home:
        for episode_id, on, instrument, total, band in session.execute(home):
            scores.setdefault(episode_id, []).append(
                QuestionnaireScore(on, instrument, total, SOURCE_HOME, band))
    return {eid: in_time_order(found) for eid, found in scores.items()}


def questionnaire_totals(session: Session, episode_ids: Iterable[int] | None = None, *,
                         with_home: bool = True) -> dict[int, dict[str, list[int]]]:
    """Episode -> instrument -> totals in time order, sessions and home together."""
    return {eid: totals_by_instrument(found) for eid, found in questionnaire_scores(
        session, episode_ids, with_home=with_home).items()}


def outcome_columns(outcome: EpisodeOutcome) -> dict[str, object]:
    """The episode's questionnaire figures as frozen at discharge: the first score, the
    latest only when given at least twice (so a missing latest means 'not judged')."""
    columns: dict[str, object] = {}
    for measure in outcome.measures:
        suffix = COLUMN_KEYS[measure.instrument]
        columns[f"baseline_{suffix}"] = measure.first
        columns[f"discharge_{suffix}"] = measure.latest if measure.change is not None else None
    columns["reliable_change"] = outcome.reliable_change
    columns["recovered"] = outcome.recovered
    return columns


def client_columns(outcome: EpisodeOutcome) -> dict[str, object]:
    return {"reliable_change": outcome.reliable_change, "recovered": outcome.recovered}


def episode_questionnaires(session: Session, episode_id: int) -> EpisodeOutcome:
    return episode_outcome(questionnaire_totals(session, [episode_id]).get(episode_id, {}))


def refresh_all_questionnaire_outcomes(session: Session, *, with_home: bool = True,
                                       home_clients_only: bool = False) -> None:
    """Every discharged episode's frozen questionnaire figures and every client's current
    ones, from the answers (the demo after its bulk load; the migrations).
    ``home_clients_only``: only clients with a questionnaire completed at home."""
    ep = Episode.__table__.c
    query = select(ep.id, ep.client_id, ep.ended_on, ep.started_on)
    if home_clients_only:
        query = query.where(ep.client_id.in_(select(HomeMeasureResponse.__table__.c.client_id)))
    episodes = session.execute(query).all()
    if not episodes:
        return
    totals = questionnaire_totals(session, [e.id for e in episodes] if home_clients_only
                                  else None, with_home=with_home)
    frozen: list[dict[str, object]] = []
    current: dict[int, tuple[tuple, EpisodeOutcome]] = {}
    for eid, client_id, ended_on, started_on in episodes:
        outcome = episode_outcome(totals.get(eid, {}))
        if ended_on is not None:
            frozen.append({"episode": eid, **outcome_columns(outcome)})
        # The client's current episode: the open one, else the latest (as summary.py).
        rank = (ended_on is None, started_on, eid)
        if client_id not in current or rank > current[client_id][0]:
            current[client_id] = (rank, outcome)
    table, clients = cast(Table, Episode.__table__), cast(Table, Client.__table__)
    if frozen:
        session.execute(table.update().where(table.c.id == bindparam("episode")), frozen)
    if current:
        session.execute(clients.update().where(clients.c.id == bindparam("client")),
                        [{"client": cid, **client_columns(outcome)}
                         for cid, (_rank, outcome) in current.items()])


def frozen_questionnaires(episode: Episode) -> EpisodeOutcome:
    """The questionnaires as frozen at discharge (what the clinic figures count)."""
    totals = {}
    for key, suffix in COLUMN_KEYS.items():
        first = getattr(episode, f"baseline_{suffix}")
        latest = getattr(episode, f"discharge_{suffix}")
        totals[key] = [] if first is None else [first] if latest is None else [first, latest]
    return episode_outcome(totals)


def _group(name: str, totals: Any) -> GroupOutcomes:
    (n, improved, change, changes, sessions, with_sessions, pain_judged, judged, better,
     worse, cases, recovered, pain, pains, phq9, phq9s) = totals

    def mean(total: float, count: float) -> float | None:
        return round(total / count, 1) if count else None

    return GroupOutcomes(name, int(n), int(improved), mean(change, changes),
                         mean(sessions, with_sessions), int(pain_judged), int(judged),
                         int(better), int(worse), int(cases), int(recovered),
                         mean(pain, pains), mean(phq9, phq9s))


def _discharged(user: CurrentUser, start: dt.date, end: dt.date,
                practitioner_id: int | None) -> list[ColumnElement[bool]]:
    conditions = [Episode.ended_on.between(start, end), visible_clients(user)]
    if practitioner_id:
        conditions.append(Client.practitioner_id == practitioner_id)
    return conditions


def clinic_outcomes(session: Session, user: CurrentUser, *, start: dt.date, end: dt.date,
                    practitioner_id: int | None = None, label: str = "Whole clinic"
                    ) -> GroupOutcomes:
    """Every episode discharged in the range that this user may see, as one group."""
    row = session.execute(
        select(*discharge_sums()).select_from(Episode)
        .join(Client, Client.id == Episode.client_id)
        .where(*_discharged(user, start, end, practitioner_id))).one()
    return _group(label, row)


def discharge_outcomes(
    session: Session, user: CurrentUser, *, start: dt.date, end: dt.date,
    practitioner_id: int | None = None,
) -> tuple[list[GroupOutcomes], list[GroupOutcomes]]:
    """Episodes discharged in the range among the clients this user may see, by practitioner
    and by each strategy of the plan they ended on (an episode with three strategies counts
    under each), from the figures frozen at discharge. The whole clinic (an admin, nobody
    chosen) adds up the sums kept per day (clinic_figures.py); one caseload is aggregated
    from its episodes."""
    if not user.is_admin or practitioner_id:
        return discharge_outcomes_from_rows(session, user, start=start, end=end,
                                            practitioner_id=practitioner_id)
    names = dict(session.execute(select(Strategy.key, Strategy.name)).all())
    return _ordered(
        [_group(name, sums) for name, sums in
         clinic_figures.discharged_by_practitioner(session, start, end)],
        [_group(names[key], sums) for key, sums in
         clinic_figures.discharged_by_strategy(session, start, end).items() if key in names])


def _ordered(by_practitioner: list[GroupOutcomes], by_strategy: list[GroupOutcomes]
             ) -> tuple[list[GroupOutcomes], list[GroupOutcomes]]:
    order = lambda g: (-g.discharged, g.group)  # noqa: E731 - most discharges first
    return sorted(by_practitioner, key=order), sorted(by_strategy, key=order)


def discharge_outcomes_from_rows(
    session: Session, user: CurrentUser, *, start: dt.date, end: dt.date,
    practitioner_id: int | None = None,
) -> tuple[list[GroupOutcomes], list[GroupOutcomes]]:
    """``discharge_outcomes`` aggregated in SQL from the episodes themselves: for one
    caseload, and what the whole clinic's figures must equal (tests/db/
    test_clinic_figures.py). One GROUP BY for the practitioners, one per strategy mix."""
    discharged = _discharged(user, start, end, practitioner_id)
    by_practitioner = [
        _group(row[0], row[1:]) for row in session.execute(
            select(User.name, *discharge_sums())
            .join(Client, Client.id == Episode.client_id)
            .join(User, User.id == Client.practitioner_id)
            .where(*discharged).group_by(User.id, User.name))]
    # One GROUP BY per strategy mix (",heat,stretch,": a few dozen), added up per strategy
    # here: each LIKE '%,key,%' per episode and figure cost ten times as much in SQLite.
    by_mix = session.execute(
        select(PlanVersion.strategy_keys, *discharge_sums()).select_from(Episode)
        .join(Client, Client.id == Episode.client_id)
        .join(PlanVersion, PlanVersion.id == Episode.final_plan_version_id)
        .where(*discharged).group_by(PlanVersion.strategy_keys)).all()
    totals: dict[str, list[int]] = {}
    for row in by_mix:
        for key in strategy_keys_of(row[0]):
            totals[key] = add_sums(totals.get(key), row[1:])
    names = dict(session.execute(select(Strategy.key, Strategy.name)).all())
    return _ordered(by_practitioner, [_group(names[key], sums) for key, sums in totals.items()
                                      if key in names])
