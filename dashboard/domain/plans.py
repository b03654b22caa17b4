"""Plans as plain data: drafts from the builder, validation, and readable version diffs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dashboard.domain.dates import DAY_HINT, format_day, parse_optional_day
from dashboard.domain.dose import (
    LABELS,
    LIMITS,
    Dose,
    describe_dose,
    over_ceiling,
    parse_ceiling_reason,
    validate_dose,
)
from dashboard.domain.text import CONTROL_MESSAGE, has_control

WHOLE_NUMBER = re.compile(r"-?[0-9]{1,6}")  # ASCII digits only: "²".isdigit() is True
MAX_NOTES = 2000
MAX_GOAL_TEXT = 500
REVIEW_LIMITS = (1, 365)


@dataclass(frozen=True)
class PlanItemDraft:
    part_id: int
    part_name: str
    strategy_name: str
    dose: Dose
    # The practitioner's reason for a dose past the part's safe ceiling ('' for none):
    # printed on the handout beside the dose and audited (issue 17, item 9).
    over_ceiling_reason: str = ""


@dataclass(frozen=True)
class GoalDraft:
    description: str
    pain_target: int | None = None
    target_on: dt.date | None = None


@dataclass(frozen=True)
class PlanDraft:
    items: tuple[PlanItemDraft, ...]
    review_interval_days: int | None = 14
    notes: str = ""
    goals: tuple[GoalDraft, ...] = field(default_factory=tuple)


class NumberError(ValueError):
    pass


def parse_whole_number(raw: object, label: str) -> int | None:
    """A whole number from a form value (a number, a numeric string, or empty).

    Anything else, such as 2.5, "ten" or a value forged into the request, is an error.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise NumberError(f"{label} must be a whole number.")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise NumberError(f"{label} must be a whole number.")
    if isinstance(raw, str):
        text = raw.strip()
        if WHOLE_NUMBER.fullmatch(text):
            return int(text)
    raise NumberError(f"{label} must be a whole number.")


def parse_dose(kind: str, raw: dict[str, object], *, max_minutes: int | None = None,
               ceiling_reason: str | None = None) -> tuple[Dose | None, dict[str, str]]:
    """A dose from the builder's fields, within the part's own ceiling (or past it with
    the practitioner's ``ceiling_reason``: see validate_dose); errors keyed by field name."""
    values: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name in LIMITS:
        try:
            values[name] = parse_whole_number(raw.get(name), LABELS[name])
        except NumberError as exc:
            errors[name] = str(exc)
    if errors:
        return None, errors
    dose = Dose(kind=kind, **values)
    errors = validate_dose(dose, max_minutes=max_minutes, ceiling_reason=ceiling_reason)
    return (None, errors) if errors else (dose, {})


def validate_plan(draft: PlanDraft, today: dt.date,
                  carried_goals: tuple[GoalDraft, ...] = ()) -> dict[str, str]:
    """Problems keyed by where they belong: "items", "review", "notes", "goal-N-...".

    A new goal's target date must not be in the past; a goal carried over unchanged from
    the current version keeps its date, so adjusting a dose never forces a goal rewrite.
    """
    errors: dict[str, str] = {}
    if not draft.items:
        errors["items"] = "Choose at least one part of a strategy for the plan."
    low, high = REVIEW_LIMITS
    if draft.review_interval_days is None:
        errors["review"] = "Give a review interval in days."
    elif not low <= draft.review_interval_days <= high:
        errors["review"] = f"The review interval must be between {low} and {high} days."
    if len(draft.notes) > MAX_NOTES:
        errors["notes"] = f"Notes are limited to {MAX_NOTES} characters ({len(draft.notes)} now)."
    elif has_control(draft.notes, multiline=True):
        errors["notes"] = CONTROL_MESSAGE
    for i, goal in enumerate(draft.goals):
        if not goal.description.strip():
            errors[f"goal-{i}-description"] = "Describe the goal."
        elif len(goal.description) > MAX_GOAL_TEXT:
            errors[f"goal-{i}-description"] = f"At most {MAX_GOAL_TEXT} characters."
        elif has_control(goal.description):
            errors[f"goal-{i}-description"] = CONTROL_MESSAGE
        if goal.pain_target is not None and not 0 <= goal.pain_target <= 10:
            errors[f"goal-{i}-target"] = "A pain target is between 0 and 10."
        if goal.target_on is not None and goal.target_on < today and goal not in carried_goals:
            errors[f"goal-{i}-date"] = "The target date cannot be in the past."
    for item in draft.items:
        for name, message in validate_dose(item.dose).items():
            errors[f"dose-{item.part_id}-{name}"] = message
    return errors


@dataclass(frozen=True)
class PlanSnapshot:
    """A saved version as the diff and the pages see it."""

    version: int
    items: tuple[PlanItemDraft, ...]
    review_interval_days: int
    notes: str
    goals: tuple[GoalDraft, ...]


def goal_wording(description: str, pain_target: int | None) -> str:
    """What a goal says to the client (the handout): a pain goal names its scale, so "3" is
    not a mystery; any other goal as the practitioner wrote it."""
    return f"Pain at or below {pain_target} out of 10" if pain_target is not None \
        else description


def _goal_text(goal: GoalDraft) -> str:
    text = goal.description
    if goal.target_on:
        text += f" by {format_day(goal.target_on)}"
    return text


