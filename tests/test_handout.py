"""The handout: content and order in the PDF, escaping, versions, history, access."""

import hashlib
import subprocess
from pathlib import Path

from sqlalchemy import func, select

from dashboard.cli import main
from dashboard.db.handouts import handout_data, plan_version_for
from dashboard.db.models import (
    AuditEntry,
    Client,
    Goal,
    HandoutRecord,
    PlanVersion,
    StrategyPart,
)
from dashboard.handout.documents import make_handout
from dashboard.handout.render import html_to_pdf, render_html
from dashboard.pages.ids import admin_catalogue as cat_ids
from tests.conftest import login
from tests.factories import ALICE, pdf_text

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-results"


def test_pdf_has_strategies_doses_goals_and_safety_in_order(db, planned, tmp_path):
    with db.begin() as s:
        client = s.get(Client, planned)
        handout = make_handout(s, client=client, version=1, page_size="a4", user_id=None)
    text = pdf_text(handout.pdf, tmp_path)
    expected = ["Your home-care plan, Carol", "Your goals",
                "Pain at or below 3 out of 10 by 1 March 2027",
                "Carry my shopping", "What to do", "Heat or cold therapy",
                "Heat · 15-20 minutes, twice a day, every day",
                "Never put heat directly on the skin",
                "Stretch and strengthen", "Bridge · 2 × 10 repetitions", "Notes from",
                "This week: tick each day you did it", "Get urgent help",
                "New difficulty passing urine", "See a doctor soon", "A history of cancer",
                "does not replace, professional care", "Page 1 of"]
    flat = " ".join(text.split())
    positions = [flat.find(" ".join(e.split())) for e in expected]
    assert -1 not in positions, [e for e, p in zip(expected, positions, strict=True) if p < 0]
    assert positions[:-1] == sorted(positions[:-1])
    # The note's HTML prints literally; nothing of it was interpreted.
    assert '<script>alert("x")</script> <b>not bold</b>' in flat
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "handout.pdf").write_bytes(handout.pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                    str(ARTIFACTS / "handout.pdf"), str(ARTIFACTS / "handout-page")], check=True)
    info = subprocess.run(["pdfinfo", str(ARTIFACTS / "handout.pdf")], capture_output=True,
                          text=True, check=True).stdout
    assert "Tagged:          yes" in info and "Title:           Your home-care plan" in info
    assert "Author:          Alice Practitioner" in info


def test_html_escapes_user_text(db, planned):
    with db.read() as s, s.no_autoflush:  # changed in memory only, never written
        client = s.get(Client, planned)
        client.given_name = "<img src=x onerror=alert(1)>"
        html = render_html(handout_data(s, client, plan_version_for(s, client, 1)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<html lang="en">' in html


def test_each_version_prints_its_own_content_and_letter_size(db, planned, tmp_path):
    with db.begin() as s:
        client = s.get(Client, planned)
        current = make_handout(s, client=client, version=None, page_size="letter", user_id=None)
    text = " ".join(pdf_text(current.pdf, tmp_path).split())
    assert current.version == 2 and "Cold · 10-15 minutes" in text and "Bridge" not in text
    path = tmp_path / "letter.pdf"
    path.write_bytes(current.pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "(letter)" in info


def test_catalogue_edits_never_change_a_given_plan(db, planned, tmp_path):
    with db.begin() as s:
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        heat.instructions, heat.revision = "CHANGED WORDING", heat.revision + 1
    with db.begin() as s:
        pdf = make_handout(s, client=s.get(Client, planned), version=1, page_size="a4",
                           user_id=None).pdf
    assert "CHANGED WORDING" not in pdf_text(pdf, tmp_path)


def test_history_records_each_handout_and_reuses_identical_renderings(db, planned):
    with db.begin() as s:
        client = s.get(Client, planned)
        first = make_handout(s, client=client, version=1, page_size="a4", user_id=None)
        second = make_handout(s, client=client, version=1, page_size="a4", user_id=None)
    assert not first.reused and second.reused and first.pdf == second.pdf
    with db.read() as s:
        rows = list(s.scalars(select(HandoutRecord)))
        assert len(rows) == 2
        assert rows[0].sha256 == hashlib.sha256(first.pdf).hexdigest()


def test_download_routes_check_access_and_audit(http, db, planned, sqlite_people):
    assert http.post(f"/clients/{planned}/handout.pdf").status_code == 401
    login(http, ALICE)
    response = http.post(f"/clients/{planned}/handout.pdf?version=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="home-care-plan-Carol-v1.pdf"' in response.headers["Content-Disposition"]
    assert http.post(f"/clients/{sqlite_people.bob_client_id}/handout.pdf").status_code == 404
    assert http.post(f"/clients/{planned}/handout.pdf?version=9").status_code == 404
    preview = http.get(f"/clients/{planned}/handout.html")
    assert preview.status_code == 200 and b"Your home-care plan, Carol" in preview.data
    with db.read() as s:
        hid = s.scalar(select(HandoutRecord.id))
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "handout_given")) == 1
    again = http.get(f"/clients/{planned}/handouts/{hid}.pdf")
    assert again.data == response.data
    http.post("/logout")
    login(http, "bob@test.clinic")
    assert http.get(f"/clients/{planned}/handouts/{hid}.pdf").status_code == 404


def test_cli_writes_the_same_pdf(db, planned, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    out = tmp_path / "out.pdf"
    assert main(["handout", str(planned), "-o", str(out), "--version", "1"]) == 0
    pdf = out.read_bytes()
    with db.read() as s:  # recorded as given, by the command line, as the page records it
        record = s.scalars(select(HandoutRecord)).one()
        version = s.get(PlanVersion, record.plan_version_id)
        assert version.version == 1 and record.given and record.created_by_id is None
        parts = [item.part_name for item in version.items]
        assert record.sha256 == hashlib.sha256(pdf).hexdigest() and record.pdf == pdf
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Your home-care plan, Carol" in text
    assert parts and all(f"{name} ·" in text for name in parts)  # version 1: heat, bridge
    assert "Cold ·" not in text  # version 2's part
    assert main(["handout", "999", "-o", str(out)]) == 2
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Goal)) == 2


def test_handouts_laid_out_ahead_are_reused_but_not_listed_as_given(http, db, planned):
    from dashboard.db.handouts import handout_history
    from dashboard.handout.documents import lay_out_ahead

    ahead = {"secret_key": "k", "base_url": "http://localhost"}
    lay_out_ahead(db, planned, **ahead)  # what the job does after a plan is saved
    lay_out_ahead(db, planned, **ahead)  # and never twice for the same content
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord)) == 1
        assert handout_history(s, planned) == []
    login(http, ALICE)
    response = http.post(f"/clients/{planned}/handout.pdf")
    assert response.status_code == 200
    with db.read() as s:
        rows = handout_history(s, planned)
        ahead = s.scalar(select(HandoutRecord.pdf).where(HandoutRecord.given.is_(False)))
    assert len(rows) == 1 and response.data == ahead  # the same bytes, not laid out again


