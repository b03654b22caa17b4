"""Searching the client list (issue 19): any part of a name, accents and commas aside."""

import datetime as dt

from dashboard.auth.access import CurrentUser
from dashboard.db.clients import ClientFilters, list_clients
from dashboard.domain.text import search_words
from tests.factories import make_client

TODAY = dt.date(2026, 3, 1)


def names(session, user, text: str) -> set[str]:
    rows, _ = list_clients(session, user, ClientFilters(search=text), TODAY)
    return {r.full_name for r in rows}


def test_search_finds_inside_names_ignoring_accents_and_commas(any_db, people):
    admin = CurrentUser(id=people.admin_id, email="", name="", role="admin", login_session_id=0,
                        token="")
    with any_db.begin() as s:
        for given, family in (("Daniel", "Ito"), ("Zoe", "Taylor"), ("Chloë", "Brontë")):
            make_client(s, practitioner_id=people.alice_id, given=given, family=family)
    with any_db.read() as s:
        assert "Daniel Ito" in names(s, admin, "an")
        assert names(s, admin, "Zoë") == {"Zoe Taylor"}
        assert names(s, admin, "Taylor, Zoe") == {"Zoe Taylor"}
        assert names(s, admin, "brontë") == {"Chloë Brontë"}  # typed as stored
        assert names(s, admin, "CHLOE bronte") == {"Chloë Brontë"}  # stored with accents
        assert names(s, admin, "%") == set()


def test_search_words_are_folded_as_names_are():
    assert search_words("Taylor, ZOË") == ["taylor", "zoe"]
    assert search_words(" , ") == []


def test_a_renamed_client_is_found_by_the_new_name_only(any_db, people):
    admin = CurrentUser(id=people.admin_id, email="", name="", role="admin", login_session_id=0,
                        token="")
    with any_db.begin() as s:
        client = make_client(s, practitioner_id=people.alice_id, given="Zoe", family="Taylor")
        client.family_name = "Åberg"
    with any_db.read() as s:
        assert names(s, admin, "aberg zoe") == {"Zoe Åberg"}
        assert names(s, admin, "taylor") == set()
