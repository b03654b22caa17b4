"""The health check a load balancer asks (no login, no data)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    jsonify,
)

blueprint = Blueprint("health", __name__)

HEALTH_PATH = "/healthz"


@blueprint.get(HEALTH_PATH)
def healthz() -> Response:
    return jsonify(status="ok")
