"""Admin pages: clinic details and the audit log (filters, pages, CSV)."""

import csv
import io
import json

from sqlalchemy import select

from dashboard.db.models import AuditEntry, Clinic
from dashboard.pages.client import ids
from dashboard.pages.ids import admin_audit as audit_ids
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.pages.ids import admin_templates as tpl_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE


def clinic_form(**changes):
    values = {f"{clinic_ids.FORM}.n_submit": 1, f"{clinic_ids.NAME}.value": "Harbour Clinic",
              f"{clinic_ids.ADDRESS}.value": "1 Quay", f"{clinic_ids.PHONE}.value": "01632 960 111",
              f"{clinic_ids.CRISIS_LINE_TEXT}.value": "Call 116 123 at any time."}
    values.update(changes)
    return values


def test_clinic_details_are_validated_saved_and_audited(http, db, sqlite_people):
    login(http, ADMIN)
    body = invoke(http, clinic_ids.RESULT, clinic_form(**{
        f"{clinic_ids.NAME}.value": "  ", f"{clinic_ids.CRISIS_LINE_TEXT}.value": ""})
                  ).get_data(as_text=True)
    assert "needs a name" in body and "crisis line" in body and "Not saved" in body
    with db.read() as s:
        assert s.scalar(select(Clinic.name)) == "Test Clinic"
    assert "Saved" in invoke(http, clinic_ids.RESULT, clinic_form()).get_data(as_text=True)
    with db.read() as s:
        clinic = s.scalar(select(Clinic))
        assert (clinic.name, clinic.crisis_line_text) == ("Harbour Clinic",
                                                          "Call 116 123 at any time.")
    http.post("/logout")
    login(http, ALICE)
    assert invoke(http, clinic_ids.RESULT, clinic_form()).status_code == 403


def test_audit_log_filters_pages_and_exports_safely(http, db, sqlite_people):
    # A failed login whose email is a spreadsheet formula: it must export as text.
    http.post("/login", data={"email": "=HYPERLINK(1)", "password": "x"})
    login(http, ALICE)
    http.post("/logout")
    login(http, ADMIN)
    values = {f"{audit_ids.USER}.value": "any", f"{audit_ids.CLIENT}.value": "",
              f"{audit_ids.ACTION}.value":
              "login", f"{audit_ids.START}.value": None, f"{audit_ids.END}.value": None,
              f"{audit_ids.PAGES}.active_page": 1}
    body = invoke(http, audit_ids.TABLE, values).get_data(as_text=True)
    assert "2 entries" in body and "alice@test.clinic" in body
    values[f"{audit_ids.CLIENT}.value"] = "a" * 101
    assert "at most 100 characters" in invoke(http, audit_ids.TABLE, values).get_data(
        as_text=True)
    values.update({f"{audit_ids.CLIENT}.value": "", f"{audit_ids.ACTION}.value": "any",
                   f"{audit_ids.EXPORT}.n_clicks": 1})
    data = json.loads(invoke(http, audit_ids.FILE, values).get_data(as_text=True))
    content = data["response"][audit_ids.FILE]["data"]["content"]
    rows = list(csv.DictReader(io.StringIO(content)))
    assert {r["action"] for r in rows} >= {"login", "logout", "login_failed"}
    failed = next(r for r in rows if r["action"] == "login_failed")
    assert "=HYPERLINK(1)" in failed["detail"]
    http.post("/logout")
    login(http, ALICE)
    assert invoke(http, audit_ids.TABLE, values).status_code == 403


def test_formula_like_cells_stay_text():
    from dashboard.domain.csvsafe import spreadsheet_safe

    assert spreadsheet_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-2+3") == "'-2+3"
    assert spreadsheet_safe("Alice") == "Alice" and spreadsheet_safe(3) == 3


def test_reassign_and_share_change_who_sees_the_client(http, db, sqlite_people):
    from sqlalchemy import func

    from dashboard.db.models import AuditEntry
    from tests.dash_client import open_page

    carol = sqlite_people.alice_client_id
    login(http, ADMIN)
    base = {f"{ids.CLIENT_ID}.data": carol,
            f"{ids.TEAM_PRACTITIONER}.value": str(sqlite_people.bob_id),
            f"{ids.TEAM_SHARE_WITH}.value": str(sqlite_people.alice_id), ids.TEAM_UNSHARE: []}
    assert "Reassigned" in invoke(http, ids.TEAM_RESULT, base,
                                  triggered=f"{ids.TEAM_REASSIGN}.n_clicks").get_data(as_text=True)
    alice = http.application.test_client()
    login(alice, ALICE)
    assert "not in your care" in open_page(alice, f"/clients/{carol}").get_data(as_text=True)
    body = invoke(http, ids.TEAM_RESULT, base, triggered=f"{ids.TEAM_SHARE}.n_clicks").get_data(
        as_text=True)
    assert "Shared" in body and "Alice Practitioner" in body
    assert "Carol Alison" in open_page(alice, f"/clients/{carol}").get_data(as_text=True)
    trigger = f'{{"type":"{ids.TEAM_UNSHARE}","user":{sqlite_people.alice_id}}}.n_clicks'
    base[ids.TEAM_UNSHARE] = [({"type": ids.TEAM_UNSHARE, "user": sqlite_people.alice_id}, 1)]
    assert "No longer shared" in invoke(http, ids.TEAM_RESULT, base,
                                        triggered=trigger).get_data(as_text=True)
    assert "not in your care" in open_page(alice, f"/clients/{carol}").get_data(as_text=True)
    with db.read() as s:
        actions = set(s.scalars(select(AuditEntry.action).where(
            AuditEntry.client_id == carol)))
        assert {"client_reassigned", "client_shared", "client_unshared"} <= actions
        assert s.scalar(select(func.count()).select_from(AuditEntry)) > 3
    # A practitioner cannot do any of it.
    assert invoke(alice, ids.TEAM_RESULT, base,
                  triggered=f"{ids.TEAM_SHARE}.n_clicks").status_code == 403


