"""The demo clinic: deterministic, believable data so a newcomer sees real graphs at once.

Rows are built as plain dicts and inserted level by level with bulk INSERT ... RETURNING,
so the same code makes forty clients or five thousand.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from dashboard.auth.passwords import hash_password
from dashboard.db.clinic import ensure_clinic
from dashboard.db.clinic_figures import rebuild_clinic_figures
from dashboard.db.episodes import outcome_columns, record_intake
from dashboard.db.models import (
    Adherence,
    CareSession,
    Client,
    ClientLink,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    Goal,
    HomeLogEntry,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    MeasureAssignment,
    PlanItem,
    PlanTemplate,
    PlanVersion,
    QuestionnaireAnswer,
    RedFlagAnswer,
    SafetyAlert,
    StrategyPart,
    User,
)
from dashboard.db.outcomes import refresh_all_questionnaire_outcomes
from dashboard.db.plans import current_version
from dashboard.db.summary import current_episode, refresh_client_summary
from dashboard.domain.episodes import RED_FLAG_ITEMS, IntakeDraft, ScorePoint, outcome_of
from dashboard.domain.home_log import DEFAULT_LINK_DAYS, link_token, new_token_seed, token_hash
from dashboard.domain.plans import strategy_keys_text
from dashboard.domain.questionnaires import score
from dashboard.domain.status import status_from

DEMO_PASSWORD = "backcare-demo-2026"  # noqa: S105 - documented demo login
DEMO_ADMIN = ("admin@demo.clinic", "Alex Morgan")
DEMO_PRACTITIONERS = [
    ("priya.patel@demo.clinic", "Priya Patel"),
    ("sam.okafor@demo.clinic", "Sam Okafor"),
    ("jordan.lee@demo.clinic", "Jordan Lee"),
]
@dataclass(frozen=True)
class ClinicSize:
    practitioners: int
    clients: int
    gaps: tuple[int, ...]  # between sessions, in days


SIZES = {  # the large clinic sees its clients more often
    "small": ClinicSize(practitioners=3, clients=40, gaps=(7, 7, 10, 14)),
    "large": ClinicSize(practitioners=50, clients=5000, gaps=(5, 7, 7, 8)),
}

GIVEN = ["Amelia", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Isaac",
         "Jade", "Kofi", "Leah", "Mohammed", "Nina", "Oliver", "Priya", "Quinn", "Rosa",
         "Samuel", "Tara", "Umar", "Vera", "William", "Yasmin", "Zoe", "Aaron", "Bella",
         "Callum", "Deepa", "Ethan", "Fiona", "Gareth", "Holly", "Imran", "Joanna", "Karl"]
FAMILY = ["Adams", "Baker", "Clarke", "Davies", "Evans", "Fisher", "Green", "Hughes", "Iqbal",
          "Jones", "Khan", "Lewis", "Morris", "Nowak", "Owen", "Patel", "Quinn", "Roberts",
          "Singh", "Taylor", "Usman", "Vaughan", "Walker", "Young", "Zielinski", "Ahmed",
          "Brown", "Chen", "Dunn", "Ellis", "Foster", "Garcia", "Hall", "Ito", "Jackson"]
ACTIVITIES = ["Sitting at a desk for an hour", "Lifting a child", "Walking for 30 minutes",
              "Gardening", "Sleeping through the night", "Driving for an hour",
              "Putting on socks", "Carrying shopping", "Playing football", "Housework"]
EXTRA_PARTS = ["plank", "diet", "gentle_movement", "childs_pose", "hydration"]
CLINIC = {
    "name": "Riverside Back Care (demo)",
    "address": "12 River Street, Exampletown EX1 2AB",
    "phone": "01632 960 000",
    "crisis_line_text": ("If you are in danger now, call 999. For someone to talk to at any "
                         "time, call Samaritans free on 116 123."),
}


class DemoRefused(RuntimeError):
    """The database already holds data that the demo must not touch."""


def _bulk(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows with ids assigned here, in order, and return the ids.

    Core executemany without RETURNING: SQLAlchemy's sorted RETURNING merges batches in
    quadratic time, which took minutes for the large clinic. The demo runs alone, so
    reading the current maximum id is safe; PostgreSQL's sequence is moved past them.
    """
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    for row_id, row in zip(ids, rows, strict=True):
        row["id"] = row_id
    _insert_all(session, model, rows)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :m)"),
                        {"t": table.name, "m": ids[-1]})
    return ids


