"""Every component id of the client page, in one place."""

CLIENT_ID = "client-id"
ARCHIVE = "client-archive"
ARCHIVE_RESULT = "client-archive-result"
ARCHIVED_BADGE = "client-archived-badge"

TEMPLATE = "plan-template"
APPLY_TEMPLATE = "plan-apply-template"
TEMPLATE_RESULT = "plan-template-result"
INCLUDE = "plan-include"  # pattern: {"type": INCLUDE, "part": id}
DOSE = "plan-dose"  # pattern: {"type": DOSE, "part": id, "field": name}
PART_ERROR = "plan-part-error"  # pattern: {"type": PART_ERROR, "part": id}
ITEMS_ERROR = "plan-items-error"
REVIEW = "plan-review"
REVIEW_ERROR = "plan-review-error"
NOTES = "plan-notes"
NOTES_ERROR = "plan-notes-error"
GOAL_PAIN = "plan-goal-pain"
GOAL_PAIN_DATE = "plan-goal-pain-date"
GOAL_ACTIVITY = "plan-goal-activity"
GOAL_ACTIVITY_DATE = "plan-goal-activity-date"
GOAL_ERRORS = {  # error key from the domain -> element id
    "goal-0-target": "plan-goal-pain-error",
    "goal-0-date": "plan-goal-pain-date-error",
    "goal-1-description": "plan-goal-activity-error",
    "goal-1-date": "plan-goal-activity-date-error",
}
SAVE = "plan-save"
SAVE_RESULT = "plan-save-result"
HEADING = "plan-heading"
HISTORY = "plan-history"
VIEW = "plan-view"  # pattern: {"type": VIEW, "version": n}
VERSION_MODAL = "plan-version-modal"
VERSION_BODY = "plan-version-body"
VERSION_TITLE = "plan-version-title"
