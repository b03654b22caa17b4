"""The clinic's own details (one row)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.db.models import Clinic


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


def set_retention_years(session: Session, *, years: int) -> tuple[int, int] | None:
    """Keep records this many years; (clinic id, the years before), or None before the
    clinic's details are saved."""
    clinic = get_clinic(session)
    if clinic is None:
        return None
    before, clinic.retention_years = clinic.retention_years, years
    return clinic.id, before


def set_email_reminders(session: Session, *, on: bool) -> tuple[int, bool] | None:
    """Turn the clinic's email reminders on or off; (clinic id, the setting before), or
    None before the clinic's details are saved."""
    clinic = get_clinic(session)
    if clinic is None:
        return None
    before, clinic.email_reminders = clinic.email_reminders, on
    return clinic.id, before


def set_client_link_days(session: Session, *, days: int) -> tuple[int, int] | None:
    """Clients' own links last this many days by default; (clinic id, the days before), or
    None before the clinic's details are saved."""
    clinic = get_clinic(session)
    if clinic is None:
        return None
    before, clinic.client_link_days = clinic.client_link_days, days
    return clinic.id, before


def update_clinic(session: Session, *, details: dict[str, str]) -> tuple[int, list[str]]:
    """Save the clinic's details (made if missing); (clinic id, the fields that changed)."""
    clinic = ensure_clinic(session, name=details["name"])
    changed = sorted(f for f, value in details.items() if getattr(clinic, f) != value)
    for name, value in details.items():
        setattr(clinic, name, value)
    return clinic.id, changed
