"""Client lists: who sees which client, search and pagination in SQL."""

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from dashboard.auth.access import CurrentUser, can_see_client
from dashboard.db.clients import ClientFilters, list_clients
from dashboard.db.models import Client, ClientShare
from dashboard.db.progress import clinic_summary
from tests.factories import make_client

TODAY = dt.date(2026, 11, 25)


def as_user(user_id: int, role: str) -> CurrentUser:
    return CurrentUser(id=user_id, email="", name="", role=role, login_session_id=0, token="")


def test_practitioner_lists_only_own_and_shared_clients(any_db, people):
    alice = as_user(people.alice_id, "practitioner")
    with any_db.read() as s:
        rows, total = list_clients(s, alice, ClientFilters(), TODAY)
    assert [r.id for r in rows] == [people.alice_client_id] and total == 1

    with any_db.begin() as s:
        s.add(ClientShare(client_id=people.bob_client_id, practitioner_id=people.alice_id))
    with any_db.read() as s:
        rows, _ = list_clients(s, alice, ClientFilters(), TODAY)
    assert {r.id for r in rows} == {people.alice_client_id, people.bob_client_id}


def test_admin_lists_everyone_with_practitioner_names(any_db, people):
    with any_db.read() as s:
        rows, total = list_clients(s, as_user(people.admin_id, "admin"), ClientFilters(), TODAY)
    assert total == 2
    assert {r.practitioner_name for r in rows} == {"Alice Practitioner", "Bob Practitioner"}


def test_sql_filter_agrees_with_the_rule_for_every_pair(any_db, people):
    with any_db.begin() as s:
        s.add(ClientShare(client_id=people.bob_client_id, practitioner_id=people.alice_id))
    users = [as_user(people.admin_id, "admin"), as_user(people.alice_id, "practitioner"),
             as_user(people.bob_id, "practitioner")]
    with any_db.read() as s:
        clients = list(s.scalars(select(Client)))
        shares = {}
        for share in s.scalars(select(ClientShare)):
            shares.setdefault(share.client_id, set()).add(share.practitioner_id)
        for user in users:
            listed = {r.id for r in list_clients(s, user, ClientFilters(), TODAY)[0]}
            allowed = {c.id for c in clients if can_see_client(
                user, practitioner_id=c.practitioner_id,
                shared_with=frozenset(shares.get(c.id, ())))}
            assert listed == allowed


def test_search_is_by_name_and_treats_wildcards_as_text(any_db, people):
    admin = as_user(people.admin_id, "admin")
    with any_db.begin() as s:
        for i in range(30):
            make_client(s, practitioner_id=people.alice_id, given=f"Given{i:02d}", family="Zed")
    with any_db.read() as s:
        assert list_clients(s, admin, ClientFilters(search="car"), TODAY)[1] == 1
        assert list_clients(s, admin, ClientFilters(search="BOBS"), TODAY)[1] == 1
        assert list_clients(s, admin, ClientFilters(search="%"), TODAY)[1] == 0
        assert list_clients(s, admin, ClientFilters(search="zed given0"), TODAY)[1] == 10
        page2, total = list_clients(s, admin, ClientFilters(search="zed", page=2, page_size=25),
                                    TODAY)
    assert total == 30 and len(page2) == 5


def test_filters_by_status_due_and_archived(any_db, people):
    admin = as_user(people.admin_id, "admin")
    with any_db.begin() as s:
        carol = s.get(Client, people.alice_client_id)
        carol.status, carol.next_due_on = "worsening", TODAY - dt.timedelta(days=1)
        dave = s.get(Client, people.bob_client_id)
        dave.status, dave.next_due_on, dave.archived = "improving", TODAY, False
        extra = make_client(s, practitioner_id=people.bob_id, given="Old", family="Archived")
        extra.archived = True
    with any_db.read() as s:
        def ids(**kw):
            return [r.id for r in list_clients(s, admin, ClientFilters(**kw), TODAY)[0]]

        assert ids(status="worsening") == [people.alice_client_id]
        assert set(ids(due_only=True)) == {people.alice_client_id, people.bob_client_id}
        assert ids(archived=True) == [extra.id]
        assert ids(practitioner_id=people.bob_id) == [people.bob_client_id]
        assert ids(sort="due") == [people.alice_client_id, people.bob_client_id]


