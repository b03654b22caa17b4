"""Tests of dashboard/pages/: one module per page, the client page a package."""
