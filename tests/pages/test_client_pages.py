"""Client pages through their callbacks, as the browser calls them, including forged ids."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from dashboard.db.models import AuditEntry, Client, PlanVersion, StrategyPart, User
from dashboard.pages.client import ids
from dashboard.pages.ids import client_edit as edit_client_ids
from dashboard.pages.ids import client_new as new_client_ids
from dashboard.pages.ids import clients as clients_ids
from tests.conftest import login
from tests.dash_client import invoke, open_page
from tests.factories import ADMIN, ALICE
from tests.factories import plan_form as plan_values


@pytest.fixture
def parts(db):
    with db.read() as s:
        return {p.key: p for p in s.scalars(select(StrategyPart))}


def test_saving_a_plan_makes_a_version_and_audits_it(http, db, sqlite_people, parts):
    login(http, ALICE)
    response = invoke(http, ids.SAVE_RESULT, plan_values(sqlite_people.alice_client_id, parts))
    assert response.status_code == 200, response.data[:300]
    assert "Saved as version 1" in response.get_data(as_text=True)
    with db.read() as s:
        version = s.scalar(select(PlanVersion))
        assert [i.part_name for i in version.items] == ["Heat"]
        assert version.items[0].cautions.startswith("Never put heat directly on the skin")
        assert version.notes == "Keep it gentle <script>alert(1)</script>"
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "plan_saved"))
        assert audit.client_id == sqlite_people.alice_client_id and audit.user_id is not None
    # Same plan again: nothing to save.
    response = invoke(http, ids.SAVE_RESULT, plan_values(sqlite_people.alice_client_id, parts))
    assert "Nothing has changed" in response.get_data(as_text=True)


def test_a_saved_version_travels_as_one_history_row_on_top(http, db, sqlite_people, parts):
    """The first version draws the history; each next one sends its row alone (a patch), and
    at the limit the oldest row shown drops off. A save that saves nothing leaves it."""
    from dashboard.pages.client.plan_views import HISTORY_SHOWN

    login(http, ALICE)
    client_id = sqlite_people.alice_client_id

    def save(review: int) -> dict:
        response = invoke(http, ids.SAVE_RESULT, plan_values(
            client_id, parts, **{f"{ids.REVIEW}.value": review})).get_json()["response"]
        return response

    first = save(7)
    assert first[ids.HISTORY]["children"]["type"] == "Ol"  # drawn whole
    second = save(8)[ids.HISTORY]["children"]
    (insert,) = second["operations"]
    assert (insert["operation"], insert["location"], insert["params"]["index"]) == (
        "Insert", ["props", "children"], 0)
    row = json.dumps(insert["params"]["value"], ensure_ascii=False)
    assert "Version 2" in row and "Review every 7 → 8 days" in row
    assert "Version 1" not in json.dumps(second)  # the rows already there stay
    for review in range(9, 7 + HISTORY_SHOWN):  # versions 3 to 20
        save(review)
    at_limit = save(7 + HISTORY_SHOWN)[ids.HISTORY]["children"]  # version 21
    insert, delete = at_limit["operations"]
    assert (insert["operation"], insert["params"]["index"]) == ("Insert", 0)
    assert f"Version {HISTORY_SHOWN + 1}" in json.dumps(insert["params"]["value"])
    assert (delete["operation"], delete["location"]) == (
        "Delete", ["props", "children", HISTORY_SHOWN])
    unchanged = save(7 + HISTORY_SHOWN)
    assert ids.HISTORY not in unchanged and ids.HEADING not in unchanged


def test_bad_plan_input_is_refused_and_saves_nothing(http, db, sqlite_people, parts):
    login(http, ALICE)
    heat = parts["heat"].id
    bad = plan_values(sqlite_people.alice_client_id, parts, **{
        ids.DOSE: [({"type": ids.DOSE, "part": heat, "field": "minutes_min"}, 500)],
        f"{ids.REVIEW}.value": 0,
        f"{ids.GOAL_PAIN}.value": 3,
        f"{ids.GOAL_PAIN_DATE}.value": "2020-01-01",
    })
    body = invoke(http, ids.SAVE_RESULT, bad).get_data(as_text=True)
    assert "was not saved" in body
    assert "between 1 and 240" in body and "between 1 and 365" in body
    assert "cannot be in the past" in body
    nothing = plan_values(sqlite_people.alice_client_id, parts, **{ids.INCLUDE: []})
    assert "Choose at least one part" in invoke(http, ids.SAVE_RESULT, nothing).get_data(
        as_text=True)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlanVersion)) == 0


@pytest.mark.parametrize("output", [ids.SAVE_RESULT, ids.ARCHIVE_RESULT,
                                    ids.TEMPLATE_RESULT, ids.VERSION_BODY])
def test_forged_client_id_gets_403_and_no_data(http, db, sqlite_people, parts, output):
    login(http, ALICE)
    values = plan_values(sqlite_people.bob_client_id, parts, **{
        f"{ids.ARCHIVE}.n_clicks": 1, f"{ids.APPLY_TEMPLATE}.n_clicks": 1,
        f"{ids.TEMPLATE}.value": "1",
        ids.VIEW: [({"type": ids.VIEW, "version": 1}, 1)],
    })
    triggered = f'{{"type":"{ids.VIEW}","version":1}}.n_clicks' if output == ids.VERSION_BODY \
        else None
    response = invoke(http, output, values, triggered=triggered)
    assert response.status_code == 403
    assert "Dave" not in response.get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlanVersion)) == 0
        assert not s.get(Client, sqlite_people.bob_client_id).archived


def test_anonymous_callback_is_refused(http, sqlite_people, parts):
    response = invoke(http, ids.SAVE_RESULT, plan_values(sqlite_people.alice_client_id, parts),
                      deps=[{"output": f"{ids.SAVE_RESULT}.children",
                             "inputs": [{"id": ids.SAVE, "property": "n_clicks"}],
                             "state": []}])
    assert response.status_code == 401


def test_opening_a_record_is_audited_once_and_others_are_not_found(http, db, sqlite_people):
    login(http, ALICE)
    body = open_page(http, f"/clients/{sqlite_people.alice_client_id}").get_data(as_text=True)
    assert "Carol Alison" in body
    body = open_page(http, f"/clients/{sqlite_people.bob_client_id}").get_data(as_text=True)
    # Not hers: the break-glass form, which shows nothing of the client.
    assert "This client is not in your care" in body and "Dave" not in body
    body = open_page(http, "/clients/not-a-number").get_data(as_text=True)
    assert "Client not found" in body
    with db.read() as s:
        views = list(s.scalars(select(AuditEntry.client_id).where(
            AuditEntry.action == "client_viewed")))
    assert views == [sqlite_people.alice_client_id]


def test_archive_hides_from_list_and_restore_brings_back(http, db, sqlite_people):
    login(http, ALICE)
    cid = sqlite_people.alice_client_id
    values = {f"{ids.CLIENT_ID}.data": cid, f"{ids.ARCHIVE}.n_clicks": 1}
    assert "Archived" in invoke(http, ids.ARCHIVE_RESULT, values).get_data(as_text=True)
    list_values = {f"{clients_ids.ARCHIVED}.value": "active", f"{clients_ids.PAGES}.active_page": 1,
                   f"{clients_ids.SORT}.value": "name"}
    assert "Carol" not in invoke(http, clients_ids.TABLE, list_values).get_data(as_text=True)
    assert "Carol" in invoke(http, clients_ids.TABLE, {**list_values,
                                                       f"{clients_ids.ARCHIVED}.value": "archived"}
                             ).get_data(as_text=True)
    invoke(http, ids.ARCHIVE_RESULT, values)
    with db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("client_%ed"), AuditEntry.action != "client_viewed")))
    assert actions == ["client_archived", "client_restored"]


def test_new_client_validates_warns_on_duplicates_and_creates(http, db, sqlite_people):
    login(http, ALICE)
    form = {f"{new_client_ids.FORM}.n_submit": 1, f"{new_client_ids.GIVEN_NAME}.value": "",
            f"{new_client_ids.FAMILY_NAME}.value": "Alison",
            f"{new_client_ids.DATE_OF_BIRTH}.value": "2099-01-01",
            f"{new_client_ids.EMAIL}.value": "bad"}
    body = invoke(http, new_client_ids.GO, form).get_data(as_text=True)
    assert "Given name is required" in body and "must be in the past" in body
    assert "valid email" in body
    form.update({f"{new_client_ids.GIVEN_NAME}.value": "Carol",
                 f"{new_client_ids.DATE_OF_BIRTH}.value": "1980-05-17",
                 f"{new_client_ids.EMAIL}.value": "",
                 f"{new_client_ids.PRACTITIONER}.value": sqlite_people.bob_id})  # forged: ignored
    body = invoke(http, new_client_ids.GO, form).get_json()
    assert "already on record" in str(body)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 2
    form[f"{new_client_ids.CONFIRMED_DUPLICATE}.data"] = "carol|alison|1980-05-17"
    body = invoke(http, new_client_ids.GO, form).get_json()
    assert "/clients/" in str(body)
    with db.read() as s:
        created = s.scalar(select(Client).order_by(Client.id.desc()))
        assert created.practitioner_id == sqlite_people.alice_id
        assert created.next_due_on is not None


def test_admin_must_choose_a_real_practitioner(http, db, sqlite_people):
    login(http, ADMIN)
    form = {f"{new_client_ids.FORM}.n_submit": 1, f"{new_client_ids.GIVEN_NAME}.value": "Eve",
            f"{new_client_ids.FAMILY_NAME}.value": "New",
            f"{new_client_ids.DATE_OF_BIRTH}.value": "1990-01-01",
            f"{new_client_ids.PRACTITIONER}.value": sqlite_people.admin_id}
    assert "Choose the practitioner" in invoke(http, new_client_ids.GO, form).get_data(as_text=True)
    form[f"{new_client_ids.PRACTITIONER}.value"] = sqlite_people.bob_id
    invoke(http, new_client_ids.GO, form)
    with db.read() as s:
        eve = s.scalar(select(Client).where(Client.given_name == "Eve"))
    assert eve.practitioner_id == sqlite_people.bob_id
    assert eve.date_of_birth == dt.date(1990, 1, 1)


def test_edit_audits_field_names_not_values(http, db, sqlite_people):
    login(http, ALICE)
    form = {f"{edit_client_ids.FORM}.n_submit": 1, f"{edit_client_ids.CLIENT_ID}.data":
            sqlite_people.alice_client_id, f"{edit_client_ids.GIVEN_NAME}.value": "Caroline",
            f"{edit_client_ids.FAMILY_NAME}.value": "Alison",
            f"{edit_client_ids.DATE_OF_BIRTH}.value": "1980-05-17"}
    assert invoke(http, edit_client_ids.GO, form).status_code == 200
    with db.read() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "client_updated"))
        assert entry.detail == '{"fields": ["given_name"]}'
    form[f"{edit_client_ids.CLIENT_ID}.data"] = sqlite_people.bob_client_id
    assert invoke(http, edit_client_ids.GO, form).status_code == 403


def _flag(db, client_id):
    """The client's open episode flagged at intake, the flag not cleared."""
    from dashboard.db.summary import current_episode, refresh_client_summary

    with db.begin() as s:
        current_episode(s, client_id).urgent_flag = True
        s.flush()
        refresh_client_summary(s, s.get(Client, client_id))


