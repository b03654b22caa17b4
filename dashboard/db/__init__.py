"""Data access: models, the engine and sessions, and query functions taking a session."""
