"""A client's details as typed into the form, and what is wrong with them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dashboard.domain.dates import DAY_HINT, parse_optional_day
from dashboard.domain.people import age_on
from dashboard.domain.text import CONTROL_MESSAGE, has_control

MAX_NAME = 100
MAX_AGE = 120
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PHONE_CHARS = re.compile(r"^[0-9+()\-. ]+$")


@dataclass(frozen=True)
class ClientInput:
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    email: str = ""
    phone: str = ""


def parse_date(raw: object) -> dt.date | None:
    """A date as the field or a CSV file gives it ("14 Mar 1985", "14/03/1985" or ISO), or
    None when empty; anything else raises ValueError."""
    return parse_optional_day(raw)


def clean_client(raw: dict[str, object]) -> tuple[ClientInput, dict[str, str]]:
    """Trim and parse the form's values; errors keyed by field."""
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            # Only a forged request sends a number or a list for a text field: refused,
            # not quietly saved as empty.
            errors[name] = "Enter this as text."
            return ""
        return value.strip() if value else ""

    try:
        dob = parse_date(raw.get("date_of_birth"))
    except ValueError:
        dob = None
        errors["date_of_birth"] = DAY_HINT
    data = ClientInput(text("given_name"), text("family_name"), dob, text("email").lower(),
                       text("phone"))
    return data, errors


def validate_client(data: ClientInput, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, label in (("given_name", "Given name"), ("family_name", "Family name")):
        value = getattr(data, name)
        if not value:
            errors[name] = f"{label} is required."
        elif len(value) > MAX_NAME:
            errors[name] = f"{label} is limited to {MAX_NAME} characters."
        elif has_control(value):
            errors[name] = CONTROL_MESSAGE
    if data.date_of_birth is None:
        errors["date_of_birth"] = "Date of birth is required."
    elif data.date_of_birth >= today:
        errors["date_of_birth"] = "Date of birth must be in the past."
    elif age_on(data.date_of_birth, today) > MAX_AGE:
        errors["date_of_birth"] = f"That would make the client over {MAX_AGE}: check the year."
    if data.email and (len(data.email) > 254 or not EMAIL.match(data.email)
                       or has_control(data.email)):
        errors["email"] = "Enter a valid email address, such as name@example.com."
    if data.phone:
        digits = sum(ch.isdigit() for ch in data.phone)
        if not PHONE_CHARS.match(data.phone) or not 6 <= digits <= 15:
            errors["phone"] = "Enter a phone number of 6 to 15 digits (spaces, +, - allowed)."
    return errors
