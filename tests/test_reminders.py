"""Email reminders and safety-alert notices (issue 22), against a real SMTP server on
loopback (aiosmtpd, started here): who gets a message and what it says (no health data),
a second run the same day sends nothing, a refused connection is recorded and retried,
a refused recipient is a bounce, the unsubscribe link works without signing in, and
several runs at once still send each reminder once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from dashboard.cli import main
from dashboard.config import Settings, SettingsError, parse_smtp_url
from dashboard.context import SETTINGS_KEY
from dashboard.db.episodes import record_intake
from dashboard.db.erasure import erase_client
from dashboard.db.models import (
    AuditEntry,
    Client,
    ClientLink,
    ClientShare,
    Clinic,
    EmailMessage,
    Episode,
    HomeLogEntry,
    utcnow,
)
from dashboard.db.reminders import set_email_consent
from dashboard.db.summary import current_episode
from dashboard.domain.episodes import RED_FLAG_ITEMS, parse_intake
from dashboard.domain.reminders import NO_LOG, reminder_reason
from dashboard.reminders import send_reminders
from tests.factories import (
    ALICE,
    BOB,
    assign_home_measures,
    home_phq9_form,
    make_client,
    make_client_link,
    open_own_page,
)
from tests.smtp_server import free_port, smtp_server

PUBLIC = "https://care.example.org"
CLIENT_EMAIL = "carol@example.org"
SENDER = "reminders@test-clinic.example.org"
# What a reminder must never carry: the client's names, questionnaires, scores, conditions.
HEALTH_WORDS = ("Carol", "Alison", "PHQ", "GAD", "PSS", "questionnaire", "depress",
                "anxiety", "stress", "pain", "score", "mood", "Alice Practitioner")


def _today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


@pytest.fixture
def server():
    with smtp_server() as running:
        yield running


@pytest.fixture
def email_env(monkeypatch, db):
    """The command line's environment: the test's database and the app's secret key (the
    client's link is made again from it)."""
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("SMTP_FROM", SENDER)

    def use(url: str | None) -> None:
        if url is None:
            monkeypatch.delenv("SMTP_URL", raising=False)
        else:
            monkeypatch.setenv("SMTP_URL", url)
    return use


def _consenting(db, client_id: int, email: str = CLIENT_EMAIL, *, by: int | None = None):
    with db.begin() as s:
        client = s.get(Client, client_id)
        client.email = email
        episode = current_episode(s, client_id)
        set_email_consent(s, episode=episode, given=True,
                          user_id=by or client.practitioner_id, now=utcnow())


def _messages(db) -> list[EmailMessage]:
    with db.read() as s:
        return list(s.scalars(select(EmailMessage).order_by(EmailMessage.id)))


def _run(capsys) -> tuple[int, str, str]:
    code = main(["send-reminders"])
    out, err = capsys.readouterr()
    return code, out, err


