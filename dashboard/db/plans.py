"""Plan versions: reading the current plan and its history, saving a new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.db.models import Episode, Goal, PlanItem, PlanVersion, StrategyPart, User
from dashboard.domain.dose import Dose
from dashboard.domain.plans import (
    GoalDraft,
    PlanDraft,
    PlanItemDraft,
    PlanSnapshot,
    strategy_keys_text,
)


@dataclass(frozen=True)
class VersionInfo:
    id: int
    version: int
    effective_on: dt.date
    created_at: dt.datetime
    created_by: str
    snapshot: PlanSnapshot


def snapshot_of(version: PlanVersion) -> PlanSnapshot:
    return PlanSnapshot(
        version=version.version,
        items=tuple(PlanItemDraft(i.part_id, i.part_name, i.strategy_name, Dose.from_columns(i))
                    for i in version.items),
        review_interval_days=version.review_interval_days,
        notes=version.notes,
        goals=tuple(GoalDraft(g.description, g.pain_target, g.target_on) for g in version.goals),
    )


def plan_history(session: Session, episode_id: int, limit: int | None = None,
                 version: int | None = None) -> list[VersionInfo]:
    """The episode's plan versions, newest first (the latest ``limit``, or one ``version``)."""
    query = (select(PlanVersion, User.name).join(User, User.id == PlanVersion.created_by_id)
             .where(PlanVersion.episode_id == episode_id).order_by(PlanVersion.version.desc()))
    if version is not None:
        query = query.where(PlanVersion.version == version)
    rows = session.execute(query.limit(limit)).all()
    return [VersionInfo(v.id, v.version, v.effective_on, v.created_at, name, snapshot_of(v))
            for v, name in rows]


def get_version(session: Session, episode_id: int, version: int) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(
        PlanVersion.episode_id == episode_id, PlanVersion.version == version))


def current_version(session: Session, episode_id: int) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(PlanVersion.episode_id == episode_id)
                          .order_by(PlanVersion.version.desc()).limit(1))


def save_plan_version(
    session: Session, *, episode_id: int, draft: PlanDraft, user_id: int, today: dt.date
) -> PlanVersion:
    """Add the next version, copying each part's current catalogue wording and picture (by
    its hash) into the plan."""
    # Two saves of one episode's plan at once (two tabs, two practitioners): the episode row
    # is locked first, so the second waits and numbers its version after the first instead
    # of failing on the unique (episode, version) key. PostgreSQL; SQLite's BEGIN IMMEDIATE
    # already runs one writer at a time (FOR UPDATE is left out there).
    session.execute(select(Episode.id).where(Episode.id == episode_id).with_for_update())
    number = (session.scalar(select(func.max(PlanVersion.version))
                             .where(PlanVersion.episode_id == episode_id)) or 0) + 1
    parts = {p.id: p for p in session.scalars(
        select(StrategyPart).where(StrategyPart.id.in_([i.part_id for i in draft.items])))}
    version = PlanVersion(episode_id=episode_id, version=number, effective_on=today,
                          review_interval_days=draft.review_interval_days or 14,
                          notes=draft.notes.strip(), created_by_id=user_id)
    for position, item in enumerate(draft.items, start=1):
        part = parts[item.part_id]
        version.items.append(PlanItem(
            part_id=part.id, part_revision=part.revision, strategy_key=part.strategy.key,
            strategy_name=part.strategy.name, part_name=part.name,
            instructions=part.instructions, cautions=part.cautions, position=position,
            picture_sha256=part.picture_sha256, picture_alt=part.picture_alt,
            **item.dose.as_columns()))
    for goal in draft.goals:
        version.goals.append(Goal(description=goal.description.strip(),
                                  pain_target=goal.pain_target, target_on=goal.target_on))
    version.strategy_keys = strategy_keys_text([i.strategy_key for i in version.items])
    session.add(version)
    session.flush()
    return version