def diff_plans(old: PlanSnapshot | PlanDraft | None, new: PlanSnapshot | PlanDraft) -> list[str]:
    """What changed, one plain sentence a line, in plan order."""
    if old is None:
        return [f"Added {i.part_name} ({describe_dose(i.dose)})" for i in new.items] + [
            f"Goal: {_goal_text(g)}" for g in new.goals]
    lines = []
    before = {i.part_id: i for i in old.items}
    after = {i.part_id: i for i in new.items}
    for item in new.items:
        prior = before.get(item.part_id)
        if prior is None:
            lines.append(f"Added {item.part_name} ({describe_dose(item.dose)})")
        elif prior.dose != item.dose:
            lines.append(f"{item.part_name}: {describe_dose(prior.dose)} → "
                         f"{describe_dose(item.dose)}")
        if item.over_ceiling_reason and (prior is None or prior.over_ceiling_reason
                                         != item.over_ceiling_reason):
            lines.append(f"{item.part_name}: past its safe ceiling because "
                         f"{item.over_ceiling_reason}")
    lines += [f"Removed {i.part_name}" for i in old.items if i.part_id not in after]
    if old.review_interval_days != new.review_interval_days:
        lines.append(f"Review every {old.review_interval_days} → "
                     f"{new.review_interval_days} days")
    if old.notes.strip() != new.notes.strip():
        lines.append("Notes for the client changed")
    old_goals = {_goal_text(g) for g in old.goals}
    new_goals = {_goal_text(g) for g in new.goals}
    lines += [f"Goal added: {g}" for g in sorted(new_goals - old_goals)]
    lines += [f"Goal removed: {g}" for g in sorted(old_goals - new_goals)]
    return lines


@dataclass(frozen=True)
class PartInfo:
    """What the builder needs to know of a catalogue part."""

    id: int
    name: str
    strategy_name: str
    dose_kind: str
    max_minutes: int | None = None  # the part's safe ceiling for one application


def parse_goals(
    pain_target: object, pain_date: object, activity: object, activity_date: object
) -> tuple[tuple[GoalDraft, ...], dict[str, str]]:
    """The builder's two goal slots: a pain target, and an activity the client wants back."""
    goals: list[GoalDraft] = []
    errors: dict[str, str] = {}
    dates: list[dt.date | None] = []
    for i, raw in enumerate((pain_date, activity_date)):
        try:
            dates.append(parse_optional_day(raw))
        except ValueError:
            dates.append(None)
            errors[f"goal-{i}-date"] = DAY_HINT
    try:
        target = parse_whole_number(pain_target, "Pain target")
    except NumberError as exc:
        target, errors["goal-0-target"] = None, str(exc)
    if target is not None:
        goals.append(GoalDraft(f"Pain at or below {target}", target, dates[0]))
    elif dates[0] is not None and "goal-0-target" not in errors:
        errors["goal-0-target"] = "Give the pain score to reach, or clear the date."
    text = activity.strip() if isinstance(activity, str) else ""
    if text:
        goals.append(GoalDraft(text, None, dates[1]))
    elif dates[1] is not None:
        errors["goal-1-description"] = "Name the activity, or clear the date."
    return tuple(goals), errors


def build_draft(
    parts: dict[int, PartInfo], included: list[int], raw_doses: dict[int, dict[str, object]],
    *, review: object, notes: object, goals: tuple[GoalDraft, ...], today: dt.date,
    carried_goals: tuple[GoalDraft, ...] = (), raw_reasons: dict[int, object] | None = None,
) -> tuple[PlanDraft, dict[str, str]]:
    """The plan as the builder describes it, and every problem keyed by where it belongs.

    Only parts known to the catalogue count: ids from the browser are checked against it.
    ``raw_reasons``: part id -> the practitioner's reason for a dose past the part's
    ceiling; kept only where the dose is past it (a reason for a dose within it means
    nothing and is not printed).
    """
    errors: dict[str, str] = {}
    items = []
    for part_id in included:
        part = parts.get(part_id)
        if part is None:
            errors["items"] = "A chosen part is no longer in the catalogue; reload the page."
            continue
        reason, problem = parse_ceiling_reason((raw_reasons or {}).get(part_id))
        if problem:
            errors[f"dose-{part_id}-reason"] = problem
        dose, dose_errors = parse_dose(part.dose_kind, raw_doses.get(part_id, {}),
                                       max_minutes=part.max_minutes, ceiling_reason=reason)
        errors.update({f"dose-{part_id}-{k}": v for k, v in dose_errors.items()})
        if dose is not None:
            items.append(PlanItemDraft(part.id, part.name, part.strategy_name, dose,
                                       reason if over_ceiling(dose, part.max_minutes) else ""))
    try:
        review_days = parse_whole_number(review, "Review interval")
    except NumberError as exc:
        review_days, errors["review"] = None, str(exc)
    draft = PlanDraft(tuple(items), review_days, notes if isinstance(notes, str) else "", goals)
    problems = validate_plan(draft, today, carried_goals)
    if included:
        # Parts were chosen; if some are missing from the draft, their doses carry the messages.
        problems.pop("items", None)
    return draft, {**problems, **errors}


def strategy_keys_text(keys: list[str] | tuple[str, ...]) -> str:
    """The strategies of a plan version as stored for clinic figures: ",a,b," (sorted,
    unique; empty for none), so "uses strategy k" is a LIKE '%,k,%' on one column."""
    unique = sorted(set(keys))
    return f",{','.join(unique)}," if unique else ""


def strategy_keys_of(text: str | None) -> list[str]:
    """The keys in a stored ",a,b," (the inverse of strategy_keys_text)."""
    return [key for key in (text or "").split(",") if key]


def uses_strategy_pattern(key: str) -> str:
    return f"%,{key},%"