def _token(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


# --- Settings --------------------------------------------------------------------------

def test_smtp_url_forms_and_what_is_refused():
    starttls = parse_smtp_url("smtp://me%40clinic:p%3Ass@mail.example.org", SENDER)
    assert (starttls.host, starttls.port, starttls.security, starttls.username,
            starttls.password) == ("mail.example.org", 587, "starttls", "me@clinic", "p:ss")
    assert "p:ss" not in repr(starttls)
    implicit = parse_smtp_url("smtps://mail.example.org", SENDER)
    assert (implicit.port, implicit.security) == (465, "tls")
    local = parse_smtp_url("smtp://127.0.0.1:2525?tls=none", SENDER)
    assert (local.port, local.security) == (2525, "none")
    for bad, words in (("smtp://mail.example.org?tls=none", "only allowed for a mail relay"),
                       ("http://mail.example.org", "smtp://"),
                       ("smtp://mail.example.org/x", "no path"),
                       ("smtp://mail.example.org?tls=maybe", "tls="),
                       ("smtp://mail.example.org:port", "port")):
        with pytest.raises(SettingsError, match=words):
            parse_smtp_url(bad, SENDER)
    for sender in ("", "not-an-address", "a@b.org\nBcc: x@y.org", "a@b.org,c@d.org"):
        with pytest.raises(SettingsError, match="SMTP_FROM"):
            parse_smtp_url("smtps://mail.example.org", sender)
    assert Settings.from_env({}).smtp is None
    assert Settings.from_env({"SMTP_URL": "smtps://m.example.org",
                              "SMTP_FROM": SENDER}).smtp.host == "m.example.org"


def test_reminder_rule_edges():
    today = dt.date(2026, 11, 30)
    days = dt.timedelta
    assert reminder_reason(measure_due=True, last_logged_on=today, link_made_on=today,
                           today=today) == "measure_due"
    assert reminder_reason(measure_due=False, last_logged_on=today - days(2),
                           link_made_on=today - days(30), today=today) is None
    assert reminder_reason(measure_due=False, last_logged_on=today - days(3),
                           link_made_on=today - days(30), today=today) == NO_LOG
    # Never logged: counted from the link's first day.
    assert reminder_reason(measure_due=False, last_logged_on=None,
                           link_made_on=today - days(2), today=today) is None
    assert reminder_reason(measure_due=False, last_logged_on=None,
                           link_made_on=today - days(3), today=today) == NO_LOG


# --- Reminders -------------------------------------------------------------------------

def test_a_due_client_gets_one_reminder_a_day_with_no_health_data(
        linked, db, server, email_env, capsys):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    email_env(server.url)
    code, out, _ = _run(capsys)
    assert code == 0 and "1 due, 1 sent" in out
    [mail] = server.wait_for(1)
    assert mail.recipients == [CLIENT_EMAIL]
    assert mail.message["From"].addresses[0].addr_spec == SENDER
    assert mail.message["From"].addresses[0].display_name == "Test Clinic"
    assert mail.message["Subject"] == "A reminder from Test Clinic"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    body = mail.body
    # The link to the client's own page (it opens their page), and an unsubscribe link.
    assert f"{PUBLIC}/my/{linked['token']}" in body
    unsubscribe = re.search(rf"{PUBLIC}/my/unsubscribe/[A-Za-z0-9_-]{{32}}", body).group(0)
    assert mail.message["List-Unsubscribe"].strip() == f"<{unsubscribe}>"  # may be folded
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = f"{mail.message['Subject']}\n{body}".lower()
    for word in HEALTH_WORDS:
        assert word.lower() not in text, word
    [row] = _messages(db)
    assert (row.kind, row.status, row.reason, row.attempts, row.for_day, row.to_address) == (
        "reminder", "sent", "measure_due", 1, _today(), CLIENT_EMAIL)
    assert row.unsubscribe_seed and _token(unsubscribe) not in repr(
        [row.unsubscribe_hash, row.unsubscribe_seed])
    # The second run the same day sends nothing.
    code, out, _ = _run(capsys)
    assert code == 0 and "0 sent" in out and "1 already done today" in out
    assert len(server.wait_for(2, timeout=0.5)) == 1 and len(_messages(db)) == 1
    with db.read() as s:
        assert s.scalar(select(AuditEntry.action).where(
            AuditEntry.entity == "email_message")) == "reminder_sent"


def test_who_is_not_reminded(linked, db, server, email_env, capsys, sqlite_people):
    """No consent, consent withdrawn, no address, no live link, nothing due, the clinic's
    switch off: no message."""
    cid = linked["client_id"]
    email_env(server.url)
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    with db.begin() as s:
        s.get(Client, cid).email = CLIENT_EMAIL  # an address, but no consent
    assert _run(capsys)[1].startswith("Reminders: 0 due")
    _consenting(db, cid, email="")
    assert _run(capsys)[1].startswith("Reminders: 0 due")
    _consenting(db, cid)
    with db.begin() as s:
        s.execute(update(Clinic).values(email_reminders=False))
    assert "turned email reminders off" in _run(capsys)[1]
    with db.begin() as s:
        s.execute(update(Clinic).values(email_reminders=True))
        s.execute(update(ClientLink).values(revoked_at=utcnow()))
    assert _run(capsys)[1].startswith("Reminders: 0 due")
    assert server.received == [] and _messages(db) == []


def test_three_days_without_a_log_is_reminded_and_a_day_logged_stops_it(
        linked, db, server, email_env, capsys):
    cid = linked["client_id"]
    _consenting(db, cid)
    email_env(server.url)
    with db.begin() as s:
        s.execute(update(ClientLink).values(created_at=utcnow() - dt.timedelta(days=10)))
        episode = current_episode(s, cid)
        s.add(HomeLogEntry(episode_id=episode.id, client_id=cid,
                           log_on=_today() - dt.timedelta(days=1), pain=3))
    assert _run(capsys)[1].startswith("Reminders: 0 due")
    with db.begin() as s:
        s.execute(update(HomeLogEntry).values(log_on=_today() - dt.timedelta(days=3)))
    assert "1 sent" in _run(capsys)[1]
    assert [m.reason for m in _messages(db)] == ["no_log"]


def test_a_refused_connection_is_recorded_and_retried_by_the_next_run(
        linked, db, email_env, capsys):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    port = free_port()  # nothing listens there yet
    email_env(f"smtp://127.0.0.1:{port}?tls=none")
    code, out, err = _run(capsys)
    assert code == 1 and "1 failed" in out and "could not reach the mail server" in err
    [row] = _messages(db)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert "ConnectionRefusedError" in row.error
    with smtp_server(port) as server:
        code, out, _ = _run(capsys)
        assert code == 0 and "1 sent" in out
        assert [m.recipients for m in server.wait_for(1)] == [[CLIENT_EMAIL]]
    [row] = _messages(db)
    assert (row.status, row.attempts, row.error) == ("sent", 2, "")
    with db.read() as s:
        assert list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.entity == "email_message").order_by(AuditEntry.id))) == [
            "reminder_failed", "reminder_sent"]


