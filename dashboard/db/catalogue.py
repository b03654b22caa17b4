"""Loading and reading the strategy catalogue and plan templates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.audit import record_audit
from dashboard.db.models import PlanTemplate, PlanTemplateItem, Strategy, StrategyPart
from dashboard.db.pictures import store_picture
from dashboard.domain.catalogue import PartSpec, StrategySpec, TemplateSpec
from dashboard.domain.catalogue_edit import PartEdit, ceiling_conflicts, name_taken, part_key
from dashboard.domain.dose import Dose
from dashboard.domain.ids import parse_id
from dashboard.domain.plans import PartInfo


def _give_drawing(session: Session, part: StrategyPart, spec: PartSpec) -> bool:
    """Give a part the catalogue's drawing if it has no picture, or still has an earlier
    catalogue drawing (a redrawn one ships). A clinic's own picture stays. Plan items
    keep the picture they were given with, so no handout already given changes."""
    if spec.picture is None or not (part.picture_sha256 is None
                                    or part.picture_from_catalogue):
        return False
    sha = store_picture(session, data=spec.picture.data, media_type=spec.picture.media_type)
    if part.picture_sha256 == sha:
        return False
    part.picture_sha256, part.picture_alt = sha, spec.picture.alt
    part.picture_from_catalogue = True
    return True


def load_catalogue(
    session: Session, *, strategies: tuple[StrategySpec, ...], templates: tuple[TemplateSpec, ...]
) -> int:
    """Insert what is missing, by key; leave what exists as admins keep it (a part without a
    picture is given the catalogue's drawing). Returns rows added or given a drawing."""
    added = 0
    existing_strategies = {s.key: s for s in session.scalars(select(Strategy))}
    existing_parts = {p.key: p for p in session.scalars(select(StrategyPart))}
    for position, spec in enumerate(strategies, start=1):
        strategy = existing_strategies.get(spec.key)
        if strategy is None:
            strategy = Strategy(key=spec.key, name=spec.name, summary=spec.summary,
                                position=position)
            session.add(strategy)
            session.flush()
            added += 1
        for part_position, part in enumerate(spec.parts, start=1):
            if part.key in existing_parts:
                added += _give_drawing(session, existing_parts[part.key], part)
                continue
            row = StrategyPart(strategy_id=strategy.id, key=part.key, name=part.name,
                               instructions=part.instructions, cautions=part.cautions,
                               position=part_position, max_minutes=part.max_minutes,
                               **part.dose.as_columns())
            _give_drawing(session, row, part)
            session.add(row)
            existing_parts[part.key] = row
            added += 1
    session.flush()
    existing_templates = set(session.scalars(select(PlanTemplate.key)))
    for spec_t in templates:
        if spec_t.key in existing_templates:
            continue
        template = PlanTemplate(key=spec_t.key, name=spec_t.name, description=spec_t.description,
                                review_interval_days=spec_t.review_interval_days)
        session.add(template)
        session.flush()
        for position, item in enumerate(spec_t.items, start=1):
            part_row = existing_parts[item.part_key]
            dose_columns = (item.dose.as_columns() if item.dose else
                            {k: getattr(part_row, k) for k in DOSE_COLUMNS})
            session.add(PlanTemplateItem(template_id=template.id, part_id=part_row.id,
                                         position=position, **dose_columns))
        added += 1
    session.flush()
    return added


DOSE_COLUMNS = ("dose_kind", "minutes_min", "minutes_max", "sets", "reps", "hold_seconds",
                "times_per_day", "days_per_week")


def list_strategies(session: Session) -> list[Strategy]:
    """The five strategies with their parts (retired parts included; callers filter)."""
    return list(session.scalars(select(Strategy).order_by(Strategy.position)))


def template_choices(session: Session) -> list[tuple[int, str]]:
    """(id, "name: description") of the templates in use, for a picker: no items loaded."""
    return [(tid, f"{name}: {description}") for tid, name, description in session.execute(
        select(PlanTemplate.id, PlanTemplate.name, PlanTemplate.description)
        .where(PlanTemplate.retired.is_(False)).order_by(PlanTemplate.name))]


def list_templates(session: Session) -> list[PlanTemplate]:
    return list(session.scalars(
        select(PlanTemplate).where(PlanTemplate.retired.is_(False)).order_by(PlanTemplate.name)))


def active_parts(session: Session) -> dict[int, PartInfo]:
    """The parts a new plan may use (not retired), by id."""
    return {p.id: PartInfo(p.id, p.name, s.name, p.dose_kind, p.max_minutes)
            for s in list_strategies(session) for p in s.parts if not p.retired}


@dataclass(frozen=True)
class TemplateDoses:
    """What applying a template fills in: its parts' doses and its review interval."""

    name: str
    review_interval_days: int
    doses: dict[int, Dose]  # part id -> the template's dose
    defaults: dict[int, Dose]  # part id -> the catalogue's dose, for parts it leaves out


def template_doses(session: Session, *, template_id: object) -> TemplateDoses | None:
    """A template in use, by an id from the browser (anything else: None)."""
    parsed = parse_id(template_id)
    template = session.get(PlanTemplate, parsed) if parsed is not None else None
    if template is None or template.retired:
        return None
    return TemplateDoses(
        name=template.name, review_interval_days=template.review_interval_days,
        doses={item.part_id: Dose.from_columns(item) for item in template.items},
        defaults={p.id: Dose.from_columns(p) for s in list_strategies(session)
                  for p in s.parts})


def get_part(session: Session, *, part_id: int) -> StrategyPart | None:
    return session.get(StrategyPart, part_id)


NAME_TAKEN = "This strategy already has a part of this name."


class CeilingConflict(str):
    """Why a ceiling was refused: a template gives the part a longer dose (the message)."""


class Unchanged(str):
    """Nothing to save: the form holds the part exactly as it is (no new revision, no
    audit entry: a revision is a change the plans made from it can point to)."""


def _unchanged(part: StrategyPart, edit: PartEdit) -> bool:
    columns = edit.dose.as_columns()
    return (part.name, part.instructions, part.cautions, part.retired, part.max_minutes) == (
        edit.name, edit.instructions, edit.cautions, edit.retired, edit.max_minutes) and all(
        getattr(part, key) == value for key, value in columns.items())


def save_part(session: Session, *, part_id: int | None, strategy_id: int | None,
              edit: PartEdit, user_id: int, ip: str) -> StrategyPart | str:
    """Update part ``part_id``, or add a part to ``strategy_id``; audited. Returns the part,
    or a message naming why nothing was written (no such part or strategy, a name taken,
    a ceiling below a template's dose, or ``Unchanged``: the part is already so)."""
    part = session.get(StrategyPart, part_id) if part_id is not None else None
    strategy = part.strategy if part is not None else \
        session.get(Strategy, strategy_id) if strategy_id is not None else None
    if part_id is not None and part is None:
        return "No such part."
    if strategy is None:
        return "No such strategy."
    if name_taken(edit.name, [p.name for p in strategy.parts if p is not part]):
        return NAME_TAKEN
    if part is not None and (conflict := ceiling_conflicts(edit.max_minutes, [
            (name, Dose.from_columns(item)) for item, name in session.execute(
                select(PlanTemplateItem, PlanTemplate.name)
                .join(PlanTemplate, PlanTemplate.id == PlanTemplateItem.template_id)
                .where(PlanTemplateItem.part_id == part.id,
                       PlanTemplate.retired.is_(False)))])):
        return CeilingConflict(conflict)
    if part is not None and _unchanged(part, edit):
        return Unchanged(f"Nothing has changed since revision {part.revision}.")
    before_ceiling = part.max_minutes if part is not None else None
    if part is None:
        taken = set(session.scalars(select(StrategyPart.key)))
        part = StrategyPart(strategy_id=strategy.id, key=part_key(edit.name, taken),
                            position=len(strategy.parts) + 1, revision=1, name=edit.name,
                            instructions=edit.instructions)
        session.add(part)
        action = "catalogue_part_added"
    else:
        part.revision += 1
        action = "catalogue_part_updated"
    part.name, part.instructions, part.cautions = edit.name, edit.instructions, edit.cautions
    part.retired = edit.retired
    part.max_minutes = edit.max_minutes
    for key, value in edit.dose.as_columns().items():
        setattr(part, key, value)
    session.flush()
    detail: dict[str, object] = {"revision": part.revision}
    if before_ceiling != edit.max_minutes:
        detail["max_minutes"] = {"before": before_ceiling, "after": edit.max_minutes}
    record_audit(session, user_id=user_id, action=action, entity="strategy_part",
                 entity_id=part.id, ip=ip, detail=detail)
    return part
