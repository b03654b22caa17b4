"""Tests of dashboard/pages/client/."""
