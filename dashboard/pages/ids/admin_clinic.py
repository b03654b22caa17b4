"""Every component id of the clinic details page (pages/admin_clinic.py)."""

# The clinic's details (domain/clinic.CLINIC_FIELDS), one form.
FORM = "clinic-form"
NAME = "clinic-name"
NAME_ERROR = "clinic-name-error"
ADDRESS = "clinic-address"
ADDRESS_ERROR = "clinic-address-error"
PHONE = "clinic-phone"
PHONE_ERROR = "clinic-phone-error"
CRISIS_LINE_TEXT = "clinic-crisis_line_text"
CRISIS_LINE_TEXT_ERROR = "clinic-crisis_line_text-error"
RESULT = "clinic-result"
FIELDS = {"name": NAME, "address": ADDRESS, "phone": PHONE,
          "crisis_line_text": CRISIS_LINE_TEXT}  # field -> its input
FIELD_ERRORS = {"name": NAME_ERROR, "address": ADDRESS_ERROR, "phone": PHONE_ERROR,
                "crisis_line_text": CRISIS_LINE_TEXT_ERROR}  # field -> its message

# Records retention, a form of its own.
RETENTION_FORM = "clinic-retention-form"
RETENTION_YEARS = "clinic-retention_years"
RETENTION_YEARS_ERROR = "clinic-retention_years-error"
RETENTION_RESULT = "clinic-retention-result"

# Email reminders, a form of its own.
REMINDERS_FORM = "clinic-reminders-form"
REMINDERS_NOTE = "clinic-reminders-note"
REMINDERS = "clinic-reminders"
REMINDERS_RESULT = "clinic-reminders-result"

# How long a client's own link lasts, a form of its own.
LINK_FORM = "clinic-link-form"
LINK_DAYS = "clinic-link_days"
LINK_DAYS_ERROR = "clinic-link_days-error"
LINK_RESULT = "clinic-link-result"
