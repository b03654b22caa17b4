"""Shared steps of the client pages: read and check the form, then save, with audit.

Kept apart from the page modules so the new-client and edit pages stay short; no layout here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashboard.auth.access import CurrentUser
from dashboard.db.users import active_practitioner_id
from dashboard.domain.clients import ClientInput, clean_client, validate_client

if TYPE_CHECKING:  # annotations only
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class CheckedClient:
    data: ClientInput
    practitioner_id: int | None
    errors: dict[str, str]


def check_client_form(session: Session, user: CurrentUser, raw: dict[str, object],
                      today: dt.date) -> CheckedClient:
    """Parse and validate the form. An admin's practitioner choice must be a real, active one;
    a practitioner's own clients are always theirs, whatever the request says."""
    data, errors = clean_client(raw)
    errors = {**validate_client(data, today), **errors}
    practitioner_id: int | None = user.id
    if user.is_admin:
        chosen = raw.get("practitioner_id")
        practitioner_id = active_practitioner_id(session, chosen)
        if practitioner_id is None:
            errors["practitioner_id"] = "Choose the practitioner responsible for this client."
    return CheckedClient(data, practitioner_id, errors)


def fingerprint(data: ClientInput) -> str:
    """What a duplicate warning was shown for: submitting the same again confirms it."""
    return f"{data.given_name.lower()}|{data.family_name.lower()}|{data.date_of_birth}"
