import datetime as dt

import pytest

from dashboard.domain.clients import clean_client, validate_client

TODAY = dt.date(2026, 11, 25)
GOOD = {"given_name": " Maya ", "family_name": "Stone", "date_of_birth": "1985-03-14",
        "email": "Maya@Example.com", "phone": "+44 7700 900123"}


def check(**changes):
    data, errors = clean_client({**GOOD, **changes})
    return data, {**validate_client(data, TODAY), **errors}


def test_good_details_are_trimmed_and_accepted():
    data, errors = check()
    assert errors == {}
    assert data.given_name == "Maya" and data.email == "maya@example.com"


@pytest.mark.parametrize(("changes", "field"), [
    ({"given_name": "   "}, "given_name"),
    ({"family_name": "x" * 101}, "family_name"),
    ({"date_of_birth": None}, "date_of_birth"),
    ({"date_of_birth": "2026-11-25"}, "date_of_birth"),  # today is not in the past
    ({"date_of_birth": "2030-01-01"}, "date_of_birth"),
    ({"date_of_birth": "1890-01-01"}, "date_of_birth"),  # implausible age
    ({"date_of_birth": "1985-02-30"}, "date_of_birth"),  # no such day
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b.c<script>"}, "email"),
    ({"phone": "call me"}, "phone"),
    ({"phone": "123"}, "phone"),
])
def test_each_bad_field_gets_its_own_message(changes, field):
    _, errors = check(**changes)
    assert set(errors) == {field}


def test_html_in_names_is_kept_as_text():
    data, errors = check(given_name="<b>Bo</b>")
    assert errors == {} and data.given_name == "<b>Bo</b>"