def _actions(db, action):
    import json

    with db.read() as s:
        return [json.loads(e.detail) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == action))]


def test_a_dose_past_its_ceiling_is_saved_only_with_a_reason_audited(
        http, db, sqlite_people, parts):
    """Issue 17, item 9: heat for 30 minutes (ceiling 20) is refused with a way on; with the
    practitioner's reason it is saved, the reason kept and audited."""
    login(http, ALICE)
    heat = parts["heat"].id
    past = {ids.DOSE: [({"type": ids.DOSE, "part": heat, "field": f}, v)
                          for f, v in (("minutes_min", 30), ("times_per_day", 2),
                                       ("days_per_week", 7))]}
    body = invoke(http, ids.SAVE_RESULT, plan_values(
        sqlite_people.alice_client_id, parts, **past)).get_data(as_text=True)
    assert "was not saved" in body and "At most 20 minutes" in body
    assert "give your reason" in body
    reason = [({"type": ids.CEILING_REASON, "part": heat},
               "Long-standing stiffness; skin checked, timer set")]
    body = invoke(http, ids.SAVE_RESULT, plan_values(
        sqlite_people.alice_client_id, parts, **past,
        **{ids.CEILING_REASON: reason})).get_data(as_text=True)
    assert "Saved as version 1" in body
    with db.read() as s:
        (item,) = s.scalar(select(PlanVersion)).items
        assert (item.minutes_min, item.max_minutes) == (30, 20)
        assert item.over_ceiling_reason.startswith("Long-standing stiffness")
    (audit,) = _actions(db, "dose_over_ceiling")
    assert audit["parts"] == [{"part": "Heat", "dose": "30 minutes, twice a day, every day",
                               "max_minutes": 20,
                               "reason": "Long-standing stiffness; skin checked, timer set"}]