def _insert_all(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    for chunk in range(0, len(rows), 20000):
        session.execute(insert(table), rows[chunk:chunk + 20000])


def database_has_people(session: Session) -> bool:
    users = session.scalar(select(func.count()).select_from(User)) or 0
    clients = session.scalar(select(func.count()).select_from(Client)) or 0
    return users > 0 or clients > 0


def _pain_path(rng: random.Random, n: int, kind: str) -> list[int]:
    # A worsening client needs room on the scale to get worse.
    baseline = rng.randint(4, 7) if kind == "worse" else rng.randint(5, 9)
    pains = []
    for i in range(n):
        t = i / max(1, n - 1)
        if kind == "improving":
            drop = rng.uniform(3, min(6, baseline)) * (1 - math.exp(-3.5 * t))
            value = baseline - drop
        elif kind == "flat":
            value = baseline - 0.8 * t
        else:  # better at first, then worse after a stressful spell
            value = baseline - 2.5 * math.sin(math.pi * t * 0.9) if t < 0.55 else (
                baseline - 1 + 7 * (t - 0.55))
        value += rng.gauss(0, 0.6) if i else 0
        pains.append(int(min(10, max(0, round(value)))))
    return pains


def _questionnaire_items(rng: random.Random, instrument: str, severity: float) -> list[int]:
    """Item answers that track a 0-1 severity; PHQ-9 item 9 stays 0 here."""
    count, top = {"PHQ9": (9, 3), "GAD7": (7, 3), "PSS10": (10, 4)}[instrument]
    values = [int(min(top, max(0, round(rng.gauss(severity * top, 0.7))))) for _ in range(count)]
    if instrument == "PHQ9":
        values[8] = 0
    return values


@dataclass
class _Build:
    """What the demo has made so far: one list per kind of row, in client order (the i-th
    client's row, start, episode, activities and so on share the index i)."""

    session: Session
    rng: random.Random
    spec: ClinicSize
    today: dt.date
    parts: dict[str, StrategyPart]
    templates: list[PlanTemplate]
    part_strategy: dict[int, Any] = field(default_factory=dict)
    user_ids: list[int] = field(default_factory=list)
    practitioner_ids: list[int] = field(default_factory=list)
    client_rows: list[dict[str, Any]] = field(default_factory=list)
    plans_per_client: list[tuple[dt.date, str]] = field(default_factory=list)  # start, path
    client_ids: list[int] = field(default_factory=list)
    episode_ids: list[int] = field(default_factory=list)
    discharged: list[bool] = field(default_factory=list)
    client_activities: list[int] = field(default_factory=list)  # how many each client has
    activity_ids: list[int] = field(default_factory=list)
    version_rows: list[dict[str, Any]] = field(default_factory=list)
    version_ids: list[int] = field(default_factory=list)
    items_by_version: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)
    versions_by_client: dict[int, list[tuple[dt.date, int]]] = field(default_factory=dict)
    session_rows: list[dict[str, Any]] = field(default_factory=list)
    session_ids: list[int] = field(default_factory=list)


