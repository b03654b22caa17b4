"""The clinic outcomes report: from the command line and from the overview's button, the
figures and definitions in a few pages, charts as vector graphics, no client named."""

import datetime as dt
import re
import subprocess

from sqlalchemy import select

from dashboard.cli import main
from dashboard.db.models import AuditEntry, Client, User
from dashboard.demo import create_demo
from tests.conftest import login
from tests.dash_client import open_page
from tests.factories import ADMIN, ALICE

TODAY = dt.date.today()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_command_writes_the_report_without_a_client_name(db, monkeypatch, capsys,
                                                              tmp_path):
    with db.begin() as s:
        create_demo(s, today=TODAY)
        clients = s.execute(select(Client.given_name, Client.family_name)).all()
        practitioners = s.scalars(select(User.name).where(User.role == "practitioner")).all()
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "report.pdf"
    start = (TODAY - dt.timedelta(days=365)).isoformat()
    assert main(["outcomes-report", "--from", start, "--to", TODAY.isoformat(),
                 "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert re.search(r"Wrote .*report\.pdf: \d+ episodes discharged", said)
    pdf = out.read_bytes()
    text = " ".join(pdf_text(pdf, tmp_path).split())
    for heading in ("Clinic outcomes", "The whole clinic", "By practitioner",
                    "By strategy in the final plan", "Definitions", "Reliable improvement",
                    "Recovery", "Reliable deterioration", "Case mix at the start",
                    "Jacobson", "Cohen", "Wilson"):
        assert heading in text, heading
    assert all(name in text for name in practitioners)
    # No client's name anywhere (a family name alone may be a practitioner's too).
    assert not [f"{g} {f}" for g, f in clients if f"{g} {f}" in text or
                f"{f}, {g}" in text]
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert 3 <= int(re.search(r"Pages:\s+(\d+)", info).group(1)) <= 8
    # The charts are vector drawings: no raster image in the file.
    images = subprocess.run(["pdfimages", "-list", str(out)], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert len(images) <= 2, images  # the header lines only
    with db.read() as s:
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "outcomes_report_downloaded")).one()
        assert entry.user_id is None and "command line" in entry.detail


def test_the_command_refuses_bad_dates(db, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "r.pdf"
    assert main(["outcomes-report", "--from", "2026-06-01", "--to", "2026-01-01",
                 "-o", str(out)]) == 2
    assert "before the end date" in capsys.readouterr().err and not out.exists()
    assert main(["outcomes-report", "--from", "20260101", "--to", "2026-02-01",
                 "-o", str(out)]) == 2
    assert not out.exists()


def test_the_overview_button_gives_admins_the_pdf_and_nobody_else(http, db, sqlite_people,
                                                                  tmp_path):
    url = "/overview/outcomes-report.pdf?from=2026-01-01&to=2026-06-30"
    login(http, ALICE)
    page = open_page(http, "/overview")
    assert page.status_code == 200 and "Outcomes report (PDF)" in page.get_data(as_text=True)
    assert http.get(url).status_code in (302, 403, 404)
    http.get("/logout")
    login(http, ADMIN)
    assert "Outcomes report (PDF)" in open_page(http, "/overview").get_data(as_text=True)
    # The button makes it as a background job (tests/browser/test_overview_browser.py);
    # the route gives the same file to a link or a script.
    response = http.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "clinic-outcomes-2026-01-01-to-2026-06-30.pdf" in \
        response.headers["Content-Disposition"]
    assert "No episode of care was discharged in this period." in pdf_text(response.data,
                                                                          tmp_path)
    bad = http.get("/overview/outcomes-report.pdf?from=2026-06-01&to=nonsense")
    assert bad.status_code == 400 and b"Enter both dates." in bad.data
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "outcomes_report_downloaded")).all()
    assert [(e.user_id, e.detail) for e in entries] == [
        (sqlite_people.admin_id, '{"from": "2026-01-01", "to": "2026-06-30"}')]


def test_every_practitioner_is_drawn_when_the_chart_is_longer_than_a_page(tmp_path):
    """An SVG cannot break across pages: 120 practitioners in one chart ran off the page
    after about 70 rows, and the rest were never drawn. They are now charts of 50 rows, each
    on a page of its own, and every practitioner is in one."""
    from dashboard.domain.outcomes import GroupOutcomes
    from dashboard.handout.outcomes_report import OutcomesReport, report_pdf

    people = [GroupOutcomes(f"Practitioner P{n:03d}", 10, 5, -2.0, 6.0, pain_judged=10)
              for n in range(1, 121)]
    report = OutcomesReport("Big Clinic", TODAY - dt.timedelta(days=365), TODAY, TODAY,
                            GroupOutcomes("Whole clinic", 1200, 600, -2.0, 6.0,
                                          pain_judged=1200), people, [])
    path = tmp_path / "report.pdf"
    path.write_bytes(report_pdf(report))
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout)[1])
    drawn = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        if "100%" in text:  # a chart's axis: the table has no share of 100% here
            drawn += re.findall(r"Practitioner (P\d{3})", text)
    assert sorted(set(drawn)) == [f"P{n:03d}" for n in range(1, 121)]
