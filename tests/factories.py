"""Small builders of test data through the same data functions the app uses."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

from sqlalchemy import select

from dashboard.db.engine import Database
from dashboard.db.models import CareSession, Client, Episode, StrategyPart, utcnow
from dashboard.db.plans import save_plan_version
from dashboard.db.sessions import set_activities
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.db.users import create_user
from dashboard.domain.dose import Dose
from dashboard.domain.home_log import loggable_days
from dashboard.domain.plans import PlanDraft, PlanItemDraft
from dashboard.pages.client import ids

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


def add_sessions(s, client_id, scores, start=dt.date(2026, 2, 1)):
    """Sessions a week apart in the client's current episode: (pain, stress, function)."""
    client = s.get(Client, client_id)
    episode = current_episode(s, client_id)
    for n, (pain, stress, function) in enumerate(scores):
        s.add(CareSession(client_id=client_id, episode_id=episode.id,
                          practitioner_id=client.practitioner_id,
                          session_on=start + dt.timedelta(days=7 * n), pain=pain,
                          stress=stress, function_score=function))
    s.flush()
    refresh_client_summary(s, client)


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF as a reader sees it (poppler's pdftotext, laid out)."""
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def session_form(setup, **overrides):
    """The session form as the browser posts it (tests/dash_client.build_payload's keys):
    the client of ``setup`` with two activities rated and every plan part done 5 days."""
    values = {
        f"{ids.SESSION_FORM}.n_submit": 1,
        f"{ids.CLIENT_ID}.data": setup["client"],
        f"{ids.SESSION_EDITING}.data": None,
        f"{ids.SESSION_DATE}.value": "2026-02-01",
        f"{ids.SESSION_PAIN}.value": "6",
        f"{ids.SESSION_STRESS}.value": 5,
        ids.SESSION_RATING: [({"type": ids.SESSION_RATING, "activity": a}, v)
                             for a, v in zip(setup["activities"], (4, 6), strict=True)],
        ids.SESSION_RATING_ERROR: [({"type": ids.SESSION_RATING_ERROR, "activity": a}, None)
                                   for a in setup["activities"]],
        ids.SESSION_ADHERENCE: [({"type": ids.SESSION_ADHERENCE, "item": i}, 5)
                                for i in setup["items"]],
        ids.SESSION_ADHERENCE_ERROR: [({"type": ids.SESSION_ADHERENCE_ERROR, "item": i}, None)
                                      for i in setup["items"]],
        f"{ids.SESSION_NOTES}.value": "Felt better <script>x</script>",
        f"{ids.SESSION_Q_INCLUDE}.value": [],
        ids.SESSION_Q_ITEM: [],
        ids.SESSION_Q_ERROR: [({"type": ids.SESSION_Q_ERROR, "instrument": k}, None)
                              for k in ("PSS10", "PHQ9", "GAD7")],
    }
    values.update(overrides)
    return values


def plan_form(client_id, parts, **overrides):
    """The plan builder as the browser posts it: heat included (15-20 minutes, twice a day),
    cold not."""
    heat = parts["heat"]
    values = {
        f"{ids.CLIENT_ID}.data": client_id,
        f"{ids.SAVE}.n_clicks": 1,
        ids.INCLUDE: [({"type": ids.INCLUDE, "part": heat.id}, True),
                      ({"type": ids.INCLUDE, "part": parts["cold"].id}, False)],
        ids.DOSE: [({"type": ids.DOSE, "part": heat.id, "field": f}, v)
                   for f, v in (("minutes_min", 15), ("minutes_max", 20),
                                ("times_per_day", 2), ("days_per_week", 7))],
        ids.PART_ERROR: [({"type": ids.PART_ERROR, "part": heat.id}, None),
                         ({"type": ids.PART_ERROR, "part": parts["cold"].id}, None)],
        f"{ids.REVIEW}.value": 14,
        f"{ids.NOTES}.value": "Keep it gentle <script>alert(1)</script>",
    }
    values.update(overrides)
    return values


def heat_plan_client(db, people) -> int:
    """Alice's client with one activity (Lifting) and a plan of heat alone; its id."""
    cid = people.alice_client_id
    with db.begin() as s:
        set_activities(s, cid, ["Lifting"])
        heat = s.scalar(select(StrategyPart).where(StrategyPart.key == "heat"))
        save_plan_version(s, episode_id=current_episode(s, cid).id, draft=PlanDraft((
            PlanItemDraft(heat.id, "Heat", "Heat", Dose.from_columns(heat)),)),
            user_id=people.alice_id, today=dt.date(2026, 1, 5))
    return cid


def phq9_answers(answers):
    """PHQ-9 answers as the session form posts them (item 1 first)."""
    return [({"type": ids.SESSION_Q_ITEM, "instrument": "PHQ9", "item": n}, v)
            for n, v in enumerate(answers, start=1)]


def clinic_today() -> dt.date:
    """Today in the test app's clinic time zone (the default, Europe/London)."""
    from zoneinfo import ZoneInfo

    return loggable_days(dt.datetime.now(ZoneInfo("Europe/London")).date())[0]


TOKEN_RE = re.compile(r"/my/([A-Za-z0-9_-]{32})")


def make_client_link(http, client_id: int, days: str = "90") -> str:
    """A link to the client's own page made through the practitioner's form; its token."""
    response = http.post(f"/clients/{client_id}/link", data={"action": "create", "days": days})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    page = http.get(f"/clients/{client_id}/link").get_data(as_text=True)
    return TOKEN_RE.search(page).group(1)


def open_own_page(browser, token: str):
    """The client opens their link (the token then lives in the page's cookie)."""
    return browser.get(f"/my/{token}")


def assign_home_measures(http, client_id: int, **every: str) -> None:
    """The practitioner assigns questionnaires at home (``PHQ9="2w"``) through their form."""
    response = http.post(f"/clients/{client_id}/measures",
                         data={f"every-{key}": value for key, value in every.items()})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def home_phq9_form(**items: int) -> dict[str, str]:
    """A complete PHQ-9 as the client's page posts it: every item 0 unless ``i<n>=v``."""
    return {f"item-{n}": str(items.get(f"i{n}", 0)) for n in range(1, 10)}