def test_templates_are_created_edited_and_retired(http, db, sqlite_people):
    from dashboard.db.catalogue import list_templates
    from dashboard.db.models import PlanTemplate, StrategyPart

    with db.read() as s:
        heat, cold = (s.scalar(select(StrategyPart.id).where(StrategyPart.key == k))
                      for k in ("heat", "cold"))
    login(http, ADMIN)
    form = {f"{tpl_ids.FORM}.n_submit": 1, f"{tpl_ids.CHOICE}.value": "new",
            f"{tpl_ids.NAME}.value": "",
            f"{tpl_ids.DESCRIPTION}.value": "", f"{tpl_ids.REVIEW}.value": "0",
            f"{tpl_ids.RETIRED}.value": False,
            f"{tpl_ids.PARTS}.value": []}
    body = invoke(http, tpl_ids.RESULT, form).get_data(as_text=True)
    assert "Give the template a name" in body and "between 1 and 365" in body
    assert "at least one part" in body
    form.update({f"{tpl_ids.NAME}.value": "Night shift", f"{tpl_ids.REVIEW}.value": "10",
                 f"{tpl_ids.PARTS}.value": [heat, cold]})
    assert "Saved" in invoke(http, tpl_ids.RESULT, form).get_data(as_text=True)
    with db.read() as s:
        template = s.scalar(select(PlanTemplate).where(PlanTemplate.name == "Night shift"))
        assert [i.part_id for i in template.items] == [heat, cold]
        assert template.items[0].minutes_min == 15  # the catalogue's default dose
    form.update({f"{tpl_ids.CHOICE}.value": str(template.id), f"{tpl_ids.PARTS}.value": [cold],
                 f"{tpl_ids.RETIRED}.value": True})
    assert "Saved" in invoke(http, tpl_ids.RESULT, form).get_data(as_text=True)
    with db.read() as s:
        assert "Night shift" not in {t.name for t in list_templates(s)}  # retired: not offered
        template = s.get(PlanTemplate, template.id)
        assert [i.part_id for i in template.items] == [cold]


def test_audit_log_finds_a_client_by_any_part_of_the_name_and_reads_in_words(
        http, db, sqlite_people):
    from tests.dash_client import open_page

    login(http, ALICE)
    open_page(http, f"/clients/{sqlite_people.alice_client_id}")
    http.get("/logout")
    login(http, ADMIN)
    values = {f"{audit_ids.USER}.value": "any", f"{audit_ids.CLIENT}.value": "aLIs",
              f"{audit_ids.ACTION}.value": "any", f"{audit_ids.START}.value": None,
              f"{audit_ids.END}.value": None,
              f"{audit_ids.PAGES}.active_page": 1}
    body = invoke(http, audit_ids.TABLE, values).get_data(as_text=True)
    assert "1 entries" in body and "Client viewed" in body and "Carol Alison" in body
    values[f"{audit_ids.CLIENT}.value"] = str(sqlite_people.alice_client_id)
    assert "1 entries" in invoke(http, audit_ids.TABLE, values).get_data(as_text=True)
    values[f"{audit_ids.CLIENT}.value"] = "Bobson"
    assert "0 entries" in invoke(http, audit_ids.TABLE, values).get_data(as_text=True)


def test_the_clinics_link_length_is_validated_saved_and_used_for_new_links(
        http, db, sqlite_people):
    from dashboard.db.client_links import clinic_link_days
    login(http, ADMIN)
    for bad in ("0", "366", "ninety", "", "12.5"):
        body = invoke(http, clinic_ids.LINK_RESULT, {f"{clinic_ids.LINK_FORM}.n_submit": 1,
                                                     f"{clinic_ids.LINK_DAYS}.value": bad}
                      ).get_data(as_text=True)
        assert "Not saved" in body, bad
    with db.read() as s:
        assert clinic_link_days(s) == 90
    body = invoke(http, clinic_ids.LINK_RESULT, {f"{clinic_ids.LINK_FORM}.n_submit": 1,
                                                 f"{clinic_ids.LINK_DAYS}.value": " 30 "}
                  ).get_data(as_text=True)
    assert "new links last 30 days" in body
    with db.read() as s:
        assert clinic_link_days(s) == 30
        entry = s.scalar(select(AuditEntry).where(
            AuditEntry.action == "client_link_days_updated"))
        assert json.loads(entry.detail) == {"from": 90, "to": 30}
    http.post("/logout")
    login(http, ALICE)
    assert invoke(http, clinic_ids.LINK_RESULT, {
        f"{clinic_ids.LINK_FORM}.n_submit": 1,
        f"{clinic_ids.LINK_DAYS}.value": "10"}).status_code == 403
