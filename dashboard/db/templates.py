"""Plan templates as admins edit them: the picker, one template's form values, saving."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.catalogue import DOSE_COLUMNS
from dashboard.db.models import PlanTemplate, PlanTemplateItem, StrategyPart
from dashboard.domain.catalogue_edit import TemplateEdit, part_key
from dashboard.domain.dose import LIMITS as DOSE_LIMITS
from dashboard.domain.dose import Dose, describe_dose


class TemplateError(Exception):
    """The template cannot be saved as asked; the message says why, for the admin."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def template_options(session: Session) -> list[tuple[int, str, bool]]:
    """(id, name, retired) of every template, retired ones too, by name."""
    return [(t.id, t.name, t.retired) for t in session.scalars(
        select(PlanTemplate).order_by(PlanTemplate.name))]


@dataclass(frozen=True)
class TemplateValues:
    name: str
    description: str
    review_interval_days: int
    retired: bool
    part_ids: list[int]
    doses: dict[int, Dose]  # part id -> the template's dose for it


def template_values(session: Session, *, template_id: int) -> TemplateValues | None:
    template = session.get(PlanTemplate, template_id)
    if template is None:
        return None
    return TemplateValues(template.name, template.description, template.review_interval_days,
                          template.retired, [i.part_id for i in template.items],
                          {i.part_id: Dose.from_columns(i) for i in template.items})


def save_template(session: Session, *, template_id: int | None, edit: TemplateEdit,
                  doses: dict[int, Dose] | None = None) -> tuple[int, list[str]]:
    """Create (``template_id`` None) or change a template. ``doses``: part id -> the dose
    the admin set (checked by ``check_template_doses``); a part without one keeps its dose,
    or starts with the catalogue's. Returns the template's id and, in words, each part whose
    dose changed ("Heat: 15-20 minutes, twice a day, every day"), for the audit. Raises
    TemplateError."""
    doses = doses or {}
    chosen = edit.part_ids
    parts = {p.id: p for p in session.scalars(select(StrategyPart).where(
        StrategyPart.id.in_(chosen), StrategyPart.retired.is_(False)))}
    if len(parts) != len(set(chosen)):
        raise TemplateError("parts", "A chosen part is retired or gone; reload the page.")
    if template_id is not None:
        template = session.get(PlanTemplate, template_id)
        if template is None:
            raise TemplateError("", "No such template.")
    else:
        taken = set(session.scalars(select(PlanTemplate.key)))
        template = PlanTemplate(key=part_key(edit.name, taken), name=edit.name)
        session.add(template)
        session.flush()
    kept = {i.part_id: i for i in template.items}
    template.name, template.description = edit.name, edit.description
    template.review_interval_days, template.retired = edit.review_interval_days, edit.retired
    for item in list(template.items):
        if item.part_id not in parts:
            session.delete(item)
    changed: list[str] = []
    for position, part_id in enumerate(chosen, start=1):
        found = kept.get(part_id)
        if found is None:
            item = PlanTemplateItem(template_id=template.id, part_id=part_id,
                                    position=position,
                                    **{k: getattr(parts[part_id], k) for k in DOSE_COLUMNS})
            session.add(item)
        else:
            item = found
        item.position = position
        dose = doses.get(part_id)
        if dose is not None and dose != Dose.from_columns(item):
            item.dose_kind = dose.kind
            for name in DOSE_LIMITS:
                setattr(item, name, getattr(dose, name))
            changed.append(f"{parts[part_id].name}: {describe_dose(dose)}")
    session.flush()
    return template.id, changed
