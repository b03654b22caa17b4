"""Every component id of the session notes page (pages/client_notes.py)."""

PAGE = "notes-page"
