"""Rules for managing user accounts."""

from __future__ import annotations

import re
import secrets

from dashboard.domain.text import CONTROL_MESSAGE, has_control

ROLES = ("admin", "practitioner")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
LAST_ADMIN = "The last active admin can be neither demoted nor deactivated."


def account_problem(*, is_active_admin: bool, new_role: str, new_active: bool,
                    active_admins: int) -> str | None:
    """Why a change of role or of active state is refused, or None."""
    if new_role not in ROLES:
        return "Choose admin or practitioner."
    if is_active_admin and active_admins <= 1 and (new_role != "admin" or not new_active):
        return LAST_ADMIN
    return None


def new_user_problems(email: object, name: object, role: object) -> dict[str, str]:
    errors = {}
    if (not isinstance(email, str) or len(email.strip()) > 254
            or not EMAIL.match(email.strip()) or has_control(email)):
        errors["email"] = "Enter a valid email address."
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 200:
        errors["name"] = "Enter the person's name (up to 200 characters)."
    elif has_control(name):
        errors["name"] = CONTROL_MESSAGE
    if role not in ROLES:
        errors["role"] = "Choose admin or practitioner."
    return errors


def temporary_password() -> str:
    """A one-time password for a new or reset account, changed at first sign-in."""
    return secrets.token_urlsafe(12)
