"""The database's own consistency checks: what a backup, a crash or a restore must keep.

Foreign keys hold (SQLite checks them only when asked; PostgreSQL always), every session
lies within its episode's dates, every plan version has its items, and every client's
summary columns (baseline, latest pain, status, due date) say what their sessions say,
judged by the same ``refresh_client_summary`` the app writes them with, and the clinic
figures kept per day (clinic_figures.py) equal the same figures computed from scratch.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from dashboard.db.clinic_figures import compute_figures, stored_figures
from dashboard.db.models import CareSession, Client, Episode, PlanItem, PlanVersion
from dashboard.db.summary import refresh_client_summary

SUMMARY_COLUMNS = ("baseline_on", "baseline_pain", "last_session_on", "latest_pain", "status",
                   "next_due_on", "episode_state", "current_plan_version_id",
                   "current_strategy_keys")


def consistency_problems(session: Session) -> list[str]:
    """What is inconsistent, one line each; empty when all is well. Changes nothing (the
    summaries are recomputed and then rolled back)."""
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        problems += [f"foreign key broken: {tuple(row)}"
                     for row in session.execute(text("PRAGMA foreign_key_check"))]
    outside = session.scalars(
        select(CareSession.id).join(Episode, Episode.id == CareSession.episode_id).where(
            CareSession.deleted_at.is_(None),
            or_(CareSession.session_on < Episode.started_on,
                and_(Episode.ended_on.is_not(None), CareSession.session_on > Episode.ended_on))))
    problems += [f"session {sid} outside its episode's dates" for sid in outside]
    empty = session.scalars(select(PlanVersion.id).where(
        ~select(PlanItem.id).where(PlanItem.plan_version_id == PlanVersion.id).exists()))
    problems += [f"plan version {vid} has no items" for vid in empty]
    # Recomputed on the loaded rows and never flushed (a read session refuses to write),
    # then dropped by the rollback.
    with session.no_autoflush:
        for client in session.scalars(select(Client).where(Client.erased_at.is_(None))):
            stored = {c: getattr(client, c) for c in SUMMARY_COLUMNS}
            refresh_client_summary(session, client)
            expected = {c: getattr(client, c) for c in SUMMARY_COLUMNS}
            if stored != expected:
                differing = sorted(c for c in SUMMARY_COLUMNS if stored[c] != expected[c])
                problems.append(
                    f"client {client.id}: summary differs from sessions ({differing})")
        problems += clinic_figure_problems(session)
    session.rollback()
    return problems


def clinic_figure_problems(session: Session) -> list[str]:
    """Each stored row of the clinic figures that differs from the sources, or is missing."""
    stored, expected = stored_figures(session), compute_figures(session)
    problems = []
    for table in ("days", "strategies", "practitioners", "caseloads"):
        have, want = getattr(stored, table), getattr(expected, table)
        problems += [f"clinic figures ({table}) {key}: stored {have.get(key)}, "
                     f"from the sources {want.get(key)}"
                     for key in sorted(have.keys() | want.keys(), key=str)
                     if have.get(key) != want.get(key)]
    return problems
