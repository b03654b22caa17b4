"""Editing the strategy catalogue: what an admin typed, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.domain.dose import LIMITS as DOSE_LIMITS
from dashboard.domain.dose import Dose, over_ceiling
from dashboard.domain.ids import parse_id
from dashboard.domain.plans import NumberError, PartInfo, parse_dose, parse_whole_number
from dashboard.domain.text import CONTROL_MESSAGE, has_control

LIMITS = {"name": 100, "instructions": 2000, "cautions": 2000}


@dataclass(frozen=True)
class PartEdit:
    name: str
    instructions: str
    cautions: str
    dose: Dose
    retired: bool
    # The part's safe ceiling of minutes a time (None: none beyond the dose limits).
    max_minutes: int | None = None


def check_part(kind: str, raw: dict[str, object]) -> tuple[PartEdit | None, dict[str, str]]:
    errors: dict[str, str] = {}
    text = {k: value.strip() if isinstance(value := raw.get(k) or "", str) else ""
            for k in LIMITS}
    for key, limit in LIMITS.items():
        if len(text[key]) > limit:
            errors[key] = f"At most {limit} characters."
        elif has_control(text[key], multiline=key != "name"):
            errors[key] = CONTROL_MESSAGE
    if not text["name"]:
        errors["name"] = "Give the part a name."
    if not text["instructions"]:
        errors["instructions"] = "Write the instructions the client will read."
    ceiling, problem = parse_ceiling(raw.get("max_minutes"), kind)
    if problem:
        errors["max_minutes"] = problem
    # The default dose keeps within the ceiling: no reason can be given for a default.
    dose, dose_errors = parse_dose(kind, {k: raw.get(k) for k in (
        "minutes_min", "minutes_max", "sets", "reps", "hold_seconds", "times_per_day",
        "days_per_week")}, max_minutes=ceiling)
    errors.update({f"dose-{k}": v for k, v in dose_errors.items()})
    if errors or dose is None:
        return None, errors
    return PartEdit(text["name"], text["instructions"], text["cautions"], dose,
                    bool(raw.get("retired")), ceiling), {}


def parse_ceiling(raw: object, kind: str) -> tuple[int | None, str | None]:
    """A part's safe ceiling of minutes at a time, as an admin typed it: empty for none, or
    a whole number within the dose limits. Only a timed part has minutes to limit."""
    try:
        value = parse_whole_number(raw, "The safe ceiling")
    except NumberError as exc:
        return None, str(exc)
    if value is None:
        return None, None
    if kind != "timed":
        return None, "Only a timed part has minutes to limit: leave the ceiling empty."
    low, high = DOSE_LIMITS["minutes_max"]
    if not low <= value <= high:
        return None, f"The safe ceiling is between {low} and {high} minutes."
    return value, None


def ceiling_conflicts(max_minutes: int | None, template_doses: list[tuple[str, Dose]]
                      ) -> str | None:
    """Why a ceiling cannot be set while templates give this part a longer dose (a plan
    made from the template would be refused), naming the first such template."""
    for template, dose in template_doses:
        if over_ceiling(dose, max_minutes):
            longest = max(v for v in (dose.minutes_min, dose.minutes_max) if v is not None)
            return (f"The template “{template}” gives this part {longest} minutes at a time: "
                    f"change that template first, or set the ceiling to at least {longest}.")
    return None


def same_name(name: str) -> str:
    """The form two part names are compared in: "Warm  bath" and "warm bath" are one name."""
    return " ".join(name.split()).casefold()


def name_taken(name: str, names_in_strategy: list[str]) -> bool:
    """True if a strategy already has a part of this name (the part being edited is not in
    ``names_in_strategy``): two parts of one name would be indistinguishable in the plan
    builder and on the handout."""
    return same_name(name) in {same_name(n) for n in names_in_strategy}


def part_key(name: str, taken: set[str]) -> str:
    """A stable key for a new part, from its name."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "part"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


@dataclass(frozen=True)
class TemplateEdit:
    name: str
    description: str
    review_interval_days: int
    retired: bool
    part_ids: tuple[int, ...]  # in the order chosen


def chosen_parts(part_ids: object) -> tuple[int, ...]:
    """The part ids a template's checklist sent, in order; anything not an id is dropped."""
    return tuple(p for p in map(parse_id, part_ids if isinstance(part_ids, list) else [])
                 if p is not None)


def check_template(name: object, description: object, review: object, retired: object,
                   part_ids: object) -> tuple[TemplateEdit | None, dict[str, str]]:
    """A plan template as an admin typed it, or its problems keyed by field ("name",
    "description", "review", "parts")."""
    errors: dict[str, str] = {}
    name = name.strip() if isinstance(name, str) else ""
    if not 1 <= len(name) <= 100:
        errors["name"] = "Give the template a name (up to 100 characters)."
    elif has_control(name):
        errors["name"] = CONTROL_MESSAGE
    text = description.strip()[:300] if isinstance(description, str) else ""
    if has_control(text, multiline=True):
        errors["description"] = f"Description: {CONTROL_MESSAGE}"
    try:
        days = parse_whole_number(review, "Review interval")
    except NumberError as exc:
        days, errors["review"] = None, str(exc)
    if "review" not in errors and (days is None or not 1 <= days <= 365):
        errors["review"] = "The review interval is between 1 and 365 days."
    chosen = chosen_parts(part_ids)
    if not chosen:
        errors["parts"] = "Choose at least one part."
    if errors or days is None:
        return None, errors
    return TemplateEdit(name, text, days, bool(retired), chosen), {}


def check_template_doses(parts: dict[int, PartInfo], chosen: tuple[int, ...],
                         typed: dict[int, dict[str, object]]
                         ) -> tuple[dict[int, Dose], dict[str, str]]:
    """Each chosen part's dose as typed in the template editor, or the problems keyed
    "dose-<part id>-<field>" (as the plan builder keys them).

    The plan builder's rule (``parse_dose``), ceiling included, with no way past it: a
    template is given to many clients, and a dose past a part's safe ceiling is for a
    practitioner to give one client with a reason (``validate_dose``); ``ceiling_conflicts``
    keeps a ceiling from being set below a template's dose. A part whose fields were not
    sent at all keeps the dose it has (``typed`` has no entry for it)."""
    doses: dict[int, Dose] = {}
    errors: dict[str, str] = {}
    for part_id in chosen:
        part = parts.get(part_id)
        if part is None or part_id not in typed:
            continue
        dose, problems = parse_dose(part.dose_kind, typed[part_id],
                                    max_minutes=part.max_minutes)
        errors.update({f"dose-{part_id}-{k}": v for k, v in problems.items()})
        if dose is not None:
            doses[part_id] = dose
    return doses, errors