def create_demo(
    session: Session, *, today: dt.date, size: str = "small", seed: int = 2026,
    force: bool = False, password: str = DEMO_PASSWORD, secret_key: str | None = None,
) -> dict[str, int]:
    """Make the demo clinic. Refuses a database that already has users or clients unless forced.

    The steps run in this order, drawing from one seeded random generator, so a seed always
    gives the same clinic. ``secret_key`` (the app's): some clients get a live link to their
    own page, made with it (without it, none: a link made under another key opens nothing)."""
    if database_has_people(session) and not force:
        raise DemoRefused("the database already holds users or clients; pass --force to add "
                          "the demo clinic anyway")
    rng = random.Random(seed)
    spec = SIZES[size]
    ensure_clinic(session, **CLINIC)
    parts = {p.key: p for p in session.scalars(select(StrategyPart))}
    templates = list(session.scalars(select(PlanTemplate).order_by(PlanTemplate.key)))
    if not parts or not templates:
        raise DemoRefused("load the strategy catalogue first (dashboard load-catalogue)")
    build = _Build(session, rng, spec, today, parts, templates,
                   part_strategy={p.id: p.strategy for p in parts.values()})
    _add_staff(build, password=password, force=force, seed=seed)
    _add_clients(build)
    _open_episodes(build)
    _add_activities(build)
    _add_plans(build)
    _add_sessions(build)
    _discharge(session, [eid for eid, d in zip(build.episode_ids, build.discharged, strict=True)
                         if d],
               build.session_rows, {eid: row["practitioner_id"] for eid, row in
                                    zip(build.episode_ids, build.client_rows, strict=True)},
               build.version_rows, build.version_ids)
    _fill_summaries(session, build.client_ids, build.episode_ids, build.session_rows,
                    build.version_rows, build.version_ids,
                    {eid for eid, d in zip(build.episode_ids, build.discharged, strict=True)
                     if d})
    session.flush()
    refresh_all_questionnaire_outcomes(session)
    _rerefer(session, next(cid for cid, d in zip(build.client_ids, build.discharged,
                                                 strict=True) if d), today)
    _admit_with_red_flag(session, build.practitioner_ids[0], today)
    home = _add_home_care(build, random.Random(seed + 22), secret_key)
    session.flush()
    # Their questionnaires at home count in their reliable change.
    for client in session.scalars(select(Client).where(Client.id.in_(home))):
        refresh_client_summary(session, client)
    session.flush()
    # Loaded in bulk: the clinic figures are made from scratch (clinic_figures.py).
    rebuild_clinic_figures(session)
    return {"users": len(build.user_ids), "clients": len(build.client_ids),
            "sessions": len(build.session_ids), "admin_id": build.user_ids[0]}


# One open client with an email address in this many uses their own page: a link, consent
# to email reminders, measures assigned (some due today), days logged at home.
HOME_EVERY = 4


def _add_home_care(build: _Build, rng: random.Random, secret_key: str | None) -> list[int]:
    """Measures at home and reminders (issue 22) on part of the clinic, so a newcomer sees
    them and ``dashboard send-reminders`` has someone to remind: a PHQ-9 every 2 weeks
    (never done, done 14 days ago: due today; or done 5 days ago: not due), a GAD-7 before
    every session for half of them, and days logged at home (the last one 4 days ago for
    half: a reminder for no log). Returns the clients given home care."""
    session, today = build.session, build.today
    chosen = [(cid, eid, row["practitioner_id"]) for i, (cid, eid, row, discharged) in
              enumerate(zip(build.client_ids, build.episode_ids, build.client_rows,
                            build.discharged, strict=True))
              if row["email"] and not row["archived"] and not discharged
              and i % HOME_EVERY == 1]
    start = today - dt.timedelta(days=20)
    made_at = dt.datetime.combine(start, dt.time(9, 0), tzinfo=dt.UTC)
    links, assignments, responses, answers, logs = [], [], [], [], []
    for n, (cid, eid, practitioner) in enumerate(chosen):
        if secret_key is not None:
            seed = new_token_seed()
            links.append(dict(episode_id=eid, client_id=cid, created_at=made_at,
                              token_hash=token_hash(link_token(secret_key, seed)),
                              token_seed=seed, created_by_id=practitioner,
                              expires_at=made_at + dt.timedelta(days=DEFAULT_LINK_DAYS)))
        session.execute(update(Episode).where(Episode.id == eid).values(
            email_consent=True, email_consent_at=made_at, email_consent_by_id=practitioner))
        assignments.append(dict(client_id=cid, episode_id=eid, instrument="PHQ9", every="2w",
                                assigned_on=start, created_at=made_at,
                                created_by_id=practitioner))
        if n % 2 == 0:
            assignments.append(dict(client_id=cid, episode_id=eid, instrument="GAD7",
                                    every="session", assigned_on=start, created_at=made_at,
                                    created_by_id=practitioner))
        done_days_ago = (None, 14, 5)[n % 3]
        if done_days_ago is not None:
            values = _questionnaire_items(rng, "PHQ9", rng.uniform(0.1, 0.6))
            result = score("PHQ9", values)
            on = today - dt.timedelta(days=done_days_ago)
            responses.append(dict(client_id=cid, episode_id=eid, instrument="PHQ9",
                                  completed_on=on, source="client_home", total=result.total,
                                  band=result.band, completed_at=dt.datetime.combine(
                                      on, dt.time(19, 0), tzinfo=dt.UTC)))
            answers.append(values)
        last = 0 if n % 2 == 0 else 4
        logs += [dict(episode_id=eid, client_id=cid, log_on=today - dt.timedelta(days=d),
                      pain=rng.randint(2, 7), stress=rng.randint(2, 7), source="client",
                      created_at=made_at) for d in range(last, last + 4)]
    _insert_all(session, ClientLink, links)
    _insert_all(session, MeasureAssignment, assignments)
    response_ids = _bulk(session, HomeMeasureResponse, responses)
    _insert_all(session, HomeMeasureAnswer, [
        dict(response_id=rid, item=item, value=value)
        for rid, values in zip(response_ids, answers, strict=True)
        for item, value in enumerate(values, start=1)])
    _insert_all(session, HomeLogEntry, logs)
    return [cid for cid, _eid, _p in chosen]


