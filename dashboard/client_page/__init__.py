"""The client's own page (``/my/``) and the practitioner's page for the client's link."""

from __future__ import annotations

from flask import Flask

from dashboard.client_page import (
    client,
    home_measures,
    practitioner,
    reminders_page,
    unsubscribe,
)

# home_measures and unsubscribe add their routes to client's blueprint.
__all__ = ["home_measures", "init_client_page", "unsubscribe"]


def init_client_page(server: Flask) -> None:
    server.register_blueprint(client.blueprint)
    server.register_blueprint(practitioner.blueprint)
    server.register_blueprint(reminders_page.blueprint)