def test_a_refused_recipient_is_a_bounce_and_not_tried_again(
        linked, db, server, email_env, capsys):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"], email="nobody@example.org")
    server.handler.refuse.add("nobody@example.org")
    email_env(server.url)
    code, out, _ = _run(capsys)
    assert code == 0 and "1 bounced" in out
    [row] = _messages(db)
    assert row.status == "bounced" and row.error.startswith("the recipient was refused: 550")
    assert "1 already done today" in _run(capsys)[1]
    assert server.received == [] and _messages(db)[0].attempts == 1


def test_runs_at_once_send_each_reminder_once(linked, db, server, sqlite_people):
    """Two hosts (or an hourly cron overlapping a slow run) share the outbox: the unique
    key lets one claim each client's reminder for the day."""
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    with db.begin() as s:
        others = [make_client(s, practitioner_id=sqlite_people.alice_id, given=f"Eve{n}",
                              family="Example") for n in range(5)]
        other_ids = [c.id for c in others]
    practitioner = linked["practitioner"]
    for n, cid in enumerate(other_ids):
        make_client_link(practitioner, cid)
        assert practitioner.post(f"/clients/{cid}/measures",
                                 data={"every-GAD7": "1w"}).status_code == 303
        _consenting(db, cid, email=f"eve{n}@example.org")
    settings = Settings(database_url=db.url, secret_key="test-secret", environment="test",
                        public_url=PUBLIC, smtp=parse_smtp_url(server.url, SENDER))
    reports, errors = [], []

    def run() -> None:
        try:
            reports.append(send_reminders(db, settings, today=_today()))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.sent for r in reports) == 6 and sum(r.already for r in reports) == 12
    mails = server.wait_for(6)
    assert sorted(r for m in mails for r in m.recipients) == sorted(
        [CLIENT_EMAIL] + [f"eve{n}@example.org" for n in range(5)])


def test_without_smtp_url_reminders_are_off_and_say_so(linked, db, email_env, capsys):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    email_env(None)
    code, _, err = _run(capsys)
    assert code == 0 and "Email is not set up (SMTP_URL is not set)" in err
    assert _messages(db) == []


# --- Unsubscribing ---------------------------------------------------------------------

def _one_reminder(linked, db, server, email_env, capsys) -> str:
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    _consenting(db, linked["client_id"])
    email_env(server.url)
    _run(capsys)
    [mail] = server.wait_for(1)
    return re.search(r"/my/unsubscribe/[A-Za-z0-9_-]{32}", mail.body).group(0)


