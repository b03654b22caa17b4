"""The clinic's own details (one row)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.models import Clinic

T = TypeVar("T")


def get_clinic(session: Session) -> Clinic | None:
    return session.scalar(select(Clinic).order_by(Clinic.id).limit(1))


def ensure_clinic(session: Session, *, name: str, address: str = "", phone: str = "",
                  crisis_line_text: str = "") -> Clinic:
    clinic = get_clinic(session)
    if clinic is None:
        clinic = Clinic(name=name, address=address, phone=phone,
                        crisis_line_text=crisis_line_text)
        session.add(clinic)
        session.flush()
    return clinic


def _set_setting(session: Session, field: str, value: T) -> tuple[int, T] | None:
    """One clinic setting; (clinic id, the value before), or None before the clinic's
    details are saved (there is no clinic row to hold it yet)."""
    clinic = get_clinic(session)
    if clinic is None:
        return None
    before = getattr(clinic, field)
    setattr(clinic, field, value)
    return clinic.id, before


def set_retention_years(session: Session, *, years: int) -> tuple[int, int] | None:
    """Keep records this many years."""
    return _set_setting(session, "retention_years", years)


def set_email_reminders(session: Session, *, on: bool) -> tuple[int, bool] | None:
    """Turn the clinic's email reminders on or off."""
    return _set_setting(session, "email_reminders", on)


def set_client_link_days(session: Session, *, days: int) -> tuple[int, int] | None:
    """Clients' own links last this many days by default."""
    return _set_setting(session, "client_link_days", days)


def update_clinic(session: Session, *, details: dict[str, str]) -> tuple[int, list[str]]:
    """Save the clinic's details (made if missing); (clinic id, the fields that changed)."""
    clinic = ensure_clinic(session, name=details["name"])
    changed = sorted(f for f, value in details.items() if getattr(clinic, f) != value)
    for name, value in details.items():
        setattr(clinic, name, value)
    return clinic.id, changed
