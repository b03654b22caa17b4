"""The practitioner's side of email reminders (issue 22): consent at intake, the client's
reminders page (consent recorded or withdrawn, every message and what became of it, email
off said so), and the clinic's switch. Server-side checks of who asks; writes audited."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update

from dashboard.config import parse_smtp_url
from dashboard.context import SETTINGS_KEY
from dashboard.db.models import AuditEntry, Client, Clinic, EmailMessage
from dashboard.db.summary import current_episode
from dashboard.pages.ids import admin_clinic as clinic_ids
from dashboard.pages.ids import client_intake as intake_ids
from tests.conftest import login
from tests.dash_client import invoke
from tests.factories import ADMIN, ALICE, BOB, clinic_today
from tests.test_episodes import intake_values

ADDRESS = "carol@example.org"


def _with_address(db, client_id: int, address: str = ADDRESS) -> None:
    with db.begin() as s:
        s.get(Client, client_id).email = address


def _actions(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_consent_is_offered_at_intake_with_an_address_and_recorded_with_who_and_when(
        http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    login(http, ALICE)
    page = http.get(f"/clients/{cid}/intake")
    assert page.status_code == 200
    _with_address(db, cid)
    response = invoke(http, intake_ids.RESULT, intake_values(
        cid, **{f"{intake_ids.CONSENT_EMAIL}.value": True}))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    with db.read() as s:
        episode = current_episode(s, cid)
        assert (episode.email_consent, episode.email_consent_by_id) == (
            True, sqlite_people.alice_id)
        assert episode.email_consent_at is not None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "intake_recorded")).one()
        assert '"consent_email": true' in entry.detail
    body = http.get(f"/clients/{cid}/reminders").get_data(as_text=True)
    assert "Given: recorded" in body and "by Alice Practitioner" in body


def test_the_reminders_page_records_consent_and_its_withdrawal_and_lists_messages(
        http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    login(http, ALICE)
    page = http.get(f"/clients/{cid}/reminders")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Not recorded" in body
    assert "Email is not set up on this server" in body  # the test app has no SMTP_URL
    assert 'id="reminders-give" disabled' in body and "none on the record" in body
    # No address: refused, nothing written.
    refused = http.post(f"/clients/{cid}/reminders", data={"action": "give"})
    assert refused.status_code == 400
    assert "email address to their record first" in refused.get_data(as_text=True)
    with db.read() as s:
        assert current_episode(s, cid).email_consent is False
    _with_address(db, cid)
    given = http.post(f"/clients/{cid}/reminders", data={"action": "give"})
    assert given.status_code == 303
    body = http.get(given.headers["Location"]).get_data(as_text=True)
    assert "Consent to email reminders is recorded." in body and "Given: recorded" in body
    withdrawn = http.post(f"/clients/{cid}/reminders", data={"action": "withdraw"})
    assert withdrawn.status_code == 303
    body = http.get(withdrawn.headers["Location"]).get_data(as_text=True)
    assert "Withdrawn" in body and "by Alice Practitioner" in body
    assert _actions(db)[-4:] == ["email_consent_given", "reminders_viewed",
                                 "email_consent_withdrawn", "reminders_viewed"]
    assert http.post(f"/clients/{cid}/reminders",
                     data={"action": "maybe"}).status_code == 400
    # What became of each message, the server's reply included.
    with db.begin() as s:
        episode = current_episode(s, cid)
        for n, (status, error) in enumerate((("sent", ""), ("failed", "could not reach"),
                                             ("bounced", "550 No such user"))):
            s.add(EmailMessage(kind="reminder", dedupe_key=f"reminder:{cid}:{n}", client_id=cid,
                               episode_id=episode.id, to_address=ADDRESS,
                               for_day=clinic_today() - dt.timedelta(days=n),
                               reason="measure_due", status=status, attempts=n + 1,
                               error=error))
    body = http.get(f"/clients/{cid}/reminders").get_data(as_text=True)
    for words in ("Sent", "Failed: tried again by the next run", "could not reach",
                  "Refused by the mail server (bounced)", "550 No such user",
                  "a questionnaire to do"):
        assert words in body, words


def test_another_practitioner_gets_nothing_and_changes_nothing(http, db, sqlite_people):
    cid = sqlite_people.alice_client_id
    _with_address(db, cid)
    login(http, BOB)
    assert http.get(f"/clients/{cid}/reminders").status_code == 404
    assert http.post(f"/clients/{cid}/reminders", data={"action": "give"}).status_code == 404
    assert http.post(f"/clients/{cid}/reminders", data={"action": "give"},
                     headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    with db.read() as s:
        assert current_episode(s, cid).email_consent is False


def test_with_email_set_up_the_page_does_not_say_it_is_off_and_the_clinic_switch_does(
        http, app, db, sqlite_people, monkeypatch):
    settings = app.server.extensions[SETTINGS_KEY]
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, dataclasses.replace(
        settings, smtp=parse_smtp_url("smtps://mail.example.org", "r@example.org")))
    cid = sqlite_people.alice_client_id
    login(http, ALICE)
    assert "reminders-off" not in http.get(f"/clients/{cid}/reminders").get_data(as_text=True)
    with db.begin() as s:
        s.execute(update(Clinic).values(email_reminders=False))
    assert "turned email reminders off" in http.get(
        f"/clients/{cid}/reminders").get_data(as_text=True)


def test_the_admin_turns_the_clinic_s_reminders_off_and_on(http, db, sqlite_people):
    login(http, ADMIN)
    values = {f"{clinic_ids.REMINDERS_FORM}.n_submit": 1, f"{clinic_ids.REMINDERS}.value": False}
    response = invoke(http, clinic_ids.REMINDERS_RESULT, values)
    assert "email reminders are off" in response.get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(Clinic.email_reminders)) is False
    response = invoke(http, clinic_ids.REMINDERS_RESULT, {**values,
                                                          f"{clinic_ids.REMINDERS}.value": True})
    assert "email reminders are on" in response.get_data(as_text=True)
    assert _actions(db).count("email_reminders_set") == 2
    # A practitioner cannot.
    http.post("/logout")
    login(http, ALICE)
    refused = invoke(http, clinic_ids.REMINDERS_RESULT, values)
    assert "email reminders are off" not in refused.get_data(as_text=True)
    with db.read() as s:
        assert s.scalar(select(Clinic.email_reminders)) is True
