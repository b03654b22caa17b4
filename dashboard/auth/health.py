"""The health check a load balancer or a restart script asks: no login, no data."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from dashboard.auth.paths import HEALTH_PATH

blueprint = Blueprint("health", __name__)


@blueprint.get(HEALTH_PATH)
def healthz() -> Response:
    return jsonify(status="ok")