def test_an_open_urgent_flag_needs_a_reason_to_save_the_plan(http, db, sqlite_people, parts):
    """Issue 17, item 8: a warning line was all; now saving needs a reason, audited."""
    cid = sqlite_people.alice_client_id
    _flag(db, cid)
    login(http, ALICE)
    body = invoke(http, ids.SAVE_RESULT, plan_values(cid, parts)).get_data(as_text=True)
    assert "was not saved" in body and "To save a plan anyway, give your reason" in body
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(PlanVersion)) == 0
    body = invoke(http, ids.SAVE_RESULT, plan_values(cid, parts, **{
        f"{ids.RED_FLAG_REASON}.value": "A&E saw her this morning: no cauda equina; letter "
                                      "to follow"})).get_data(as_text=True)
    assert "Saved as version 1" in body
    (audit,) = _actions(db, "red_flag_overridden")
    assert audit["for"] == "plan_saved" and audit["reason"].startswith("A&E saw her")
    with db.read() as s:
        assert s.scalar(select(PlanVersion.red_flag_override)).startswith("A&E saw her")


def test_an_open_urgent_flag_needs_a_reason_to_give_a_handout(http, db, sqlite_people, parts):
    """Issue 17, item 8: the handout card's download and the version's POST route."""
    from dashboard.db.models import HandoutRecord

    cid = sqlite_people.alice_client_id
    login(http, ALICE)
    invoke(http, ids.SAVE_RESULT, plan_values(cid, parts))
    _flag(db, cid)
    values = {f"{ids.HANDOUT_DOWNLOAD}.n_clicks": 1, f"{ids.HANDOUT_SIZE}.value": "a4",
              f"{ids.CLIENT_ID}.data": cid, f"{ids.HANDOUT_RED_FLAG_REASON}.value": ""}
    answer = invoke(http, ids.HANDOUT_FILE, values).get_json()["response"]
    assert answer[ids.HANDOUT_FILE]["data"] is None
    assert "To give a handout anyway" in answer[ids.HANDOUT_RED_FLAG_ERROR]["children"]
    assert http.post(f"/clients/{cid}/handout.pdf?version=1").status_code == 409
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HandoutRecord).where(
            HandoutRecord.given.is_(True))) == 0
    values[f"{ids.HANDOUT_RED_FLAG_REASON}.value"] = "Seen in A&E; GP agrees to go on"
    answer = invoke(http, ids.HANDOUT_FILE, values).get_json()["response"]
    assert answer[ids.HANDOUT_FILE]["data"]["filename"].endswith(".pdf")
    assert "given while an urgent red flag was open" in str(answer[ids.HANDOUT_HISTORY])
    response = http.post(f"/clients/{cid}/handout.pdf?version=1",
                         data={"red_flag_override": "Same: seen in A&E"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert [a["reason"] for a in _actions(db, "red_flag_overridden")] == [
        "Seen in A&E; GP agrees to go on", "Same: seen in A&E"]


def test_the_new_plan_row_drawn_from_the_versions_in_hand_is_the_row_read_back(
        db, sqlite_people, planned):
    """A plan save draws its history row from the version it saved and the one it was made
    from (issue 24); when a colleague's version came between them, it reads the two newest,
    so the row's changes are from the version really before it. Both give the same row."""
    import plotly.utils

    from dashboard.db.plans import current_version, get_version, save_plan_version
    from dashboard.db.summary import current_episode
    from dashboard.domain.access import CurrentUser
    from dashboard.domain.dose import Dose
    from dashboard.domain.plans import PlanDraft, PlanItemDraft
    from dashboard.pages.client.plans import _history_after

    def drawn(answer) -> str:
        return json.dumps(answer, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)

    with db.begin() as s:
        episode_id = current_episode(s, planned).id
        alice = CurrentUser(sqlite_people.alice_id, "", s.scalar(select(User.name).where(
            User.id == sqlite_people.alice_id)), "practitioner", 0, "")
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        made_from = current_version(s, episode_id)  # version 2 (cold)
        saved = save_plan_version(s, episode_id=episode_id, draft=PlanDraft((PlanItemDraft(
            heat.id, heat.name, heat.strategy.name, Dose.from_columns(heat)),), 10, "", ()),
            user_id=sqlite_people.alice_id, today=dt.date(2026, 4, 1))
        in_hand = _history_after(s, alice, episode_id, saved, made_from)
        # As if the form had been made from version 1 and version 2 came between.
        read_back = _history_after(s, alice, episode_id, saved, get_version(s, episode_id, 1))
    assert drawn(in_hand) == drawn(read_back)
    assert "Version 3" in drawn(in_hand[0]) and "Cold" in drawn(in_hand[0])  # cold removed