def test_cli_gives_a_handout_with_a_flag_open_only_with_a_reason(db, planned, monkeypatch,
                                                                  tmp_path, capsys):
    """Issue 17, item 8: the command line is one more way to give a handout."""
    from dashboard.db.summary import current_episode

    monkeypatch.setenv("DATABASE_URL", db.url)
    with db.begin() as s:
        current_episode(s, planned).urgent_flag = True
    out = tmp_path / "out.pdf"
    assert main(["handout", str(planned), "-o", str(out)]) == 2
    assert "--red-flag-override" in capsys.readouterr().err and not out.exists()
    assert main(["handout", str(planned), "-o", str(out), "--red-flag-override",
                 "Seen in A&E, cleared"]) == 0
    with db.read() as s:
        assert s.scalar(select(HandoutRecord.red_flag_override)) == "Seen in A&E, cleared"
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "red_flag_overridden")) == 1


def test_the_catalogue_editor_sets_a_ceiling_within_the_templates_doses(http, db,
                                                                         sqlite_people):
    """Issue 17, item 9: ceilings editable in the admin catalogue editor; a template with a
    longer dose keeps the ceiling from falling below it; the change is audited."""
    import json

    from tests.dash_client import invoke
    from tests.factories import ADMIN

    with db.read() as s:  # the shipped "Desk worker" template gives heat 15-20 minutes
        heat_id = s.scalar(select(StrategyPart.id).where(StrategyPart.key == "heat"))
    login(http, ADMIN)
    loaded = invoke(http, cat_ids.MAX_MINUTES, {f"{cat_ids.PART}.value": str(heat_id)}).get_json()
    assert loaded["response"][cat_ids.MAX_MINUTES]["value"] == 20

    def save(ceiling):
        return invoke(http, cat_ids.RESULT, {
            f"{cat_ids.FORM}.n_submit": 1, f"{cat_ids.PART}.value": str(heat_id),
            f"{cat_ids.KIND}.value": "timed",
            f"{cat_ids.RETIRED}.value": False, f"{cat_ids.NAME}.value": "Heat",
            f"{cat_ids.INSTRUCTIONS}.value": "Warm, not hot.", f"{cat_ids.MINUTES_MIN}.value": "15",
            f"{cat_ids.MAX_MINUTES}.value": ceiling}).get_json()["response"]

    refused = save("19")
    assert refused[cat_ids.MAX_MINUTES_ERROR]["children"].startswith(
        "The template “Desk worker” gives this part 20 minutes at a time")
    assert "At most 12 minutes" in save("12")[cat_ids.MINUTES_MAX_ERROR]["children"] + \
        save("12")[cat_ids.MINUTES_MIN_ERROR]["children"]
    assert "Saved" in json.dumps(save("25")[cat_ids.RESULT])
    with db.read() as s:
        assert s.get(StrategyPart, heat_id).max_minutes == 25
        detail = json.loads(s.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "catalogue_part_updated")).all()[-1])
    assert detail["max_minutes"] == {"before": 20, "after": 25}
    # Saved again as it is: no new revision and nothing audited (seen in the catalogue's
    # browser test: a second Save of the part just loaded made revision 2 of the same part).
    with db.read() as s:
        revision = s.get(StrategyPart, heat_id).revision
        entries = s.scalar(select(func.count()).select_from(AuditEntry))
    again = json.dumps(save("25")[cat_ids.RESULT])
    assert f"Nothing has changed since revision {revision}" in again
    with db.read() as s:
        assert s.get(StrategyPart, heat_id).revision == revision
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_the_clients_address_prints_whole_on_one_line_whatever_its_length(db, planned, tmp_path):
    # Tokens are URL-safe base64, so they hold "-" and "_". A break inside the code at a "-"
    # reads as a hyphen, and a client types the address without it.
    token = "F-Uw35iLQmZ40KLtb9QjSLG-F8ZZjn_b"
    for base in ("http://localhost", "https://physio-and-back-care.example-clinic.org.uk"):
        with db.read() as s:
            client = s.get(Client, planned)
            data = handout_data(s, client, plan_version_for(s, client, 1),
                                own_link=f"{base}/my/{token}")
        lines = pdf_text(html_to_pdf(render_html(data)), tmp_path).splitlines()
        assert any(token in line for line in lines), base
        address = f"{base.split('://')[1]}/my/{token}"
        assert address in "".join(line.strip() for line in lines), base
        assert not any(line.rstrip().endswith("-") for line in lines if token[:4] in line)
