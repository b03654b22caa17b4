"""Plan versions: reading the current plan and its history, saving a new version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from dashboard.db.models import Episode, Goal, PlanItem, PlanVersion, StrategyPart, User
from dashboard.db.summary import red_flag_override
from dashboard.domain.dose import Dose, over_ceiling
from dashboard.domain.plans import (
    GoalDraft,
    PlanDraft,
    PlanItemDraft,
    PlanSnapshot,
    strategy_keys_text,
)


class DoseOverCeiling(ValueError):
    """A dose past its part's safe ceiling with no reason: the data layer refuses it too."""


@dataclass(frozen=True)
class VersionInfo:
    id: int
    version: int
    effective_on: dt.date
    created_at: dt.datetime
    created_by: str
    snapshot: PlanSnapshot
    red_flag_override: str = ""  # saved while an urgent red flag was open: the reason


def snapshot_of(version: PlanVersion) -> PlanSnapshot:
    return PlanSnapshot(
        version=version.version,
        items=tuple(PlanItemDraft(i.part_id, i.part_name, i.strategy_name, Dose.from_columns(i),
                                  i.over_ceiling_reason) for i in version.items),
        review_interval_days=version.review_interval_days,
        notes=version.notes,
        goals=tuple(GoalDraft(g.description, g.pain_target, g.target_on) for g in version.goals),
    )


def plan_history(session: Session, episode_id: int, limit: int | None = None,
                 version: int | None = None) -> list[VersionInfo]:
    """The episode's plan versions, newest first (the latest ``limit``, or one ``version``)."""
    return [version_info(v, name)
            for v, name in _versions(session, episode_id, limit, version)]


def plan_history_and_current(session: Session, episode_id: int, limit: int
                             ) -> tuple[list[VersionInfo], PlanVersion | None]:
    """``plan_history`` and the current version (``current_version``) from the same read:
    the record's page needs both, and read apart the current version took three more
    statements (its object is gone once the history is made of it)."""
    rows = _versions(session, episode_id, limit, None)
    return [version_info(v, name) for v, name in rows], rows[0][0] if rows else None


def _versions(session: Session, episode_id: int, limit: int | None, version: int | None
              ) -> list[Any]:
    query = (select(PlanVersion, User.name).join(User, User.id == PlanVersion.created_by_id)
             .where(PlanVersion.episode_id == episode_id).order_by(PlanVersion.version.desc()))
    if version is not None:
        query = query.where(PlanVersion.version == version)
    return list(session.execute(query.limit(limit)).all())


def version_info(v: PlanVersion, created_by: str) -> VersionInfo:
    return VersionInfo(v.id, v.version, v.effective_on, v.created_at, created_by,
                       snapshot_of(v), v.red_flag_override)


def get_version(session: Session, episode_id: int, version: int) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(
        PlanVersion.episode_id == episode_id, PlanVersion.version == version))


def current_version(session: Session, episode_id: int) -> PlanVersion | None:
    return session.scalar(select(PlanVersion).where(PlanVersion.episode_id == episode_id)
                          .order_by(PlanVersion.version.desc()).limit(1))


def save_plan_version(
    session: Session, *, episode_id: int, draft: PlanDraft, user_id: int, today: dt.date,
    red_flag_reason: object = None,
) -> PlanVersion:
    """Add the next version, copying each part's current catalogue wording and picture (by
    its hash) into the plan. While the episode's urgent red flag is open, refused
    (RedFlagOpen) unless ``red_flag_reason`` gives the practitioner's reason, kept with the
    version (the caller audits it)."""
    # Two saves of one episode's plan at once (two tabs, two practitioners): the episode row
    # is locked first, so the second waits and numbers its version after the first instead
    # of failing on the unique (episode, version) key. PostgreSQL; SQLite's BEGIN IMMEDIATE
    # already runs one writer at a time (FOR UPDATE is left out there).
    session.execute(select(Episode.id).where(Episode.id == episode_id).with_for_update())
    override = red_flag_override(session, session.get(Episode, episode_id), red_flag_reason,
                                 "plan_saved")
    number = (session.scalar(select(func.max(PlanVersion.version))
                             .where(PlanVersion.episode_id == episode_id)) or 0) + 1
    # With their strategies in the same statement: read one by one, they took a statement
    # per strategy of the plan.
    parts = {p.id: p for p in session.scalars(
        select(StrategyPart).options(joinedload(StrategyPart.strategy))
        .where(StrategyPart.id.in_([i.part_id for i in draft.items])))}
    version = PlanVersion(episode_id=episode_id, version=number, effective_on=today,
                          review_interval_days=draft.review_interval_days or 14,
                          notes=draft.notes.strip(), created_by_id=user_id,
                          red_flag_override=override)
    for position, item in enumerate(draft.items, start=1):
        part = parts[item.part_id]
        if over_ceiling(item.dose, part.max_minutes) and not item.over_ceiling_reason:
            raise DoseOverCeiling(f"{part.name}: at most {part.max_minutes} minutes at a time "
                                  "without a reason.")
        version.items.append(PlanItem(
            part_id=part.id, part_revision=part.revision, strategy_key=part.strategy.key,
            strategy_name=part.strategy.name, part_name=part.name,
            instructions=part.instructions, cautions=part.cautions, position=position,
            picture_sha256=part.picture_sha256, picture_alt=part.picture_alt,
            max_minutes=part.max_minutes,
            over_ceiling_reason=item.over_ceiling_reason
            if over_ceiling(item.dose, part.max_minutes) else "",
            **item.dose.as_columns()))
    for goal in draft.goals:
        version.goals.append(Goal(description=goal.description.strip(),
                                  pain_target=goal.pain_target, target_on=goal.target_on))
    version.strategy_keys = strategy_keys_text([i.strategy_key for i in version.items])
    session.add(version)
    session.flush()
    return version
