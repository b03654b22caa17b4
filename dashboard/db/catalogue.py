"""Loading and reading the strategy catalogue and plan templates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.models import PlanTemplate, PlanTemplateItem, Strategy, StrategyPart
from dashboard.domain.catalogue import StrategySpec, TemplateSpec
from dashboard.domain.catalogue_edit import PartEdit, part_key
from dashboard.domain.dose import Dose
from dashboard.domain.ids import parse_id
from dashboard.domain.plans import PartInfo


def load_catalogue(
    session: Session, *, strategies: tuple[StrategySpec, ...], templates: tuple[TemplateSpec, ...]
) -> int:
    """Insert what is missing, by key; leave what exists as admins keep it. Returns rows added."""
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
                continue
            row = StrategyPart(strategy_id=strategy.id, key=part.key, name=part.name,
                               instructions=part.instructions, cautions=part.cautions,
                               position=part_position, max_minutes=part.max_minutes,
                               **part.dose.as_columns())
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


class CatalogueError(Exception):
    """The edit names a part or strategy that does not exist; the message says which."""


def get_part(session: Session, *, part_id: int) -> StrategyPart | None:
    return session.get(StrategyPart, part_id)


def save_part(session: Session, *, edit: PartEdit, part_id: int | None = None,
              strategy_id: int | None = None) -> tuple[int, int]:
    """Change a part (its revision goes up) or add one to a strategy; (part id, revision).
    Raises CatalogueError for an unknown part or strategy."""
    if part_id is not None:
        part = session.get(StrategyPart, part_id)
        if part is None:
            raise CatalogueError("No such part.")
        part.revision += 1
    else:
        strategy = session.get(Strategy, strategy_id) if strategy_id is not None else None
        if strategy is None:
            raise CatalogueError("No such strategy.")
        taken = set(session.scalars(select(StrategyPart.key)))
        part = StrategyPart(strategy_id=strategy.id, key=part_key(edit.name, taken),
                            position=len(strategy.parts) + 1, revision=1,
                            name=edit.name, instructions=edit.instructions,
                            **edit.dose.as_columns())
        session.add(part)
    part.name, part.instructions, part.cautions = edit.name, edit.instructions, edit.cautions
    part.retired = edit.retired
    for key, value in edit.dose.as_columns().items():
        setattr(part, key, value)
    session.flush()
    return part.id, part.revision