def test_the_unsubscribe_link_asks_then_withdraws_consent_without_signing_in(
        linked, db, server, email_env, capsys, app):
    path = _one_reminder(linked, db, server, email_env, capsys)
    stranger = app.server.test_client()  # no login, no cookie
    page = stranger.get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Stop email reminders" in body
    assert "Test Clinic" in body and "Carol" not in body
    assert page.headers["Cache-Control"] == "no-store"
    with db.read() as s:  # opening the link (a mail scanner does) changes nothing
        assert current_episode(s, linked["client_id"]).email_consent is True
    done = stranger.post(path)
    assert done.status_code == 200 and "No more email reminders" in done.get_data(as_text=True)
    with db.read() as s:
        episode = current_episode(s, linked["client_id"])
        assert (episode.email_consent, episode.email_withdrawn_by_id) == (False, None)
        assert episode.email_withdrawn_at is not None and episode.email_consent_at is not None
        entry = s.scalars(select(AuditEntry).where(
            AuditEntry.action == "email_consent_withdrawn")).one()
        assert (entry.user_id, entry.client_id) == (None, linked["client_id"])
        assert '"via": "unsubscribe link"' in entry.detail and path[-32:] not in entry.detail
    # Tomorrow's run reminds nobody: consent is withdrawn.
    with db.begin() as s:
        s.execute(update(EmailMessage).values(for_day=_today() - dt.timedelta(days=1),
                                              dedupe_key="reminder:old"))
    assert _run(capsys)[1].startswith("Reminders: 0 due")
    # Again: still fine, nothing more changes.
    assert stranger.post(path).status_code == 200


def test_a_mail_programs_one_click_post_works_and_forged_tokens_do_nothing(
        linked, db, server, email_env, capsys, app):
    path = _one_reminder(linked, db, server, email_env, capsys)
    # RFC 8058: the mail provider's server posts, with no browser headers at all.
    provider = app.server.test_client()
    provider.environ_base.pop("HTTP_SEC_FETCH_SITE", None)
    response = provider.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with db.read() as s:
        assert current_episode(s, linked["client_id"]).email_consent is False
    _consenting(db, linked["client_id"])
    for forged in ("/my/unsubscribe/" + "A" * 32, "/my/unsubscribe/short",
                   path[:-1] + ("B" if path[-1] != "B" else "C")):
        assert provider.post(forged).status_code == 404, forged
        assert provider.get(forged).status_code == 404, forged
    with db.read() as s:
        assert current_episode(s, linked["client_id"]).email_consent is True
    # The one exemption from the cross-site check is this route: the client's own page
    # still refuses a post without the browser's headers.
    assert provider.post("/my/", data={"day": _today().isoformat()}).status_code == 403


# --- The practitioner's notice of a safety alert -----------------------------------------

@pytest.fixture
def app_with_email(app, server, monkeypatch):
    settings = app.server.extensions[SETTINGS_KEY]
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, dataclasses.replace(
        settings, public_url=PUBLIC, smtp=parse_smtp_url(server.url, SENDER)))
    return app


def test_item_9_at_home_emails_the_practitioners_once_with_no_health_data(
        linked, db, server, app_with_email, sqlite_people):
    with db.begin() as s:
        s.add(ClientShare(client_id=linked["client_id"], practitioner_id=sqlite_people.bob_id))
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    response = browser.post("/my/measures/PHQ9", data={"item-9": "1"})  # incomplete
    assert response.status_code == 400
    mails = server.wait_for(2)
    assert sorted(r for m in mails for r in m.recipients) == sorted([ALICE, BOB])
    for mail in mails:
        assert mail.message["Subject"] == "A client's answer needs your attention today"
        assert f"{PUBLIC}" in mail.body
        text = mail.body.lower()
        for word in (*HEALTH_WORDS, "item 9", "self-harm", "harm", "suicid"):
            assert word.lower() not in text, word
    # Completing it the same day is the same alert: no second notice.
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(i9=2)).status_code == 303
    assert len(server.wait_for(3, timeout=1.0)) == 2
    # The mail pool records each result after the server took it: wait for that too.
    deadline = time.monotonic() + 10
    while any(m.status != "sent" for m in _messages(db)) and time.monotonic() < deadline:
        time.sleep(0.05)
    rows = _messages(db)
    assert [(m.kind, m.status) for m in rows] == [("safety_alert", "sent")] * 2


def test_a_notice_that_failed_is_sent_by_the_next_run(linked, db, email_env, capsys, app,
                                                      monkeypatch):
    port = free_port()
    settings = app.server.extensions[SETTINGS_KEY]
    monkeypatch.setitem(app.server.extensions, SETTINGS_KEY, dataclasses.replace(
        settings, public_url=PUBLIC,
        smtp=parse_smtp_url(f"smtp://127.0.0.1:{port}?tls=none", SENDER)))
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(i9=1)).status_code == 303
    deadline = time.monotonic() + 10
    while _messages(db)[0].status != "failed" and time.monotonic() < deadline:
        time.sleep(0.05)  # the notice is sent by the app's mail pool after the answer is saved
    assert _messages(db)[0].status == "failed"
    email_env(f"smtp://127.0.0.1:{port}?tls=none")
    with smtp_server(port) as server:
        code, out, _ = _run(capsys)
        assert "Practitioners' notices: 1 sent" in out and code == 0
        assert [m.recipients for m in server.wait_for(1)] == [[ALICE]]


