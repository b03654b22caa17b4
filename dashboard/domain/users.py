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


# A practitioner's profession, as printed on handouts (issue 19's profile).
PROFESSIONS = {"physical_therapist": "physical therapist",
               "mental_health_therapist": "mental-health therapist", "other": "other"}
PHONE = re.compile(r"^[0-9+()\-. ]{5,30}$")


def profile_problems(handout_name: object, phone: object, profession: object
                     ) -> tuple[dict[str, str], dict[str, str]]:
    """The profile as it will be saved (blank handout name: the account's name is printed;
    blank profession: none printed), and a message per field that is refused."""
    errors: dict[str, str] = {}
    cleaned = {"handout_name": handout_name.strip() if isinstance(handout_name, str) else "",
               "phone": " ".join(phone.split()) if isinstance(phone, str) else "",
               "profession": profession if isinstance(profession, str) else ""}
    if not isinstance(handout_name, str | None) or len(cleaned["handout_name"]) > 200:
        errors["handout_name"] = "Enter the name to print (up to 200 characters)."
    elif has_control(cleaned["handout_name"]):
        errors["handout_name"] = CONTROL_MESSAGE
    if not isinstance(phone, str | None) or (
            cleaned["phone"] and not PHONE.match(cleaned["phone"])):
        errors["phone"] = ("Enter a phone number with digits, spaces and + ( ) - only, "
                           "or leave it empty.")
    if cleaned["profession"] not in ("", *PROFESSIONS):
        errors["profession"] = "Choose a profession from the list."
    return cleaned, errors


def printed_contact(profession: str, phone: str, email: str) -> str:
    """What follows a practitioner's name on paper: profession, phone, email, as set."""
    return " · ".join(x for x in (PROFESSIONS.get(profession, "") if profession != "other"
                                  else "", phone, email) if x)
