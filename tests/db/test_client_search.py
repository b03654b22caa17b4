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
        assert names(s, admin, "%") == set()


def test_search_words_keep_the_typed_form_and_the_plain_one():
    assert search_words("Taylor, Zoë") == [("taylor",), ("zoë", "zoe")]
    assert search_words(" , ") == []