def test_without_email_no_notice_is_queued(linked, db):
    assign_home_measures(linked["practitioner"], linked["client_id"], PHQ9="2w")
    browser = linked["browser"]
    open_own_page(browser, linked["token"])
    assert browser.post("/my/measures/PHQ9", data=home_phq9_form(i9=1)).status_code == 303
    assert _messages(db) == []


# --- Consent at intake, erasure ----------------------------------------------------------

def test_consent_to_email_is_recorded_at_intake_with_who_and_when(db, sqlite_people):
    answers = {item.key: "no" for item in RED_FLAG_ITEMS}
    draft, errors = parse_intake(referral_source="self", referrer_name="", reason="Back pain",
                                 consent_treatment=True, consent_data=True, answers=answers,
                                 consent_email=True)
    assert errors == {}
    with db.begin() as s:
        client = s.get(Client, sqlite_people.alice_client_id)
        client.email = CLIENT_EMAIL
        episode = record_intake(s, client=client, draft=draft, user_id=sqlite_people.alice_id,
                                today=_today())
        assert (episode.email_consent, episode.email_consent_by_id) == (
            True, sqlite_people.alice_id)
        assert episode.email_consent_at is not None
    draft, _ = parse_intake(referral_source="self", referrer_name="", reason="Back pain",
                            consent_treatment=True, consent_data=True, answers=answers,
                            consent_email="yes")  # only True itself counts
    assert draft.consent_email is False
    # Without an address there is nothing to consent to (the form does not offer it).
    draft, _ = parse_intake(referral_source="self", referrer_name="", reason="Back pain",
                            consent_treatment=True, consent_data=True, answers=answers,
                            consent_email=True)
    with db.begin() as s:
        client = s.get(Client, sqlite_people.bob_client_id)
        episode = record_intake(s, client=client, draft=draft, user_id=sqlite_people.bob_id,
                                today=_today())
        assert (episode.email_consent, episode.email_consent_at) == (False, None)


def test_erasure_removes_the_emails_about_the_client(linked, db, server, email_env, capsys,
                                                     sqlite_people):
    _one_reminder(linked, db, server, email_env, capsys)
    with db.begin() as s:
        erase_client(s, s.get(Client, linked["client_id"]), by_user_id=sqlite_people.admin_id,
                     keep_scores=True, now=utcnow())
    assert _messages(db) == []
    with db.read() as s:
        assert s.get(Episode, current_episode(s, linked["client_id"]).id) is not None


def test_the_demo_clinic_has_clients_to_remind_once_each(db, server, email_env, capsys):
    """Done when (issue 22): on the demo clinic `send-reminders` delivers one message per
    due client to the SMTP server, and none on a second run."""
    from dashboard.demo import create_demo

    with db.begin() as s:
        create_demo(s, today=_today(), secret_key="test-secret")
    email_env(server.url)
    code, out, _ = _run(capsys)
    sent = int(re.search(r"(\d+) sent", out).group(1))
    due = int(re.search(r"(\d+) due", out).group(1))
    assert code == 0 and sent == due >= 2, out
    mails = server.wait_for(sent)
    recipients = [r for m in mails for r in m.recipients]
    assert len(recipients) == len(set(recipients)) == sent
    with db.read() as s:
        reasons = set(s.scalars(select(EmailMessage.reason)))
        consenting = set(s.scalars(select(Client.email).join(
            Episode, Episode.client_id == Client.id).where(Episode.email_consent.is_(True))))
    assert reasons == {"measure_due", "no_log"} and set(recipients) <= consenting
    for mail in mails:
        assert "Carol" not in mail.body and "PHQ" not in mail.body
    code, out, _ = _run(capsys)
    assert code == 0 and " 0 sent" in out and f"{sent} already done today" in out
    assert len(server.wait_for(sent + 1, timeout=0.5)) == sent
