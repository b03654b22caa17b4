"""Every component id of the clinic overview (pages/overview.py)."""

START = "overview-start"
END = "overview-end"
PRACTITIONER = "overview-practitioner"
REPORT = "overview-report"
ERROR = "overview-error"
BODY = "overview-body"
# The figures and tables drawn into BODY.
CASELOAD = "overview-caseload"
STATUS = "overview-status"
STRATEGY = "overview-strategy"
SESSIONS = "overview-sessions"
DISCHARGE_PRACTITIONER = "overview-discharge-practitioner"
DISCHARGE_STRATEGY = "overview-discharge-strategy"
# The practitioners' outcome table a page at a time, and its pager.
DISCHARGE_PRACTITIONER_ROWS = "overview-discharge-practitioner-rows"
DISCHARGE_PRACTITIONER_PAGE = "overview-discharge-practitioner-page"
