"""The clinic outcomes report as a PDF by link, for admins and their scripts (the overview's
button makes the same file as a background job: pages/overview.py). Aggregates only; each
download is audited with its period."""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.auth.access import require_admin
from dashboard.context import attachment, client_ip, clinic_today, current_db
from dashboard.domain.dates import parse_period
from dashboard.handout.outcomes_report import make_report_file

blueprint = Blueprint("outcomes_report", __name__)


@blueprint.get("/overview/outcomes-report.pdf")
def outcomes_report() -> Response:
    user = require_admin()
    today = clinic_today()
    period = parse_period(request.args.get("from"), request.args.get("to"), today)
    if isinstance(period, str):
        return Response(period, status=400, mimetype="text/plain")
    start, end = period
    pdf, filename = make_report_file(current_db(), user, start=start, end=end, today=today,
                                     ip=client_ip())
    return attachment(pdf, "application/pdf", filename)
