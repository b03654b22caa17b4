"""Every component id of the strategy catalogue page (pages/admin_catalogue.py, with its
picture section from pages/catalogue_picture.py)."""

PART = "cat-part"  # the part chooser: a part's id, or "new-<strategy id>"
FORM = "cat-form"
KIND = "cat-kind"
RETIRED = "cat-retired"
RESULT = "cat-result"
# The part's fields, each with its message below it: the words, the default dose
# (domain/dose.LIMITS) and the safe ceiling of minutes at a time.
NAME = "cat-name"
NAME_ERROR = "cat-name-error"
INSTRUCTIONS = "cat-instructions"
INSTRUCTIONS_ERROR = "cat-instructions-error"
CAUTIONS = "cat-cautions"
CAUTIONS_ERROR = "cat-cautions-error"
MINUTES_MIN = "cat-minutes_min"
MINUTES_MIN_ERROR = "cat-minutes_min-error"
MINUTES_MAX = "cat-minutes_max"
MINUTES_MAX_ERROR = "cat-minutes_max-error"
SETS = "cat-sets"
SETS_ERROR = "cat-sets-error"
REPS = "cat-reps"
REPS_ERROR = "cat-reps-error"
HOLD_SECONDS = "cat-hold_seconds"
HOLD_SECONDS_ERROR = "cat-hold_seconds-error"
TIMES_PER_DAY = "cat-times_per_day"
TIMES_PER_DAY_ERROR = "cat-times_per_day-error"
DAYS_PER_WEEK = "cat-days_per_week"
DAYS_PER_WEEK_ERROR = "cat-days_per_week-error"
MAX_MINUTES = "cat-max_minutes"
MAX_MINUTES_ERROR = "cat-max_minutes-error"
FIELDS = {  # the part's field -> its input
    "name": NAME, "instructions": INSTRUCTIONS, "cautions": CAUTIONS,
    "minutes_min": MINUTES_MIN, "minutes_max": MINUTES_MAX, "sets": SETS, "reps": REPS,
    "hold_seconds": HOLD_SECONDS, "times_per_day": TIMES_PER_DAY,
    "days_per_week": DAYS_PER_WEEK, "max_minutes": MAX_MINUTES,
}
FIELD_ERRORS = {  # the part's field -> its message
    "name": NAME_ERROR, "instructions": INSTRUCTIONS_ERROR, "cautions": CAUTIONS_ERROR,
    "minutes_min": MINUTES_MIN_ERROR, "minutes_max": MINUTES_MAX_ERROR, "sets": SETS_ERROR,
    "reps": REPS_ERROR, "hold_seconds": HOLD_SECONDS_ERROR,
    "times_per_day": TIMES_PER_DAY_ERROR, "days_per_week": DAYS_PER_WEEK_ERROR,
    "max_minutes": MAX_MINUTES_ERROR,
}

# The part's picture (pages/catalogue_picture.py).
PICTURE_SECTION = "cat-picture-section"
PICTURE_CURRENT = "cat-picture-current"
PICTURE_UPLOAD = "cat-picture-upload"
PICTURE_FILE = "cat-picture-file"
PICTURE_UPLOAD_ERROR = "cat-picture-upload-error"
PICTURE_ALT = "cat-picture-alt"
PICTURE_ALT_ERROR = "cat-picture-alt-error"
PICTURE_SAVE = "cat-picture-save"
PICTURE_RESULT = "cat-picture-result"
