"""Every component id of the client page, in one place."""

from typing import Any

from dash import ALL

CLIENT_ID = "client-id"
ARCHIVE = "client-archive"
ARCHIVE_RESULT = "client-archive-result"
ARCHIVED_BADGE = "client-archived-badge"
HEADER_BADGES = "client-header-badges"  # status and episode state, redrawn after a save
HEADER_FACTS = "client-header-facts"  # age, contact, practitioner, latest pain

TEMPLATE = "plan-template"
APPLY_TEMPLATE = "plan-apply-template"
TEMPLATE_RESULT = "plan-template-result"
INCLUDE = "plan-include"  # pattern: {"type": INCLUDE, "part": id}
DOSE = "plan-dose"  # pattern: {"type": DOSE, "part": id, "field": name}
PART_ERROR = "plan-part-error"  # pattern: {"type": PART_ERROR, "part": id}
# The reason for a dose past a part's safe ceiling: pattern {"type": CEILING_REASON, "part": id}
CEILING_REASON = "plan-ceiling-reason"
# The reason for saving while an urgent red flag is open (always drawn, shown only then).
RED_FLAG_REASON = "plan-red-flag-reason"
RED_FLAG_ERROR = "plan-red-flag-reason-error"
RED_FLAG_AREA = "plan-red-flag-area"
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
# The plan builder's fields by name (the callbacks read and fill them by these names).
PLAN_FIELDS: dict[str, str | dict[str, Any]] = {
    "include": {"type": INCLUDE, "part": ALL},
    "doses": {"type": DOSE, "part": ALL, "field": ALL},
    "reasons": {"type": CEILING_REASON, "part": ALL},
    "red_flag_reason": RED_FLAG_REASON,
    "review": REVIEW,
    "notes": NOTES,
    "pain_target": GOAL_PAIN,
    "pain_date": GOAL_PAIN_DATE,
    "activity": GOAL_ACTIVITY,
    "activity_date": GOAL_ACTIVITY_DATE,
}
PLAN_ERRORS = {  # error key from the domain -> element id (each part's doses: PART_ERROR)
    "items": ITEMS_ERROR, "review": REVIEW_ERROR, "notes": NOTES_ERROR, **GOAL_ERRORS,
    "red_flag": RED_FLAG_ERROR,
}
PLAN_AREA = "plan-area"
PLAN_DRAWN = "plan-drawn"
SAVE = "plan-save"
SAVE_RESULT = "plan-save-result"
PLAN_UNSAVED = "plan-unsaved"  # "Unsaved changes", shown by assets/unsaved.js
HEADING = "plan-heading"
HISTORY = "plan-history"
VIEW = "plan-view"  # pattern: {"type": VIEW, "version": n}
VERSION_MODAL = "plan-version-modal"
VERSION_BODY = "plan-version-body"
VERSION_TITLE = "plan-version-title"

TABS = "client-tabs"
ALERTS = "client-alerts"
ALERT_ACTION = "alert-action"  # pattern: {"type": ALERT_ACTION, "alert": id}
ALERT_NOTE = "alert-note"
ALERT_ACK = "alert-ack"
ALERT_RESULT = "alert-result"
ALERT_BOX = "alert-box"  # pattern: {"type": ALERT_BOX, "alert": id}

SESSION_FORM = "sess-form"
SESSION_AREA = "sess-area"
SESSION_RATINGS = "sess-ratings"  # the function fieldset's rows, redrawn when activities change
SESSION_HEADING = "sess-heading"
SESSION_EDITING = "sess-editing"
SESSION_CANCEL = "sess-cancel"
SESSION_DATE = "sess-date"
SESSION_PAIN = "sess-pain"
SESSION_STRESS = "sess-stress"
SESSION_NOTES = "sess-notes"
SESSION_RATING = "sess-rating"  # pattern: {"type": SESSION_RATING, "activity": id}
SESSION_RATING_ERROR = "sess-rating-error"
SESSION_ADHERENCE = "sess-adh"  # pattern: {"type": SESSION_ADHERENCE, "item": id}
SESSION_ADHERENCE_ERROR = "sess-adh-error"
SESSION_Q_INCLUDE = "sess-q-include"
SESSION_Q_COLLAPSE = "sess-q-collapse"  # pattern: {"type": ..., "instrument": key}
SESSION_Q_ITEM = "sess-q"  # pattern: {"type": SESSION_Q_ITEM, "instrument": key, "item": n}
SESSION_Q_ERROR = "sess-q-error"  # pattern: {"type": ..., "instrument": key}
SESSION_ERRORS = {"date": "sess-date-error", "pain": "sess-pain-error",
                  "stress": "sess-stress-error", "notes": "sess-notes-error",
                  "adherence": "sess-adherence-error", "questionnaires": "sess-q-general-error"}
