"""Small builders of test data through the same data functions the app uses."""

from __future__ import annotations

import datetime as dt

from dashboard.db.engine import Database
from dashboard.db.models import Client, Episode, utcnow
from dashboard.db.users import create_user

ADMIN = "admin@test.clinic"
# The test admin has two-step sign-in set up with this secret (admins must have it); the
# login helpers compute its codes with pyotp.
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
ALICE = "alice@test.clinic"
BOB = "bob@test.clinic"


def make_client(session, *, practitioner_id: int, given: str, family: str,
                dob: dt.date = dt.date(1980, 5, 17)) -> Client:
    client = Client(given_name=given, family_name=family, date_of_birth=dob,
                    practitioner_id=practitioner_id, status="not_enough_data")
    session.add(client)
    session.flush()
    session.add(Episode(client_id=client.id, started_on=dt.date(2026, 1, 5)))
    session.flush()
    return client


def make_people(database: Database, password_hash: str):
    from tests.conftest import People

    with database.begin() as s:
        admin = create_user(s, email=ADMIN, name="Ada Admin", role="admin",
                            password_hash=password_hash)
        admin.totp_secret, admin.totp_enabled_at = ADMIN_TOTP_SECRET, utcnow()
        alice = create_user(s, email=ALICE, name="Alice Practitioner", role="practitioner",
                            password_hash=password_hash)
        bob = create_user(s, email=BOB, name="Bob Practitioner", role="practitioner",
                          password_hash=password_hash)
        alice_client = make_client(s, practitioner_id=alice.id, given="Carol", family="Alison")
        bob_client = make_client(s, practitioner_id=bob.id, given="Dave", family="Bobson")
        return People(admin.id, alice.id, bob.id, alice_client.id, bob_client.id)
