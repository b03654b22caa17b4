"""The clinic outcomes report as a PDF, for admins (the overview's button). Aggregates only;
each download is audited with its period."""

from __future__ import annotations

from flask import Blueprint, Response, request

from dashboard.auth.access import require_admin
from dashboard.auth.audit import record_audit
from dashboard.context import attachment, client_ip, clinic_today, current_db
from dashboard.domain.dates import parse_period
from dashboard.handout.outcomes_report import build_report, report_filename, report_pdf

blueprint = Blueprint("outcomes_report", __name__)


@blueprint.get("/overview/outcomes-report.pdf")
def outcomes_report() -> Response:
    user = require_admin()
    today = clinic_today()
    period = parse_period(request.args.get("from"), request.args.get("to"), today)
    if isinstance(period, str):
        return Response(period, status=400, mimetype="text/plain")
    start, end = period
    with current_db().read() as db:
        report = build_report(db, user, start=start, end=end, made_on=today)
    pdf = report_pdf(report)  # laid out with no transaction open
    with current_db().begin() as db:
        record_audit(db, user_id=user.id, action="outcomes_report_downloaded",
                     entity="clinic", ip=client_ip(),
                     detail={"from": start.isoformat(), "to": end.isoformat()})
    return attachment(pdf, "application/pdf", report_filename(start, end))
