"""Every component id of the intake page (pages/client_intake.py). The red-flag panel it
shows after saving is the client page's (pages/client/ids.py: FLAG_AREA, CLIENT_ID)."""

GO = "intake-go"  # to the client once the intake is recorded
FORM = "intake-form"
SOURCE = "intake-source"
REFERRER = "intake-referrer"
REASON = "intake-reason"
CONSENT_TREATMENT = "intake-consent-treatment"
CONSENT_DATA = "intake-consent-data"
CONSENT_EMAIL = "intake-consent-email"
SAVE = "intake-save"
RESULT = "intake-result"
# Each message's id is its field's and "-error": assets/form-errors.js pairs them by that
# name to mark the field invalid and described by the message.
SOURCE_ERROR = "intake-source-error"
REFERRER_ERROR = "intake-referrer-error"
REASON_ERROR = "intake-reason-error"
CONSENT_TREATMENT_ERROR = "intake-consent-treatment-error"
ERRORS = {  # error key from domain/episodes.parse_intake -> the element its message goes in
    "referral_source": SOURCE_ERROR, "referrer_name": REFERRER_ERROR,
    "reason": REASON_ERROR, "consent_treatment": CONSENT_TREATMENT_ERROR,
}
# The red-flag screen: one row per question (domain/episodes.RED_FLAG_ITEMS).
QUESTION = "intake-q"  # + "-<item key>": the question, which labels its answers
FLAG = "intake-flag"  # pattern: {"type": FLAG, "item": key}
FLAG_ERROR = "intake-flag-error"  # pattern: {"type": FLAG_ERROR, "item": key}