def _add_staff(build: _Build, *, password: str, force: bool, seed: int) -> None:
    """The admin and the practitioners (the named ones first, then made-up ones)."""
    rng = build.rng
    # One password hash for every demo account: argon2 is slow on purpose.
    shared_hash = hash_password(password)
    admin_email = DEMO_ADMIN[0] if not force else f"admin+{seed}@demo.clinic"
    people = [dict(email=admin_email, name=DEMO_ADMIN[1], role="admin",
                   password_hash=shared_hash, active=True, must_change_password=False,
                   phone="01632 960 001")]
    practitioners = list(DEMO_PRACTITIONERS)
    for i in range(len(practitioners), build.spec.practitioners):
        practitioners.append((f"practitioner{i + 1}@demo.clinic",
                              f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"))
    if force:
        practitioners = [(f"{seed}.{email}", name) for email, name in practitioners]
    for i, (email, name) in enumerate(practitioners):
        people.append(dict(email=email, name=name, role="practitioner", password_hash=shared_hash,
                           active=True, must_change_password=False,
                           phone=f"01632 960 {100 + i:03d}"))
    build.user_ids = _bulk(build.session, User, people)
    build.practitioner_ids = build.user_ids[1:]


def _add_clients(build: _Build) -> None:
    """Clients shared out among the practitioners, each on a path (improving, flat, worse)
    from a start date; about one in seven has finished care and will be discharged."""
    rng, practitioner_ids = build.rng, build.practitioner_ids
    for i in range(build.spec.clients):
        start = build.today - dt.timedelta(days=rng.randint(120, 190))
        kind = rng.choices(["improving", "flat", "worse"], weights=[60, 25, 15])[0]
        build.client_rows.append(dict(
            given_name=GIVEN[i % len(GIVEN)],
            family_name=FAMILY[(i * 11 + i // len(FAMILY)) % len(FAMILY)],
            date_of_birth=dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            email=f"client{i + 1}@example.com" if i % 3 else "",
            phone=f"07700 900{i % 1000:03d}" if i % 2 else "",
            practitioner_id=practitioner_ids[i % len(practitioner_ids)],
            archived=i % 37 == 36,
            status="not_enough_data",
        ))
        build.plans_per_client.append((start, kind))
    build.client_ids = _bulk(build.session, Client, build.client_rows)
    build.discharged = [i % 7 == 5 and i % 13 != 12 for i in range(build.spec.clients)]


def _open_episodes(build: _Build) -> None:
    """Each client's episode of care with its intake, consent and red-flag screen."""
    episode_rows = []
    for i, (cid, (start, _kind)) in enumerate(zip(build.client_ids, build.plans_per_client,
                                                   strict=True)):
        source = REFERRALS[i % len(REFERRALS)]
        at = dt.datetime.combine(start, dt.time(10, 0), tzinfo=dt.UTC)
        practitioner = build.client_rows[i]["practitioner_id"]
        episode_rows.append(dict(
            client_id=cid, started_on=start, reason=REASONS[i % len(REASONS)],
            opened_by_id=practitioner, referral_source=source[0], referrer_name=source[1],
            intake_recorded_at=at, consent_treatment=True, consent_data=i % 5 != 0,
            consent_recorded_by_id=practitioner, consent_recorded_at=at))
    build.episode_ids = _bulk(build.session, Episode, episode_rows)
    flag_rows = []
    for i, (eid, row) in enumerate(zip(build.episode_ids, build.client_rows, strict=True)):
        age = (build.plans_per_client[i][0] - row["date_of_birth"]).days // 365
        for item in RED_FLAG_ITEMS:
            answer = "not_asked" if item.key == "sexual" and i % 4 == 0 else "no"
            if item.key == "age" and not 20 <= age <= 55:
                answer = "yes"  # the screen's own age rule, so the demo shows an advisory
            flag_rows.append(dict(episode_id=eid, item=item.key, answer=answer))
    _insert_all(build.session, RedFlagAnswer, flag_rows)


def _add_activities(build: _Build) -> None:
    """Two or three functional activities (PSFS) per client."""
    rng, activity_rows = build.rng, []
    for cid in build.client_ids:
        chosen = rng.sample(ACTIVITIES, rng.randint(2, 3))
        build.client_activities.append(len(chosen))
        activity_rows += [dict(client_id=cid, name=name, position=j + 1, active=True)
                          for j, name in enumerate(chosen)]
    build.activity_ids = _bulk(build.session, FunctionalActivity, activity_rows)


def _add_plans(build: _Build) -> None:
    """Plan versions: version 1 from a template, then one or two changes along the way;
    their items (with the wording of the day) and a pain goal each."""
    rng, parts, part_strategy = build.rng, build.parts, build.part_strategy
    version_items: list[list[tuple[int, dict[str, Any]]]] = []
    version_meta: list[tuple[int, dt.date]] = []  # (client index, effective on)
    for idx, (eid, (start, _kind)) in enumerate(zip(build.episode_ids, build.plans_per_client,
                                                     strict=True)):
        template = build.templates[idx % len(build.templates)]
        items = [(it.part_id, {k: getattr(it, k) for k in DOSE_KEYS}) for it in template.items]
        changes = rng.choices([0, 1, 2], weights=[35, 45, 20])[0]
        changed_on = sorted(start + dt.timedelta(days=rng.randint(30, 110)) for _ in range(changes))
        effective = [start, *changed_on]
        practitioner = build.client_rows[idx]["practitioner_id"]
        for v, on in enumerate(effective, start=1):
            if v > 1:
                items = _change_plan(rng, items, parts)
            keys = strategy_keys_text([part_strategy[pid].key for pid, _dose in items])
            build.version_rows.append(dict(strategy_keys=keys,
                episode_id=eid, version=v, effective_on=on,
                review_interval_days=template.review_interval_days,
                notes="Little and often is better than a lot at once." if v == 1 else
                "Adjusted after review.", template_id=template.id if v == 1 else None,
                created_by_id=practitioner,
                created_at=dt.datetime.combine(on, dt.time(10, 0), tzinfo=dt.UTC)))
            version_items.append(list(items))
            version_meta.append((idx, on))
    build.version_ids = _bulk(build.session, PlanVersion, build.version_rows)

    item_rows: list[dict[str, Any]] = []
    item_owner: list[int] = []
    for vid, items in zip(build.version_ids, version_items, strict=True):
        for position, (part_id, dose) in enumerate(items, start=1):
            part = next(p for p in parts.values() if p.id == part_id)
            item_rows.append(dict(
                plan_version_id=vid, part_id=part_id, part_revision=part.revision,
                strategy_key=part_strategy[part_id].key, strategy_name=part_strategy[part_id].name,
                part_name=part.name, instructions=part.instructions, cautions=part.cautions,
                picture_sha256=part.picture_sha256, picture_alt=part.picture_alt,
                position=position, **dose))
            item_owner.append(vid)
    item_ids = _bulk(build.session, PlanItem, item_rows)
    for item_id, vid, row in zip(item_ids, item_owner, item_rows, strict=True):
        build.items_by_version.setdefault(vid, []).append((item_id, row["days_per_week"]))

    goal_rows = []
    for vid, (idx, _on) in zip(build.version_ids, version_meta, strict=True):
        goal_rows.append(dict(plan_version_id=vid, description="Pain at or below 3",
                              pain_target=3, target_on=build.plans_per_client[idx][0]
                              + dt.timedelta(days=240)))
    _insert_all(build.session, Goal, goal_rows)
    for vid, (idx, on) in zip(build.version_ids, version_meta, strict=True):
        build.versions_by_client.setdefault(idx, []).append((on, vid))


def _add_sessions(build: _Build) -> None:
    """Sessions whose scores follow each client's path, with ratings, adherence and (at the
    first and every fourth) the questionnaires; one PHQ-9 item 9 above 0 for the alert."""
    rng, today = build.rng, build.today
    session_rows, session_extras = build.session_rows, []
    activity_cursor = 0
    for idx, (cid, eid) in enumerate(zip(build.client_ids, build.episode_ids, strict=True)):
        start, kind = build.plans_per_client[idx]
        dates, day = [], start
        last_day = today - dt.timedelta(days=rng.randint(25, 60) if build.discharged[idx]
                                        else rng.randint(0, 21))
        while day <= last_day:
            dates.append(day)
            day += dt.timedelta(days=rng.choice(build.spec.gaps))
        if idx % 13 == 12:
            dates = dates[:1]  # a few new clients with a single session so far
        pains = _pain_path(rng, len(dates), kind)
        acts = build.activity_ids[activity_cursor:activity_cursor + build.client_activities[idx]]
        activity_cursor += build.client_activities[idx]
        practitioner = build.client_rows[idx]["practitioner_id"]
        for n, (on, pain) in enumerate(zip(dates, pains, strict=True)):
            version = max((v for v in build.versions_by_client[idx] if v[0] <= on), default=None)
            severity = pain / 10
            stress = int(min(10, max(0, round(pain * 0.8 + rng.gauss(1, 1)))))
            ratings = [int(min(10, max(0, round(10 - pain + rng.gauss(0, 1))))) for _ in acts]
            session_rows.append(dict(
                client_id=cid, episode_id=eid, practitioner_id=practitioner,
                plan_version_id=version[1] if version else None, session_on=on, pain=pain,
                stress=stress, function_score=round(sum(ratings) / len(ratings), 2),
                notes="First assessment." if n == 0 else "",
                created_at=dt.datetime.combine(on, dt.time(11, 0), tzinfo=dt.UTC)))
            adherence = [(item_id, min(7, max(0, round(rng.gauss(0.75, 0.2) * (days or 7)))))
                         for item_id, days in build.items_by_version.get(version[1], [])
                         if days] if version else []
            questionnaires = {}
            if n == 0 or n % 4 == 0:
                questionnaires = {name: _questionnaire_items(rng, name, severity * 0.8)
                                  for name in ("PHQ9", "GAD7", "PSS10")}
            session_extras.append((list(zip(acts, ratings, strict=True)), adherence,
                                   questionnaires))
    build.session_ids = _bulk(build.session, CareSession, session_rows)
    _add_session_details(build, session_extras)


def _add_session_details(
    build: _Build, session_extras: list[tuple[list[tuple[int, int]], list[tuple[int, int]],
                                              dict[str, list[int]]]],
) -> None:
    """Each session's ratings, adherence and answers; the one safety alert."""
    session_rows, session_ids, client_ids = build.session_rows, build.session_ids, build.client_ids
    adherence_rows, rating_rows, answer_rows = [], [], []
    # One client with a recent PHQ-9 item 9 above 0, so the safety alert shows in the demo.
    alert_row = max((i for i, row in enumerate(session_rows) if row["client_id"] == client_ids[0]
                     and "PHQ9" in session_extras[i][2]), default=None)
    alert_rows = []
    if alert_row is not None:
        session_extras[alert_row][2]["PHQ9"][8] = 1
        alert_rows.append(dict(client_id=client_ids[0], session_id=session_ids[alert_row],
                               kind="phq9_item9", raised_at=session_rows[alert_row]["created_at"],
                               answer=1, action="", note=""))
    for sid, (scored, done, answered) in zip(session_ids, session_extras, strict=True):
        rating_rows += [dict(session_id=sid, activity_id=a, score=s) for a, s in scored]
        adherence_rows += [dict(session_id=sid, plan_item_id=i, days_done=d) for i, d in done]
        for instrument, values in answered.items():
            answer_rows += [dict(session_id=sid, instrument=instrument, item=k + 1, value=v)
                            for k, v in enumerate(values)]
    for model, rows in ((Adherence, adherence_rows), (FunctionalRating, rating_rows),
                        (QuestionnaireAnswer, answer_rows), (SafetyAlert, alert_rows)):
        _insert_all(build.session, model, rows)


REFERRALS = [("self", ""), ("doctor", "Dr Helen Ward, Riverside Surgery"),
             ("practitioner", "Kai Jensen, physiotherapist"), ("self", ""),
             ("doctor", "Dr Imran Shah, Parkside Medical Centre")]
REASONS = ["Low back pain linked to work stress", "Recurring low back pain and poor sleep",
           "Back pain since a stressful house move", "Stiff lower back after long desk days"]
RECOMMENDATIONS = {
    "goals_met": "Keep up the stretches and the breathing practice three times a week. "
                 "Come back if the pain returns for more than two weeks.",
    "plateau": "Continue the home plan; a review with your doctor about other options "
               "may help.",
    "referred_on": "Referred to the client's doctor for further assessment.",
    "stopped_attending": "The client stopped attending. The home plan remains a good "
                         "starting point if they return.",
}
DOSE_KEYS = ("dose_kind", "minutes_min", "minutes_max", "sets", "reps", "hold_seconds",
             "times_per_day", "days_per_week")


def _change_plan(
    rng: random.Random, items: list[tuple[int, dict[str, Any]]], parts: dict[str, StrategyPart]
) -> list[tuple[int, dict[str, Any]]]:
    """A believable review: add a part not yet in the plan, or ease one dose up."""
    in_plan = {pid for pid, _ in items}
    candidates = [parts[k] for k in EXTRA_PARTS if k in parts and parts[k].id not in in_plan]
    if candidates and rng.random() < 0.6:
        part = rng.choice(candidates)
        return [*items, (part.id, {k: getattr(part, k) for k in DOSE_KEYS})]
    changed = []
    for pid, dose in items:
        dose = dict(dose)
        if dose["dose_kind"] == "exercise" and dose["reps"]:
            dose["reps"] = min(100, dose["reps"] + 2)
        changed.append((pid, dose))
    return changed


def _discharge(
    session: Session, episode_ids: list[int], session_rows: list[dict[str, Any]],
    practitioners: dict[int, int], version_rows: list[dict[str, Any]], version_ids: list[int],
) -> None:
    """Close these episodes at their last session, with the outcome frozen as the app does."""
    wanted = set(episode_ids)
    points: dict[int, list[ScorePoint]] = {}
    for row in session_rows:
        if row["episode_id"] in wanted:
            points.setdefault(row["episode_id"], []).append(ScorePoint(
                row["session_on"], row["pain"], row["stress"], row["function_score"]))
    final_version = {}
    for row, vid in zip(version_rows, version_ids, strict=True):
        final_version[row["episode_id"]] = vid  # rows are in version order
    updates, goal_updates = [], []
    for eid in episode_ids:
        episode_points = sorted(points.get(eid, []), key=lambda p: p.session_on)
        if not episode_points:
            continue
        outcome = outcome_of(episode_points)
        reason = {"improving": "goals_met", "worsening": "referred_on"}.get(
            outcome.status, "plateau" if eid % 2 else "stopped_attending")
        updates.append(dict(
            episode=eid, ended_on=episode_points[-1].session_on, discharge_reason=reason,
            final_plan_version_id=final_version.get(eid),
            discharge_recommendations=RECOMMENDATIONS[reason],
            discharged_by_id=practitioners[eid], **outcome_columns(outcome)))
        if eid in final_version and outcome.final is not None:
            goal_updates.append(dict(version=final_version[eid],
                                     met=outcome.final.pain <= 3))
    table = cast(Table, Episode.__table__)
    if updates:
        session.execute(table.update().where(table.c.id == bindparam("episode")), updates)
    goals = cast(Table, Goal.__table__)
    if goal_updates:
        session.execute(goals.update().where(goals.c.plan_version_id == bindparam("version")),
                        goal_updates)


def _rerefer(session: Session, client_id: int, today: dt.date) -> None:
    """A discharged client who came back: a second episode with its own baseline."""
    client = session.get(Client, client_id)
    assert client is not None
    previous = current_episode(session, client_id)
    assert previous is not None and previous.ended_on is not None
    draft = IntakeDraft("doctor", "Dr Imran Shah", "Back pain returned after a house move",
                        True, True, {item.key: "no" for item in RED_FLAG_ITEMS})
    episode = record_intake(session, client=client, draft=draft,
                            user_id=client.practitioner_id, today=today - dt.timedelta(days=14))
    # Recorded on the day the episode began, as it would have been.
    episode.intake_recorded_at = episode.consent_recorded_at = dt.datetime.combine(
        episode.started_on, dt.time(10, 0), tzinfo=dt.UTC)
    plan = current_version(session, previous.id)
    version = PlanVersion(episode_id=episode.id, version=1, effective_on=episode.started_on,
                          review_interval_days=14, notes="Back to the basics that helped.",
                          created_by_id=client.practitioner_id,
                          strategy_keys=plan.strategy_keys if plan else "")
    session.add(version)
    session.flush()
    items = [PlanItem(plan_version_id=version.id, **{
        c: getattr(item, c) for c in ("part_id", "part_revision", "strategy_key",
                                      "strategy_name", "part_name", "instructions",
                                      "cautions", "picture_sha256", "picture_alt",
                                      "position", *DOSE_KEYS)})
        for item in (plan.items if plan else [])]
    session.add_all(items)
    for days_ago, pain, stress, done in ((14, 6, 6, 3), (7, 5, 5, 5)):
        care = CareSession(client_id=client.id, episode_id=episode.id,
                           practitioner_id=client.practitioner_id, plan_version_id=version.id,
                           session_on=today - dt.timedelta(days=days_ago), pain=pain,
                           stress=stress, notes="Returning client." if days_ago == 14 else "")
        session.add(care)
        session.flush()
        session.add_all([Adherence(session_id=care.id, plan_item_id=item.id,
                                   days_done=min(done, item.days_per_week or 7))
                         for item in items])
    session.flush()
    refresh_client_summary(session, client)


def _admit_with_red_flag(session: Session, practitioner_id: int, today: dt.date) -> None:
    """A client admitted today whose screen found an urgent red flag: referral pending."""
    client = Client(given_name="Rosa", family_name="Quinn", date_of_birth=dt.date(1971, 6, 2),
                    practitioner_id=practitioner_id, status="not_enough_data")
    session.add(client)
    session.flush()
    answers = {item.key: "no" for item in RED_FLAG_ITEMS}
    answers["saddle"] = "yes"
    record_intake(session, client=client, user_id=practitioner_id, today=today,
                  draft=IntakeDraft("self", "", "Sudden worsening of low back pain", True,
                                    True, answers))


def _fill_summaries(
    session: Session, client_ids: list[int], episode_ids: list[int],
    session_rows: list[dict[str, Any]], version_rows: list[dict[str, Any]],
    version_ids: list[int], discharged: set[int],
) -> None:
    by_episode: dict[int, list[tuple[dt.date, int]]] = {}
    for row in session_rows:
        by_episode.setdefault(row["episode_id"], []).append((row["session_on"], row["pain"]))
    latest: dict[int, tuple[int, int, dict]] = {}  # episode -> (version, id, row)
    for row, vid in zip(version_rows, version_ids, strict=True):
        if row["version"] > latest.get(row["episode_id"], (0, 0, {}))[0]:
            latest[row["episode_id"]] = (row["version"], vid, row)
    updates = []
    for cid, eid in zip(client_ids, episode_ids, strict=True):
        pains = sorted(by_episode.get(eid, []))
        if not pains:
            continue
        closed = eid in discharged
        plan = latest.get(eid)
        current = plan if plan is not None and not closed else None
        updates.append(dict(
            id=cid, baseline_on=pains[0][0], baseline_pain=pains[0][1],
            last_session_on=pains[-1][0], latest_pain=pains[-1][1],
            status=status_from(pains[0][1], pains[-1][1], len(pains)).status,
            next_due_on=None if closed else
            pains[-1][0] + dt.timedelta(days=plan[2]["review_interval_days"] if plan else 14),
            current_plan_version_id=current[1] if current else None,
            current_strategy_keys=current[2]["strategy_keys"] if current else None,
            episode_state="discharged" if closed else "open"))
    table = cast(Table, Client.__table__)
    session.execute(table.update().where(table.c.id == bindparam("client_id")),
                    [{**u, "client_id": u.pop("id")} for u in updates])