def test_due_worsening_and_caseloads_are_about_active_care_only(any_db, people):
    """Issue 17, item 10: a discharged client left "worsening" on home and in the overview."""
    admin = as_user(people.admin_id, "admin")
    with any_db.begin() as s:
        for cid, state in ((people.alice_client_id, "discharged"),
                           (people.bob_client_id, "flagged")):
            client = s.get(Client, cid)
            client.status, client.episode_state = "worsening", state
            client.next_due_on = client.last_session_on = TODAY - dt.timedelta(days=1)
            client.baseline_pain, client.latest_pain = 3, 6
    with any_db.read() as s:
        def ids(**kw):
            return [r.id for r in list_clients(s, admin, ClientFilters(**kw), TODAY)[0]]

        assert ids(status="worsening") == [people.bob_client_id]
        assert ids(due_only=True) == [people.bob_client_id]
        assert set(ids()) == {people.alice_client_id, people.bob_client_id}  # still listed
        summary = clinic_summary(s, admin, start=TODAY - dt.timedelta(days=30), end=TODAY)
        assert summary.caseload == [("Bob Practitioner", 1)]
        assert summary.statuses == {"worsening": 1}


def test_the_home_sections_counted_in_one_query_equal_each_list_counted(any_db, people):
    """The home page counts its sections (due, getting worse, the others) in one query;
    each count must be what that list, counted alone, holds: for an admin, a practitioner,
    a shared client, an archived one and every status and episode state."""
    from dashboard.db.clients import client_page, count_clients, first_pages

    states = [("worsening", "open", TODAY - dt.timedelta(days=3)),
              ("worsening", "discharged", TODAY - dt.timedelta(days=1)),
              ("improving", "open", TODAY + dt.timedelta(days=4)),
              ("stable", "open", None),
              ("worsening", "flagged", TODAY),
              ("not_enough_data", "discharged", TODAY - dt.timedelta(days=9))]
    with any_db.begin() as s:
        for n, (status, state, due) in enumerate(states * 2):
            client = make_client(s, practitioner_id=people.alice_id if n % 3 else people.bob_id,
                                 given=f"Count{n}", family="Sections")
            client.status, client.episode_state, client.next_due_on = status, state, due
            client.latest_pain = n % 4  # ties, broken by id
            client.archived = n == 7
        s.add(ClientShare(client_id=people.bob_client_id, practitioner_id=people.alice_id))
    sections = {"due": ClientFilters(due_only=True), "worse": ClientFilters(status="worsening"),
                "others": ClientFilters(not_due_or_worse=True),
                "flagged": ClientFilters(episode_state="flagged")}
    for user in (as_user(people.admin_id, "admin"), as_user(people.alice_id, "practitioner"),
                 as_user(people.bob_id, "practitioner")):
        with any_db.read() as s:
            counted = count_clients(s, user, sections, TODAY)
            alone = {key: list_clients(s, user, f, TODAY)[1] for key, f in sections.items()}
        assert counted == alone, user.role
        assert counted["due"] and counted["worse"] and counted["others"]
        # Their first pages, read in one query: the rows and the order of each list alone
        # (pages shorter than the lists, each by its own sort, ties broken by id).
        pages = {"due": replace(sections["due"], sort="due", page_size=2),
                 "worse": replace(sections["worse"], sort="pain", page_size=3),
                 "others": replace(sections["others"], page_size=4),
                 "flagged": replace(sections["flagged"], page_size=1)}
        with any_db.read() as s:
            together = first_pages(s, user, pages, TODAY)
            apart = {key: client_page(s, user, f, TODAY) for key, f in pages.items()}
        assert together == apart, user.role
        assert any(len(rows) == pages[key].page_size for key, rows in together.items())
