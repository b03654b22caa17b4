"""A practitioner's profile (issue 19): profession, phone, the name printed on handouts;
their own, or anyone's for an admin; refused input changes nothing; printed on handouts."""

import subprocess

from sqlalchemy import select

from dashboard.db.models import AuditEntry, Client, User
from dashboard.domain.users import profile_problems
from dashboard.handout.documents import make_handout
from dashboard.pages.ids import profile as profile_ids
from tests.conftest import login
from tests.dash_client import call_callback, invoke
from tests.factories import ADMIN, ALICE


def form(user_id, **changes):
    values = {f"{profile_ids.FORM}.n_submit": 1, f"{profile_ids.USER}.data": user_id,
              f"{profile_ids.HANDOUT_NAME}.value": "Dr Alice P. Smith",
              f"{profile_ids.PHONE}.value": " 01632  960 100 ",
              f"{profile_ids.PROFESSION}.value": "physical_therapist"}
    values.update(changes)
    return values


def test_a_practitioner_edits_their_own_profile_and_it_is_audited(http, db, sqlite_people):
    login(http, ALICE)
    body = invoke(http, profile_ids.RESULT, form(sqlite_people.alice_id)).get_data(as_text=True)
    assert "Saved" in body
    with db.read() as s:
        alice = s.get(User, sqlite_people.alice_id)
        assert (alice.handout_name, alice.phone, alice.profession) == (
            "Dr Alice P. Smith", "01632 960 100", "physical_therapist")
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "profile_updated"))
        assert entry.user_id == sqlite_people.alice_id and "Dr Alice P. Smith" in entry.detail
    again = invoke(http, profile_ids.RESULT, form(sqlite_people.alice_id)).get_data(as_text=True)
    assert "Nothing has changed" in again


def test_bad_input_is_named_beside_its_field_and_changes_nothing(http, db, sqlite_people):
    login(http, ALICE)
    bad = form(sqlite_people.alice_id, **{f"{profile_ids.PHONE}.value": "call me; DROP",
                                          f"{profile_ids.PROFESSION}.value": "surgeon",
                                          f"{profile_ids.HANDOUT_NAME}.value": "A\u202eB"})
    body = invoke(http, profile_ids.RESULT, bad).get_data(as_text=True)
    assert "Not saved" in body and "phone number" in body and "profession" in body
    assert "control characters" in body
    with db.read() as s:
        alice = s.get(User, sqlite_people.alice_id)
        assert (alice.handout_name, alice.profession) == ("", "")


def test_only_an_admin_edits_someone_elses_profile(http, db, sqlite_people):
    login(http, ALICE)
    forged = invoke(http, profile_ids.RESULT, form(sqlite_people.bob_id))
    assert forged.status_code == 403
    page = call_callback(http, ".._pages_content.children..._pages_store.data..", [
        {"id": "_pages_location", "property": "pathname", "value": "/profile"},
        {"id": "_pages_location", "property": "search", "value": f"?user={sqlite_people.bob_id}"}])
    assert "only your own profile" in page.get_data(as_text=True)
    with db.read() as s:
        assert s.get(User, sqlite_people.bob_id).handout_name == ""
    http.post("/logout")
    login(http, ADMIN)
    assert "Saved" in invoke(http, profile_ids.RESULT, form(sqlite_people.bob_id)).get_data(
        as_text=True)
    with db.read() as s:
        assert s.get(User, sqlite_people.bob_id).handout_name == "Dr Alice P. Smith"


def test_the_handout_prints_the_profile_name_profession_and_phone(db, planned, sqlite_people,
                                                                  tmp_path):
    with db.begin() as s:
        alice = s.get(User, sqlite_people.alice_id)
        alice.handout_name, alice.profession, alice.phone = (
            "Alice Smith", "mental_health_therapist", "01632 960 100")
        handout = make_handout(s, client=s.get(Client, planned), version=1, page_size="a4",
                               user_id=None)
    path = tmp_path / "h.pdf"
    path.write_bytes(handout.pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "by Alice Smith (mental-health therapist · 01632 960 100" in text
    assert "Notes from Alice Smith" in text


def test_profile_rules_at_their_edges():
    assert profile_problems("", "", "")[1] == {}
    assert profile_problems("x" * 200, "+44 (0)1632-960.100", "other")[1] == {}
    assert set(profile_problems("x" * 201, "1234", "nurse")[1]) == {
        "handout_name", "phone", "profession"}
    assert profile_problems(None, None, None) == (
        {"handout_name": "", "phone": "", "profession": ""}, {})
    assert "phone" in profile_problems("", 12345, "")[1]
