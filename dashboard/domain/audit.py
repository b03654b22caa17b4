"""The audit log in words: an action code and its JSON detail as an admin reads them."""

from __future__ import annotations

import json

# Codes whose plain reading ("totp code shown") would puzzle an admin; the rest read well
# with their underscores as spaces ("client viewed", "plan saved").
ACTION_WORDS = {
    "totp_code_shown": "two-step code printed (command line)",
    "totp_code_refused": "two-step code refused",
    "totp_reset": "two-step sign-in reset",
    "totp_setup_started": "two-step sign-in set up",
    "totp_enabled": "two-step sign-in turned on",
    "login_code_asked": "sign-in code asked for",
    "clinic_search": "clinic searched (cover a colleague)",
    "break_glass_opened": "break glass: record opened",
    "access_denied": "access refused",
    "fhir_exported": "record exported (FHIR)",
    "fhir_exported_clinic": "clinic exported (FHIR)",
    "client_copy_made": "client's copy made",
}


def action_words(action: str) -> str:
    """"client_viewed" -> "Client viewed"."""
    words = ACTION_WORDS.get(action, action.replace("_", " "))
    return words[:1].upper() + words[1:]


def detail_words(detail: str, limit: int = 300) -> str:
    """The JSON detail as "key: value; key: value" (lists joined, keys in words); text that
    is not a JSON object is shown as it is."""
    try:
        data = json.loads(detail) if detail else {}
    except ValueError:
        return detail[:limit]
    if not isinstance(data, dict):
        return str(data)[:limit]

    def value(v: object) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, list):
            return ", ".join(value(x) for x in v) or "none"
        if isinstance(v, dict):
            return ", ".join(f"{k.replace('_', ' ')} {value(x)}" for k, x in v.items())
        return "—" if v is None else str(v)

    text = "; ".join(f"{key.replace('_', ' ')}: {value(v)}" for key, v in data.items())
    return text if len(text) <= limit else text[:limit - 1] + "…"
