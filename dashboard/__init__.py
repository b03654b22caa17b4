"""Clinic dashboard for stress-related back pain care."""
