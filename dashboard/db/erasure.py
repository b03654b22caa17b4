"""Erasing a client: their identifying data and free text go from every table, in one
transaction; a tombstone row stays so the audit log's references remain valid.

What is removed or blanked, table by table (docs/PRIVACY.md says the same for people):
clients (names, date of birth, contact), care_sessions.notes (or the sessions themselves),
episodes' free text, plan_versions.notes, goals' descriptions, functional_activities' names,
safety_alerts.note, handouts (rows and stored PDFs), audit_log.detail for the client,
client_shares, break_glass_access.reason, client_links (the client's own links: deleted,
so they open nothing). Scores stay, anonymised, if the admin chooses: that includes the
days the client logged at home (home_log_entries and their ticks: scores and parts done,
no text), the questionnaires they completed at home (home_measure_responses and
their answers) and the PSFS ratings they made at home (home_function_responses and
home_function_ratings: their activities renamed as above); otherwise those go too.
The measures assigned to them (measure_assignments: which questionnaire, how often) hold
no text and stay with the tombstone.

On SQLite, ``PRAGMA secure_delete`` (set on every connection, engine.py) overwrites freed
content with zeros, and ``checkpoint_sqlite`` afterwards empties the write-ahead log, so
the erased bytes are in neither file.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from dashboard.db.clinic_figures import note_client_rows
from dashboard.db.engine import Database
from dashboard.db.models import (
    Adherence,
    AuditEntry,
    BreakGlassAccess,
    CareSession,
    Client,
    ClientLink,
    ClientShare,
    EmailMessage,
    Episode,
    FunctionalActivity,
    FunctionalRating,
    Goal,
    HandoutRecord,
    HomeFunctionRating,
    HomeFunctionResponse,
    HomeLogEntry,
    HomeLogTick,
    HomeMeasureAnswer,
    HomeMeasureResponse,
    PlanVersion,
    QuestionnaireAnswer,
    SafetyAlert,
    utcnow,
)
from dashboard.domain.privacy import (
    ERASED_DATE_OF_BIRTH,
    ERASED_GIVEN_NAME,
    ERASED_REASON,
    ERASED_TEXT,
    erased_family_name,
)

# Audit entries about the client that do not carry its client_id (entity is the client).
_CLIENT_ENTITIES = ("client",)


@dataclass(frozen=True)
class ErasureResult:
    client_id: int
    sessions_kept: int
    sessions_deleted: int
    handouts_deleted: int
    audit_entries_redacted: int


def stored_counts(session: Session, *, client_id: int) -> tuple[int, int]:
    """How many sessions and stored handouts the client has: what erasing touches."""
    sessions = session.scalar(select(func.count(CareSession.id))
                              .where(CareSession.client_id == client_id)) or 0
    handouts = session.scalar(select(func.count(HandoutRecord.id))
                              .where(HandoutRecord.client_id == client_id)) or 0
    return sessions, handouts


def erase_client(session: Session, client: Client, *, by_user_id: int, keep_scores: bool,
                 now: dt.datetime | None = None) -> ErasureResult:
    """Remove the client's identifying data and free text everywhere.

    ``keep_scores``: sessions stay with their scores (notes blanked) for clinic figures, and
    episodes keep their outcome figures; otherwise sessions and everything hanging off them
    are deleted and the outcome figures cleared. The caller audits, in the same transaction.
    """
    now = now or utcnow()
    cid = client.id
    # The statements below bypass the ORM: the clinic figures the client's rows count in
    # are noted first, to be recomputed at commit.
    note_client_rows(session, cid)
    session_ids = select(CareSession.id).where(CareSession.client_id == cid)
    episode_ids = select(Episode.id).where(Episode.client_id == cid)

    # Emails about the client go whatever is kept: they hold an address and nothing else.
    session.execute(delete(EmailMessage).where(EmailMessage.client_id == cid))
    handouts = session.execute(delete(HandoutRecord).where(HandoutRecord.client_id == cid))
    session.execute(delete(ClientShare).where(ClientShare.client_id == cid))
    # The client's links go whatever is kept: an erased record opens to nobody. Kept home
    # entries lose the reference to the link they were sent through.
    session.execute(update(HomeLogEntry).where(HomeLogEntry.client_id == cid)
                    .values(link_id=None))
    session.execute(update(HomeMeasureResponse).where(HomeMeasureResponse.client_id == cid)
                    .values(link_id=None))
    session.execute(update(HomeFunctionResponse).where(HomeFunctionResponse.client_id == cid)
                    .values(link_id=None))
    session.execute(delete(ClientLink).where(ClientLink.client_id == cid))
    session.execute(update(BreakGlassAccess).where(BreakGlassAccess.client_id == cid)
                    .values(reason=ERASED_REASON))
    audit = session.execute(
        update(AuditEntry).where(
            or_(AuditEntry.client_id == cid,
                AuditEntry.entity.in_(_CLIENT_ENTITIES) & (AuditEntry.entity_id == cid)),
            AuditEntry.detail != "")
        .values(detail=""))

    n_sessions = session.scalar(select(func.count(CareSession.id))
                                .where(CareSession.client_id == cid)) or 0
    if keep_scores:
        session.execute(update(SafetyAlert).where(SafetyAlert.client_id == cid)
                        .values(note=""))
        session.execute(update(CareSession).where(CareSession.client_id == cid)
                        .values(notes=""))
        # The activities' own words could name the person ("carry Sam to school"): each is
        # renamed by its position, and its ratings keep their meaning as a PSFS score.
        for activity in session.scalars(select(FunctionalActivity).where(
                FunctionalActivity.client_id == cid)):
            activity.name = f"Activity {activity.position}"
        kept, deleted = n_sessions, 0
    else:
        session.execute(delete(SafetyAlert).where(SafetyAlert.client_id == cid))
        session.execute(delete(HomeMeasureAnswer).where(HomeMeasureAnswer.response_id.in_(
            select(HomeMeasureResponse.id).where(HomeMeasureResponse.client_id == cid))))
        session.execute(delete(HomeMeasureResponse).where(HomeMeasureResponse.client_id == cid))
        session.execute(delete(HomeFunctionRating).where(HomeFunctionRating.response_id.in_(
            select(HomeFunctionResponse.id).where(HomeFunctionResponse.client_id == cid))))
        session.execute(delete(HomeFunctionResponse).where(
            HomeFunctionResponse.client_id == cid))
        session.execute(delete(Adherence).where(Adherence.session_id.in_(session_ids)))
        session.execute(delete(FunctionalRating).where(
            FunctionalRating.session_id.in_(session_ids)))
        session.execute(delete(QuestionnaireAnswer).where(
            QuestionnaireAnswer.session_id.in_(session_ids)))
        session.execute(delete(CareSession).where(CareSession.client_id == cid))
        session.execute(delete(HomeLogTick).where(HomeLogTick.entry_id.in_(
            select(HomeLogEntry.id).where(HomeLogEntry.client_id == cid))))
        session.execute(delete(HomeLogEntry).where(HomeLogEntry.client_id == cid))
        session.execute(delete(FunctionalActivity).where(FunctionalActivity.client_id == cid))
        session.execute(update(Episode).where(Episode.client_id == cid).values(
            sessions_attended=None, baseline_pain=None, discharge_pain=None,
            baseline_stress=None, discharge_stress=None, baseline_function=None,
            discharge_function=None, outcome=None))
        kept, deleted = 0, n_sessions

    session.execute(update(Episode).where(Episode.client_id == cid).values(
        reason="", referrer_name="", referral_note="", flag_cleared_note="",
        discharge_recommendations=""))
    session.execute(update(PlanVersion).where(PlanVersion.episode_id.in_(episode_ids))
                    .values(notes=""))
    session.execute(update(Goal).where(Goal.plan_version_id.in_(
        select(PlanVersion.id).where(PlanVersion.episode_id.in_(episode_ids))))
        .values(description=ERASED_TEXT))

    client.given_name = ERASED_GIVEN_NAME
    client.family_name = erased_family_name(cid)
    client.date_of_birth = ERASED_DATE_OF_BIRTH
    client.email = ""
    client.phone = ""
    client.archived = True
    client.next_due_on = None
    if not keep_scores:
        client.baseline_pain = client.latest_pain = None
        client.baseline_on = client.last_session_on = None
        client.status = "not_enough_data"
    client.erased_at = now
    client.erased_by_id = by_user_id
    session.flush()
    # The ORM's identity map may still hold the old values of rows changed in bulk above.
    session.expire_all()
    return ErasureResult(cid, kept, deleted, _rowcount(handouts), _rowcount(audit))


def _rowcount(result: object) -> int:
    """Rows a bulk DELETE or UPDATE touched (a CursorResult's count)."""
    return getattr(result, "rowcount", 0) or 0


def checkpoint_sqlite(database: Database, attempts: int = 20) -> bool:
    """Copy the write-ahead log into the database file and truncate it to nothing, so no
    earlier version of an erased row stays in the -wal file. True when it completed; a
    reader holding an old snapshot makes SQLite report "busy", so it is retried briefly.
    Nothing to do on PostgreSQL (see docs/PRIVACY.md about its dead rows)."""
    if database.engine.dialect.name != "sqlite":
        return True
    for _ in range(attempts):
        with database.engine.connect() as connection:
            busy, _log, _done = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.05)
    return False
