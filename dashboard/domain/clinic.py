"""The clinic's details as an admin types them."""

from __future__ import annotations

from dashboard.domain.text import CONTROL_MESSAGE, has_control

CLINIC_FIELDS = ("name", "address", "phone", "crisis_line_text")
LIMITS = {"name": 200, "address": 500, "phone": 50, "crisis_line_text": 1000}


def clinic_problems(raw: dict[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """Trimmed values, and problems keyed by field."""
    cleaned = {k: value.strip() if isinstance(value := raw.get(k) or "", str) else ""
               for k in CLINIC_FIELDS}
    errors = {}
    for key, limit in LIMITS.items():
        if len(cleaned[key]) > limit:
            errors[key] = f"At most {limit} characters."
        elif has_control(cleaned[key], multiline=key in ("address", "crisis_line_text")):
            errors[key] = CONTROL_MESSAGE
    if not cleaned["name"]:
        errors["name"] = "The clinic needs a name: it heads every handout."
    if not cleaned["crisis_line_text"]:
        errors["crisis_line_text"] = ("Give the crisis line people should call: it is shown "
                                      "with every safety alert.")
    return cleaned, errors
