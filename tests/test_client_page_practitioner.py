"""What practitioners see of the client's own log: progress (a separate series, the
adherence rule), the session form's pre-fill, home's count and pain-rise flag, and the
handout's QR code and short link."""

from __future__ import annotations

import datetime as dt
import subprocess

from sqlalchemy import select

from dashboard.auth.access import CurrentUser
from dashboard.db.client_links import create_link, revoke_links
from dashboard.db.home_log import home_log_overview, save_day
from dashboard.db.models import CareSession, Client, PlanItem, PlanVersion, utcnow
from dashboard.db.progress import load_progress
from dashboard.db.sessions import session_context
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.home_log import DayLog
from tests.conftest import login
from tests.factories import ALICE

TODAY = dt.date(2026, 3, 20)


def _cold(s, client_id) -> tuple[int, int]:
    episode = current_episode(s, client_id).id
    item = s.scalar(select(PlanItem.id).join(PlanVersion).where(
        PlanVersion.episode_id == episode, PlanVersion.version == 2))
    return episode, item


def _log(s, client_id, episode, item, day, pain, stress=None, done=True):
    save_day(s, client_id=client_id, episode_id=episode, link_id=None,
             day=DayLog(day, pain, stress, frozenset({item} if done else set())), now=utcnow())


def test_progress_keeps_home_scores_apart_and_counts_ticks_after_the_last_session(
        db, planned, sqlite_people):
    with db.begin() as s:
        episode, cold = _cold(s, planned)
        s.add(CareSession(client_id=planned, episode_id=episode,
                          practitioner_id=sqlite_people.alice_id,
                          session_on=dt.date(2026, 3, 15), pain=4, stress=4))
        _log(s, planned, episode, cold, dt.date(2026, 3, 14), 3)  # before the session
        _log(s, planned, episode, cold, dt.date(2026, 3, 17), 6, 5)
        _log(s, planned, episode, cold, dt.date(2026, 3, 18), None, 2, done=False)
        _log(s, planned, episode, cold, dt.date(2026, 3, 19), 7)
    with db.read() as s:
        progress = load_progress(s, episode)
    assert [p.pain for p in progress.points] == [4]  # sessions only
    assert [(h.log_on.day, h.pain, h.stress) for h in progress.home] == [
        (14, 3, None), (17, 6, 5), (18, None, 2), (19, 7, None)]
    provisional = [a for a in progress.adherence if a.session_on == dt.date(2026, 3, 19)]
    assert [(a.strategy, a.days_done, a.days_prescribed) for a in provisional] == [
        ("Heat or cold therapy", 2, 7)]  # the 17th and 19th; the 14th was the session's week


def test_the_session_form_starts_from_the_ticks_of_the_past_week(db, planned):
    with db.begin() as s:
        episode, cold = _cold(s, planned)
        for day in (13, 16, 19, 20):
            _log(s, planned, episode, cold, dt.date(2026, 3, day), None)
    with db.read() as s:
        client = s.get(Client, planned)
        slots = session_context(s, client, TODAY).adherence
        assert [(slot.part_name, slot.from_home) for slot in slots] == [("Cold", 3)]
        assert [slot.from_home for slot in session_context(s, client).adherence] == [None]


def test_home_lists_days_logged_and_flags_a_rise_of_two_over_the_last_session(
        db, planned, sqlite_people):
    alice = CurrentUser(sqlite_people.alice_id, ALICE, "Alice", "practitioner", 0, "")
    with db.begin() as s:
        episode, cold = _cold(s, planned)
        s.add(CareSession(client_id=planned, episode_id=episode,
                          practitioner_id=sqlite_people.alice_id,
                          session_on=dt.date(2026, 3, 15), pain=4, stress=4))
        s.flush()
        refresh_client_summary(s, s.get(Client, planned))
        _log(s, planned, episode, cold, dt.date(2026, 3, 18), 6)
        _log(s, planned, episode, cold, dt.date(2026, 3, 19), 5)
    with db.read() as s:
        rows = home_log_overview(s, alice, today=TODAY)
        assert [(r.client_id, r.days_logged, r.latest_home_pain, r.pain_rose)
                for r in rows] == [(planned, 2, 5, False)]
    with db.begin() as s:
        _log(s, planned, episode, cold, dt.date(2026, 3, 20), 6)
    with db.read() as s:
        row = home_log_overview(s, alice, today=TODAY)[0]
        assert (row.days_logged, row.latest_home_pain, row.pain_rose) == (3, 6, True)
        # Another practitioner's list does not have Alice's client.
        bob = CurrentUser(sqlite_people.bob_id, "b", "Bob", "practitioner", 0, "")
        assert home_log_overview(s, bob, today=TODAY) == []


def test_the_handout_prints_the_qr_code_and_short_link_while_the_link_is_live(
        http, db, planned, sqlite_people, tmp_path):
    login(http, ALICE)
    with db.begin() as s:
        link = create_link(s, client_id=planned, secret_key="test-secret",
                           user_id=sqlite_people.alice_id, now=utcnow())
    preview = http.get(f"/clients/{planned}/handout.html").get_data(as_text=True)
    assert "Your plan on your phone" in preview and "<svg" in preview
    assert "localhost/my/" in preview and link.token in preview
    pdf = http.post(f"/clients/{planned}/handout.pdf")
    assert pdf.status_code == 200
    path = tmp_path / "h.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Your plan on your phone" in text
    # The code is printed whole on one line: a line break inside it (at a "-" it reads as a
    # hyphen) made clients type a different address.
    assert any(link.token in line for line in text.splitlines())
    with db.begin() as s:
        revoke_links(s, client_id=planned, user_id=None, now=utcnow())
    preview = http.get(f"/clients/{planned}/handout.html").get_data(as_text=True)
    assert "Your plan on your phone" not in preview and link.token not in preview
