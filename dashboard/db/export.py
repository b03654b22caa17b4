"""Reading a client's whole record for export, as plain data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.access import visible_clients
from dashboard.db.home_log import home_entries
from dashboard.db.measures import home_function_responses
from dashboard.db.models import (
    CareSession,
    Client,
    FunctionalActivity,
    FunctionalRating,
    HomeLogEntry,
    HomeLogTick,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    PlanVersion,
    QuestionnaireAnswer,
)
from dashboard.db.summary import current_episode
from dashboard.domain.access import CurrentUser
from dashboard.domain.dose import Dose
from dashboard.domain.export_record import (
    ClientRecord,
    EpisodeRecord,
    GoalRecord,
    HomeFunctionRecord,
    HomeQuestionnaireRecord,
    HomeReportRecord,
    PlanItemRecord,
    PlanRecord,
    SessionRecord,
)


def client_record(session: Session, *, client: Client) -> ClientRecord:
    """The client's current episode (the open one, else the latest): its state, every plan
    version, every session kept (not deleted) with its questionnaires and PSFS ratings, and
    what the client did at home: days logged, questionnaires, PSFS ratings."""
    episode = current_episode(session, client.id)
    plans: list[PlanRecord] = []
    sessions: list[SessionRecord] = []
    home: tuple[HomeReportRecord, ...] = ()
    home_questionnaires: tuple[HomeQuestionnaireRecord, ...] = ()
    home_function: tuple[HomeFunctionRecord, ...] = ()
    episode_record = None
    if episode is not None:
        episode_record = EpisodeRecord(episode.id, episode.started_on, episode.ended_on,
                                       episode.discharge_reason, episode.discharge_pain)
        home = tuple(HomeReportRecord(e.log_on, e.pain, e.stress)
                     for e in home_entries(session, client_id=client.id, episode_id=episode.id))
        home_questionnaires = home_questionnaire_records(session, episode_id=episode.id)
        home_function = home_function_records(session, episode_id=episode.id)
        done_at_home: dict[int, list[dt.date]] = {}
        for item_id, day in session.execute(
                select(HomeLogTick.plan_item_id, HomeLogEntry.log_on)
                .join(HomeLogEntry, HomeLogEntry.id == HomeLogTick.entry_id)
                .where(HomeLogEntry.episode_id == episode.id)
                .order_by(HomeLogEntry.log_on)):
            done_at_home.setdefault(item_id, []).append(day)
        for plan in session.scalars(select(PlanVersion).where(
                PlanVersion.episode_id == episode.id).order_by(PlanVersion.version)):
            plans.append(PlanRecord(
                plan.id, plan.version, plan.effective_on, plan.created_at, plan.notes,
                tuple(PlanItemRecord(i.part_name, i.strategy_name, i.instructions,
                                     Dose.from_columns(i), tuple(done_at_home.get(i.id, ())))
                      for i in plan.items),
                tuple(GoalRecord(g.id, g.description, g.pain_target, g.target_on, g.met)
                      for g in plan.goals)))
        kept = (CareSession.episode_id == episode.id, CareSession.deleted_at.is_(None))
        answers: dict[int, dict[str, list[int]]] = {}
        for sid, instrument, value in session.execute(
                select(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                       QuestionnaireAnswer.value)
                .join(CareSession, CareSession.id == QuestionnaireAnswer.session_id)
                .where(*kept)
                .order_by(QuestionnaireAnswer.session_id, QuestionnaireAnswer.instrument,
                          QuestionnaireAnswer.item)):
            answers.setdefault(sid, {}).setdefault(instrument, []).append(value)
        ratings: dict[int, list[tuple[str, int]]] = {}
        for sid, name, score in session.execute(
                select(FunctionalRating.session_id, FunctionalActivity.name,
                       FunctionalRating.score)
                .join(FunctionalActivity, FunctionalActivity.id == FunctionalRating.activity_id)
                .join(CareSession, CareSession.id == FunctionalRating.session_id)
                .where(*kept)
                .order_by(FunctionalRating.session_id, FunctionalActivity.position,
                          FunctionalActivity.id)):
            ratings.setdefault(sid, []).append((name, score))
        for care in session.scalars(select(CareSession).where(*kept)
                                    .order_by(CareSession.session_on, CareSession.id)):
            sessions.append(SessionRecord(care.id, care.session_on, care.pain, care.stress,
                                          care.function_score, answers.get(care.id, {}),
                                          tuple(ratings.get(care.id, ()))))
    return ClientRecord(client.id, client.given_name, client.family_name, client.date_of_birth,
                        client.email, client.phone, client.status, client.latest_pain,
                        tuple(plans), tuple(sessions), episode_record, home,
                        home_questionnaires, home_function)


def home_questionnaire_records(session: Session, *,
                               episode_id: int) -> tuple[HomeQuestionnaireRecord, ...]:
    """The episode's questionnaires completed at home, oldest first, item by item."""
    items: dict[int, list[int]] = {}
    for response_id, value in session.execute(
            select(HomeMeasureAnswer.response_id, HomeMeasureAnswer.value)
            .join(HomeMeasureResponse, HomeMeasureResponse.id == HomeMeasureAnswer.response_id)
            .where(HomeMeasureResponse.episode_id == episode_id)
            .order_by(HomeMeasureAnswer.response_id, HomeMeasureAnswer.item)):
        items.setdefault(response_id, []).append(value)
    return tuple(HomeQuestionnaireRecord(r.id, r.instrument, r.completed_on,
                                         tuple(items.get(r.id, ())))
                 for r in session.scalars(select(HomeMeasureResponse).where(
                     HomeMeasureResponse.episode_id == episode_id)
                     .order_by(HomeMeasureResponse.completed_at, HomeMeasureResponse.id)))


def home_function_records(session: Session, *,
                          episode_id: int) -> tuple[HomeFunctionRecord, ...]:
    """The episode's PSFS ratings made at home, oldest first, activity by activity."""
    return tuple(HomeFunctionRecord(rid, r.on, r.ratings, r.score or 0.0)
                 for rid, r in home_function_responses(session, episode_id=episode_id))


def visible_client_ids(session: Session, user: CurrentUser) -> list[int]:
    return list(session.scalars(
        select(Client.id).where(visible_clients(user), Client.erased_at.is_(None))
        .order_by(Client.id)))


def exportable_client_ids(session: Session) -> list[int]:
    """Every client the clinic holds a record for (the command line's --all): erased
    clients have no record left to send."""
    return list(session.scalars(
        select(Client.id).where(Client.erased_at.is_(None)).order_by(Client.id)))
