"""Domain logic: plain functions and dataclasses. No Dash, no SQL."""
