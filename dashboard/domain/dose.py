"""Doses: what a client does, how long or how many, and how often."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from dashboard.domain.text import CONTROL_MESSAGE, has_control

DOSE_KINDS = ("timed", "exercise", "advice")

# (lowest, highest) accepted for each number; the database holds the same ranges.
LIMITS: dict[str, tuple[int, int]] = {
    "minutes_min": (1, 240),
    "minutes_max": (1, 240),
    "sets": (1, 20),
    "reps": (1, 100),
    "hold_seconds": (1, 600),
    "times_per_day": (1, 12),
    "days_per_week": (1, 7),
}

LABELS = {
    "minutes_min": "Minutes (from)",
    "minutes_max": "Minutes (to)",
    "sets": "Sets",
    "reps": "Repetitions",
    "hold_seconds": "Hold (seconds)",
    "times_per_day": "Times per day",
    "days_per_week": "Days per week",
}


@dataclass(frozen=True)
class Dose:
    kind: str
    minutes_min: int | None = None
    minutes_max: int | None = None
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    times_per_day: int | None = None
    days_per_week: int | None = None

    def as_columns(self) -> dict[str, Any]:
        """The dose as the model's column values (``dose_kind`` and the numbers)."""
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "kind"}
        return {"dose_kind": self.kind, **values}

    @classmethod
    def from_columns(cls, row: Any) -> Dose:
        return cls(
            kind=row.dose_kind,
            **{name: getattr(row, name) for name in LIMITS},
        )


def validate_dose(dose: Dose, *, max_minutes: int | None = None,
                  ceiling_reason: str | None = None) -> dict[str, str]:
    """Problems with a dose, keyed by field name; empty when the dose is sound.

    ``max_minutes``: the part's own safe ceiling for one application, carried by the
    catalogue (heat at most 20 minutes at a time, cold at most 15: the seed's "heat 15-20
    minutes", "cold 10-15 minutes"; longer risks burns or cold injury to the skin).
    ``ceiling_reason``: where a practitioner may go past the ceiling (a client's plan, not
    the catalogue's defaults or a template), their reason; a dose past the ceiling is
    accepted only with one ("" asks for it, None offers no such path)."""
    errors: dict[str, str] = {}
    if dose.kind not in DOSE_KINDS:
        return {"kind": "Choose timed, exercise or advice."}
    for name, (low, high) in LIMITS.items():
        value = getattr(dose, name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            errors[name] = f"{LABELS[name]} must be a whole number."
        elif not low <= value <= high:
            errors[name] = f"{LABELS[name]} must be between {low} and {high}."
    if errors:
        return errors
    if dose.kind == "timed":
        if dose.minutes_min is None:
            errors["minutes_min"] = "A timed dose needs a number of minutes."
        elif dose.minutes_max is not None and dose.minutes_max < dose.minutes_min:
            errors["minutes_max"] = "The upper number of minutes cannot be below the lower."
        if max_minutes is not None and over_ceiling(dose, max_minutes) and not ceiling_reason:
            message = (f"At most {max_minutes} minutes at a time for this part: longer is not "
                       "safe for the skin.")
            if ceiling_reason is not None:
                message += (" To go past it, give your reason (printed on the handout and "
                            "recorded).")
            for name in ("minutes_min", "minutes_max"):
                value = getattr(dose, name)
                if value is not None and value > max_minutes:
                    errors[name] = message
    if dose.kind == "exercise":
        if dose.sets is None:
            errors["sets"] = "An exercise needs a number of sets."
        if dose.reps is None and dose.hold_seconds is None:
            errors["reps"] = "Give repetitions or a hold in seconds."
    return errors


def over_ceiling(dose: Dose, max_minutes: int | None) -> bool:
    """True when a timed dose goes past the part's ceiling of minutes a time."""
    if max_minutes is None or dose.kind != "timed":
        return False
    return any(v is not None and v > max_minutes for v in (dose.minutes_min, dose.minutes_max))


MAX_CEILING_REASON = 500


def parse_ceiling_reason(raw: object) -> tuple[str, str | None]:
    """The practitioner's reason for a dose past the part's ceiling: plain text, one line,
    up to 500 characters ('' when none was given)."""
    text = " ".join(raw.split()) if isinstance(raw, str) else ""
    if len(text) > MAX_CEILING_REASON:
        return "", f"Keep the reason under {MAX_CEILING_REASON} characters ({len(text)} now)."
    if has_control(text):
        return "", CONTROL_MESSAGE
    return text, None


def ceiling_note(dose: Dose, max_minutes: int | None, reason: str) -> str:
    """What the handout prints beside a dose past its ceiling, for the client and anyone
    reading the plan: the usual limit and the practitioner's reason."""
    if not reason or not over_ceiling(dose, max_minutes):
        return ""
    return (f"the usual safe limit is {max_minutes} minutes at a time; your practitioner "
            f"advised longer because: {reason}")


def describe_frequency(dose: Dose) -> str:
    """How often, in plain words ("twice a day, every day"); empty when not given."""
    parts = []
    if dose.times_per_day:
        parts.append({1: "once a day", 2: "twice a day"}.get(
            dose.times_per_day, f"{dose.times_per_day} times a day"))
    if dose.days_per_week:
        days = dose.days_per_week
        parts.append("every day" if days == 7 else f"{days} days a week")
    return ", ".join(parts)


def describe_dose(dose: Dose) -> str:
    """The dose in plain words, for example "15-20 minutes, twice a day, every day"."""
    amount = ""
    if dose.kind == "timed" and dose.minutes_min is not None:
        if dose.minutes_max and dose.minutes_max != dose.minutes_min:
            amount = f"{dose.minutes_min}-{dose.minutes_max} minutes"
        else:
            amount = f"{dose.minutes_min} minute{'s' if dose.minutes_min != 1 else ''}"
    elif dose.kind == "exercise" and dose.sets is not None:
        if dose.reps is not None:
            amount = f"{dose.sets} × {dose.reps} repetitions"
        if dose.hold_seconds is not None:
            hold = f"hold {dose.hold_seconds} seconds"
            amount = f"{amount}, {hold}" if amount else f"{dose.sets} × {hold}"
    often = describe_frequency(dose)
    if amount and often:
        return f"{amount}, {often}"
    return amount or often or "As advised"
