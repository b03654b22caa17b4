"""The client's own page (/my/): the token is the only key, it never leaks, bad input and
other sites change nothing, and the practitioner's link page and the CLI make and end it."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, text, update

from dashboard.cli import main
from dashboard.db.client_links import create_link
from dashboard.db.models import (
    AuditEntry,
    Base,
    ClientLink,
    ClientLinkFailure,
    Episode,
    HomeLogEntry,
    PlanItem,
    PlanVersion,
    utcnow,
)
from dashboard.db.summary import current_episode
from tests.conftest import NOTE, login
from tests.factories import BOB, clinic_today, make_client_link, open_own_page

_make_link, _open = make_client_link, open_own_page


def _items(db, client_id) -> list[int]:
    with db.read() as s:
        episode = current_episode(s, client_id)
        version = s.scalar(select(PlanVersion).where(PlanVersion.episode_id == episode.id)
                           .order_by(PlanVersion.version.desc()).limit(1))
        return [i.id for i in version.items]


def test_the_token_is_traded_for_a_strict_cookie_and_the_page_shows_only_what_it_should(
        linked, db):
    browser, token = linked["browser"], linked["token"]
    opened = _open(browser, token)
    assert opened.status_code == 200
    assert 'http-equiv="refresh" content="0;url=/my/"' in opened.get_data(as_text=True)
    cookie = opened.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/my/" in cookie
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    page = browser.get("/my/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Hello, Carol" in body and "Cold" in body and "Alice Practitioner" in body
    assert "01632 960 999" in body and "Call the crisis line on 116 123." in body
    assert "Nobody watches this page around the clock" in body
    assert "Get urgent help" in body  # the safety section, always
    # No surname, no date of birth, no practitioner's notes, no script, no token.
    for hidden in ("Alison", "1980", "17 May", "not bold", "<script", token, "<textarea"):
        assert hidden not in body, hidden
    assert len(page.data) < 60_000
    # Seven days to log, today first; the address carries no id.
    assert body.count('name="day"') == 7
    assert f'value="{clinic_today().isoformat()}"' in body


def test_saving_a_day_is_idempotent_and_audited_without_the_token(linked, db):
    browser, token = linked["browser"], linked["token"]
    _open(browser, token)
    today = clinic_today().isoformat()
    item = _items(db, linked["client_id"])[0]
    first = browser.post("/my/", data={"day": today, "pain": "6", "stress": "4",
                                       "done": str(item)})
    assert first.status_code == 303 and first.headers["Location"].startswith("/my/?saved=")
    second = browser.post("/my/", data={"day": today, "pain": "5", "stress": ""})
    assert second.status_code == 303
    assert "Saved: Today" in browser.get(second.headers["Location"]).get_data(as_text=True)
    with db.read() as s:
        entries = s.scalars(select(HomeLogEntry)).all()
        assert [(e.log_on.isoformat(), e.pain, e.stress, e.source) for e in entries] == [
            (today, 5, None, "client")]
        audit = s.execute(select(AuditEntry.action, AuditEntry.detail, AuditEntry.entity_id,
                                 AuditEntry.ip)).all()
        actions = [a for a, *_ in audit]
        for action in ("client_link_created", "client_link_shown", "client_link_opened",
                       "home_log_saved"):
            assert action in actions
        assert not any(token in repr(row) for row in audit)


def _snapshot(db) -> dict[str, list]:
    """Every row of every table, but the audit of the refusal itself."""
    tables = {}
    with db.read() as s:
        for table in Base.metadata.sorted_tables:
            query = select(table)
            if table.name == "audit_log":
                query = query.where(text("action NOT IN ('home_log_refused')"))
            tables[table.name] = sorted(map(tuple, s.execute(query)), key=repr)
    return tables


def test_forged_and_out_of_range_input_is_refused_and_changes_nothing(linked, db,
                                                                       sqlite_people):
    browser = linked["browser"]
    _open(browser, linked["token"])
    today = clinic_today()
    # Bob's client's plan part: a real id, but not in this episode's plan.
    with db.begin() as s:
        bob_episode = current_episode(s, sqlite_people.bob_client_id)
        from dashboard.db.plans import save_plan_version
        from dashboard.domain.plans import PlanDraft
        other_plan = save_plan_version(s, episode_id=bob_episode.id, draft=PlanDraft(
            tuple(), 14, "", ()), user_id=sqlite_people.bob_id, today=dt.date(2026, 1, 6))
        other_item = PlanItem(plan_version_id=other_plan.id, part_id=1, part_revision=1,
                              strategy_key="x", strategy_name="X", part_name="Other part",
                              instructions="-", position=1, dose_kind="timed", minutes_min=5)
        s.add(other_item)
        s.flush()
        other_item_id = other_item.id
        # A part of this client's earlier plan version is not in the current plan either.
        old_item = s.scalar(select(PlanItem.id).join(PlanVersion).where(
            PlanVersion.version == 1, PlanVersion.episode_id == current_episode(
                s, linked["client_id"]).id).limit(1))
    good = {"day": today.isoformat(), "pain": "5", "stress": "5"}
    forged = [
        {**good, "done": str(other_item_id)},
        {**good, "done": str(old_item)},
        {**good, "done": "1 OR 1=1"},
        {**good, "pain": "11"}, {**good, "pain": "-1"}, {**good, "pain": "2.5"},
        {**good, "stress": '"7"'}, {**good, "stress": "١"},
        {**good, "day": (today + dt.timedelta(days=1)).isoformat()},
        {**good, "day": (today - dt.timedelta(days=8)).isoformat()},
        {**good, "day": "yesterday"},
        {**good, "client_id": str(sqlite_people.bob_client_id), "pain": "99"},
    ]
    before = _snapshot(db)
    for data in forged:
        response = browser.post("/my/", data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, data
        assert "Nothing was saved" in body and "Other part" not in body, data
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = browser.post("/my/", data=good, headers=headers)
        assert response.status_code == 403 and "cross-site" in response.get_data(as_text=True)
    assert _snapshot(db) == before
    with db.read() as s:
        assert s.scalar(select(HomeLogEntry.id)) is None


def test_guessed_expired_revoked_and_other_episode_tokens_get_nothing(linked, db, app,
                                                                      sqlite_people):
    token, client_id = linked["token"], linked["client_id"]
    def nothing(response):
        body = response.get_data(as_text=True)
        assert response.status_code == 404, response.status_code
        assert "This link has ended" in body and "Carol" not in body and "Cold" not in body
        assert "client_link=;" in response.headers.get("Set-Cookie", "")  # cookie cleared

    fresh = app.server.test_client
    nothing(fresh().get("/my/" + "A" * 32))  # guessed
    nothing(fresh().get("/my/" + token[:-1]))  # almost right
    nothing(fresh().get("/my/"))  # no cookie at all
    # Expired.
    with db.begin() as s:
        s.execute(update(ClientLink).values(created_at=utcnow() - dt.timedelta(days=91),
                                            expires_at=utcnow() - dt.timedelta(seconds=1)))
    nothing(fresh().get(f"/my/{token}"))
    with db.begin() as s:
        s.execute(update(ClientLink).values(expires_at=utcnow() + dt.timedelta(days=1)))
    browser = fresh()
    assert _open(browser, token).status_code == 200
    # Revoked by the practitioner: the cookie already given opens nothing either.
    assert linked["practitioner"].post(f"/clients/{client_id}/link",
                                       data={"action": "revoke"}).status_code == 303
    nothing(browser.get("/my/"))
    nothing(browser.post("/my/", data={"day": clinic_today().isoformat(), "pain": "3"}))
    # A new link for a discharged episode's client: the old episode's token opens nothing.
    token2 = _make_link(linked["practitioner"], client_id)
    with db.begin() as s:
        episode = s.get(Episode, current_episode(s, client_id).id)
        episode.ended_on, episode.discharge_reason = clinic_today(), "goals_met"
    nothing(fresh().get(f"/my/{token2}"))
    # Bob's client's link opens Bob's client only, never Alice's.
    with db.begin() as s:
        bob_link = create_link(s, client_id=sqlite_people.bob_client_id,
                               secret_key="test-secret", user_id=None, now=utcnow())
    bob = fresh()
    _open(bob, bob_link.token)
    body = bob.get("/my/").get_data(as_text=True)
    assert "Hello, Dave" in body and "Carol" not in body
    with db.read() as s:
        assert s.scalar(select(HomeLogEntry.id)) is None


def test_invalid_tokens_are_throttled_per_address(app, db, sqlite_people):
    guesser = app.server.test_client()
    for n in range(20):
        assert guesser.get(f"/my/{n:032d}").status_code == 404
    slowed = guesser.get("/my/" + "C" * 32)  # the 21st waits, and is not even looked up
    assert slowed.status_code == 429 and "wait" in slowed.get_data(as_text=True)
    other = app.server.test_client()  # another address is not slowed
    assert other.get("/my/" + "D" * 32, environ_base={"REMOTE_ADDR": "10.0.0.9"}
                     ).status_code == 404
    with db.read() as s:
        assert len(s.scalars(select(ClientLinkFailure)).all()) == 21


def test_the_link_page_shows_the_link_and_qr_and_checks_who_asks(linked, app, db,
                                                                  sqlite_people):
    page = linked["practitioner"].get(f"/clients/{linked['client_id']}/link")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in body and "Works until" in body
    assert f"/my/{linked['token']}" in body
    bob = app.server.test_client()
    login(bob, BOB)
    assert bob.get(f"/clients/{linked['client_id']}/link").status_code == 404
    assert bob.post(f"/clients/{linked['client_id']}/link",
                    data={"action": "revoke"}).status_code == 404
    with db.read() as s:
        assert s.scalar(select(ClientLink.revoked_at)) is None
    bad = linked["practitioner"].post(f"/clients/{linked['client_id']}/link",
                                      data={"action": "create", "days": "400"})
    assert bad.status_code == 400 and "Between 1 and 365 days" in bad.get_data(as_text=True)


def test_cli_creates_and_revokes_a_link(linked, db, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("PUBLIC_URL", "https://care.example.clinic")
    client_id = linked["client_id"]
    assert main(["client-link", str(client_id), "--days", "30"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://care.example.clinic/my/")
    token = url.rsplit("/", 1)[1]
    browser = linked["browser"]
    assert _open(browser, token).status_code == 200
    assert _open(browser, linked["token"]).status_code == 404  # the earlier link ended
    assert main(["client-link", str(client_id), "--revoke"]) == 0
    assert _open(browser, token).status_code == 404
    assert main(["client-link", "999999"]) == 2
    assert main(["client-link", str(client_id), "--days", "0"]) == 2
    with db.read() as s:
        details = " ".join(s.scalars(select(AuditEntry.detail)))
        assert token not in details and "command line" in details


def test_the_page_has_no_other_client_s_data_in_its_links(linked):
    browser = linked["browser"]
    _open(browser, linked["token"])
    body = browser.get("/my/").get_data(as_text=True)
    hrefs = re.findall(r'(?:href|action)="([^"]*)"', body)
    assert hrefs and all(h.startswith(("#", "/my/", "tel:")) for h in hrefs), hrefs
    assert NOTE not in body
