"""CSV out and in: exports, row checks that name every bad row, all-or-nothing imports."""

import csv
import datetime as dt
import io
import json

from sqlalchemy import func, select

from dashboard.db.csv_data import (
    current_episode_dates,
    export_csv,
    import_sessions,
    practitioner_emails,
    read_rows,
)
from dashboard.db.models import CareSession, Client
from dashboard.domain.csv_import import check_client_rows, check_session_rows
from dashboard.pages.ids import admin_data as data_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE

TODAY = dt.date(2026, 11, 25)
CLIENTS = ("given_name,family_name,date_of_birth,email,phone,practitioner_email\n"
           "Ann,Lee,1980-01-02,ann@example.com,,alice@test.clinic\n"
           "=cmd,Ok,1975-05-05,,,alice@test.clinic\n")


def test_client_rows_are_checked_one_by_one(db, sqlite_people):
    with db.read() as s:
        practitioners = practitioner_emails(s)
    header, rows = read_rows((CLIENTS + "Bad,,2030-01-01,no-email,,nobody@x\n").encode())
    good, problems = check_client_rows(rows, TODAY, practitioners)
    assert header[0] == "given_name" and len(good) == 2
    assert [p.row for p in problems] == [4]
    assert "family_name" in problems[0].reason and "date_of_birth" in problems[0].reason
    assert "practitioner_email" in problems[0].reason and "email" in problems[0].reason


def test_session_rows_name_unknown_clients_and_bad_scores(db, sqlite_people):
    with db.read() as s:
        began = current_episode_dates(s)
    cid = sqlite_people.alice_client_id
    rows = [{"client_id": str(cid), "session_on": "2026-02-01", "pain": "5", "stress": "4",
             "notes": ""},
            {"client_id": "999", "session_on": "2026-02-01", "pain": "5", "stress": "4"},
            {"client_id": str(cid), "session_on": "2026-02-30", "pain": "11", "stress": "x"}]
    good, problems = check_session_rows(rows, TODAY, began)
    assert len(good) == 1
    assert [p.row for p in problems] == [3, 4]
    assert "no such client" in problems[0].reason
    assert "date" in problems[1].reason and "pain" in problems[1].reason


def test_ten_thousand_sessions_import_in_one_transaction(db, sqlite_people):
    with db.read() as s:
        began = current_episode_dates(s)
    cid = sqlite_people.alice_client_id
    rows = [{"client_id": str(cid), "session_on": (dt.date(2026, 1, 5) + dt.timedelta(
        days=i % 300)).isoformat(), "pain": str(i % 11), "stress": "3", "notes": ""}
        for i in range(10_000)]
    good, problems = check_session_rows(rows, TODAY, began)
    assert problems == []
    with db.begin() as s:
        assert import_sessions(s, good, lambda done, total: None) == 10_000
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(CareSession)) == 10_000
        assert s.get(Client, cid).last_session_on is not None


def test_exports_are_admin_only_and_formula_safe(http, db, sqlite_people):
    with db.begin() as s:
        s.get(Client, sqlite_people.alice_client_id).given_name = "=HYPERLINK(1)"
    login(http, ADMIN)
    values = {data_ids.EXPORT: [({"type": data_ids.EXPORT, "kind": "clients"}, 1)]}
    trigger = f'{{"kind":"clients","type":"{data_ids.EXPORT}"}}.n_clicks'
    body = json.loads(invoke(http, data_ids.FILE, values, triggered=trigger).get_data(
        as_text=True))
    rows = list(csv.DictReader(io.StringIO(body["response"][data_ids.FILE]["data"]["content"])))
    assert {r["given_name"] for r in rows} == {"'=HYPERLINK(1)", "Dave"}
    with db.read() as s:
        assert export_csv(s, "sessions").splitlines()[0].startswith("id,client_id,session_on")
    http.post("/logout")
    login(http, ALICE)
    assert invoke(http, data_ids.FILE, values, triggered=trigger).status_code == 403
