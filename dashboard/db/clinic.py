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
