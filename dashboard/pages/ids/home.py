"""Every component id of the home page (pages/home.py): a practitioner's day."""

RED_FLAGS = "home-red-flags"  # episodes flagged urgent (drawn only when there are some)
DUE = "home-due"  # sections, each an aria-labelled <section>
DUE_TABLE = "home-due-table"
WORSE = "home-worse"
WORSE_TABLE = "home-worse-table"
LOGGED = "home-logged"
LOGGED_LIST = "home-logged-list"
RECENT = "home-recent"
CASELOAD = "home-caseload"
CLIENTS = "home-clients"  # the caseload's table
EMPTY = "home-empty"  # the caseload's sentence when there is no one else