# The session form's fields by name (the callbacks read and fill them by these names).
SESSION_FIELDS: dict[str, str | dict[str, Any]] = {
    "date": SESSION_DATE,
    "pain": SESSION_PAIN,
    "stress": SESSION_STRESS,
    "notes": SESSION_NOTES,
    "ratings": {"type": SESSION_RATING, "activity": ALL},
    "adherence": {"type": SESSION_ADHERENCE, "item": ALL},
    "questionnaires": SESSION_Q_INCLUDE,
    "answers": {"type": SESSION_Q_ITEM, "instrument": ALL, "item": ALL},
}
# Each list of per-item fields' messages, by the name of the field it belongs to.
SESSION_ITEM_ERRORS: dict[str, dict[str, Any]] = {
    "ratings": {"type": SESSION_RATING_ERROR, "activity": ALL},
    "adherence": {"type": SESSION_ADHERENCE_ERROR, "item": ALL},
    "answers": {"type": SESSION_Q_ERROR, "instrument": ALL},
}
SESSION_RESULT = "sess-result"
SESSION_UNSAVED = "sess-unsaved"
SESSION_HISTORY = "sess-history"
SESSION_EDIT = "sess-edit"  # pattern: {"type": SESSION_EDIT, "session": id}
SESSION_DELETE = "sess-delete"
SESSION_RESTORE = "sess-restore"
ACTIVITIES = "sess-activities"
ACTIVITIES_SAVE = "sess-activities-save"
ACTIVITIES_RESULT = "sess-activities-result"

PROGRESS = "progress-area"
PROGRESS_RANGE = "progress-range"
PROGRESS_EPISODE = "progress-episode"

HANDOUT_SIZE = "handout-size"
HANDOUT_DOWNLOAD = "handout-download"
HANDOUT_FILE = "handout-file"
HANDOUT_STATUS = "handout-status"
HANDOUT_HISTORY = "handout-history"
HANDOUT_RED_FLAG_REASON = "handout-red-flag-reason"  # drawn only while the flag is open
HANDOUT_RED_FLAG_ERROR = "handout-red-flag-reason-error"
HANDOUT_PREVIEW = "handout-preview"
CLIENT_LINK = "client-own-link"

TEAM = "team-area"
TEAM_PRACTITIONER = "team-practitioner"
TEAM_REASSIGN = "team-reassign"
TEAM_SHARE_WITH = "team-share-with"
TEAM_SHARE = "team-share"
TEAM_UNSHARE = "team-unshare"  # pattern: {"type": TEAM_UNSHARE, "user": id}
TEAM_RESULT = "team-result"

# The episode view, intake's red-flag panel and the discharge form.
REFERRAL_NOTE = "episode-referral-note"
REFERRAL_SAVE = "episode-referral-save"
CLEAR_NOTE = "episode-clear-note"
CLEAR_SAVE = "episode-clear-save"
FLAG_AREA = "episode-flag-area"
# Outside FLAG_AREA, so a refusal shows its message without redrawing the form (and
# without touching what the practitioner has typed).
FLAG_ERROR = "episode-flag-error"
FLAG_EPISODE = "episode-flag-episode"
DISCHARGE_REASON = "discharge-reason"
DISCHARGE_DATE = "discharge-date"
DISCHARGE_RECOMMENDATIONS = "discharge-recommendations"
DISCHARGE_GOAL = "discharge-goal"  # pattern: {"type": DISCHARGE_GOAL, "goal": id}
DISCHARGE_GOAL_REASON = "discharge-goal-reason"  # same pattern
DISCHARGE_EPISODE = "discharge-episode"
DISCHARGE_SAVE = "discharge-save"
DISCHARGE_RESULT = "discharge-result"
DISCHARGE_ERRORS = {"reason": "discharge-reason-error", "ended_on": "discharge-date-error",
                    "recommendations": "discharge-recommendations-error"}
DISCHARGE_GO = "discharge-go"

# Break glass and the client's copy.
BG_CLIENT_ID = "bg-client-id"
BG_REASON = "bg-reason"
BG_REASON_ERROR = "bg-reason-error"
BG_OPEN = "bg-open"
BG_RESULT = "bg-result"
BG_GO = "bg-go"
COPY = "client-copy"
COPY_FILE = "client-copy-file"
COPY_STATUS = "client-copy-status"

ALERT_NEW = "safety-alert-new"  # assets/alert_focus.js moves the focus to it

# Parts of the page that callbacks do not address but tests and the browser look for.
FHIR_LINK = "client-fhir"
INTAKE_LINK = "episode-intake"
MEASURES_LINK = "client-measures-link"
REMINDERS_LINK = "client-reminders-link"
COVERING_BANNER = "covering-banner"
ERASE_LINK = "client-erase-link"
RED_FLAG_STOP = "red-flag-stop"
RED_FLAG_CLEARED = "red-flag-cleared"
RED_FLAG_REFERRED = "red-flag-referred"
PLAN_RED_FLAG = "plan-red-flag"
SUMMARY_CLIENT = "summary-client"  # + "-<episode id>": the client's discharge summary link
SUMMARY_REFERRER = "summary-referrer"  # + "-<episode id>"
PROGRESS_RELIABLE_CHANGE = "progress-reliable-change"
PROGRESS_TABLE = "progress-table"
PROGRESS_HOME_TABLE = "progress-home-table"
PROGRESS_QUESTIONNAIRE_TABLE = "progress-questionnaire-table"
PROGRESS_SENTENCE = "progress-sentence"
PROGRESS_FUNCTION_SENTENCE = "progress-function-sentence"
PROGRESS_ADHERENCE = "progress-adherence"
PROGRESS_SCATTER = "progress-scatter"
PROGRESS_TIMELINE = "progress-timeline"
SESSION_SAVE = "sess-save"
SESSION_HISTORY_TABLE = "sess-history-table"
SESSION_NOTES_LINK = "sess-notes-link"  # every session's note in full (pages/client_notes.py)
