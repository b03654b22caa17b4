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
REFERRAL_SOURCE_ERROR = "intake-referral_source-error"
REFERRER_NAME_ERROR = "intake-referrer_name-error"
REASON_ERROR = "intake-reason-error"
CONSENT_TREATMENT_ERROR = "intake-consent_treatment-error"
ERRORS = {  # error key from domain/episodes.parse_intake -> the element its message goes in
    "referral_source": REFERRAL_SOURCE_ERROR, "referrer_name": REFERRER_NAME_ERROR,
    "reason": REASON_ERROR, "consent_treatment": CONSENT_TREATMENT_ERROR,
}
# The red-flag screen: one row per question (domain/episodes.RED_FLAG_ITEMS).
QUESTION = "intake-q"  # + "-<item key>": the question, which labels its answers
FLAG = "intake-flag"  # pattern: {"type": FLAG, "item": key}
FLAG_ERROR = "intake-flag-error"  # pattern: {"type": FLAG_ERROR, "item": key}
