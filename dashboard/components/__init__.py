"""Layout builders shared by pages. No data access."""
