"""Every component id of the clinic overview (pages/overview.py)."""

START = "overview-start"
END = "overview-end"
PRACTITIONER = "overview-practitioner"
REPORT = "overview-report"  # the button that makes the outcomes report (a background job)
REPORT_RUNNING = "overview-report-running"
REPORT_STATUS = "overview-report-status"
REPORT_FILE = "overview-report-file"
REPORT_PAGE_LOAD = "overview-report-token"  # a token per page load: keeps each job apart
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
