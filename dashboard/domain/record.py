"""A client's complete record as plain data, for the client's copy: what the PDF shows, the
sessions CSV, and the ZIP that carries both with the FHIR bundle. No Dash, no SQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from dashboard.domain.adherence import days_counted
from dashboard.domain.csvsafe import spreadsheet_safe
from dashboard.domain.dates import format_day_long
from dashboard.domain.home_log import HomeEntry


@dataclass(frozen=True)
class AdherenceLine:
    part_name: str
    days_done: int  # as answered
    prescribed: int  # adherence.prescribed_days (advice parts with no days are left out)

    def describe(self) -> str:
        """The one reading of adherence: days beyond the prescription count as all of it."""
        return f"{self.part_name}: {days_counted(self.days_done, self.prescribed)} of " \
               f"{self.prescribed} days"


@dataclass(frozen=True)
class SessionEntry:
    id: int
    session_on: dt.date
    practitioner: str
    pain: int
    stress: int
    function_score: float | None
    ratings: tuple[tuple[str, int], ...]  # PSFS activity, score
    adherence: tuple[AdherenceLine, ...]
    questionnaires: tuple[tuple[str, int, str | None], ...]  # instrument, total, band
    notes: str


@dataclass(frozen=True)
class PlanEntry:
    version: int
    effective_on: dt.date
    created_by: str
    review_interval_days: int
    parts: tuple[tuple[str, str, str], ...]  # strategy, part, dose described
    goals: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class EpisodeEntry:
    number: int
    started_on: dt.date
    ended_on: dt.date | None
    reason: str
    referral: str
    discharge_reason: str | None
    discharge_recommendations: str
    outcome: str | None
    plans: tuple[PlanEntry, ...]
    sessions: tuple[SessionEntry, ...]
    home: tuple[HomeEntry, ...] = ()  # days the client logged on their own page


@dataclass(frozen=True)
class HandoutEntry:
    given_at: dt.datetime
    version: int
    by: str
    sha256: str


@dataclass(frozen=True)
class AlertEntry:
    raised_at: dt.datetime
    session_on: dt.date
    acknowledged_at: dt.datetime | None
    acknowledged_by: str
    action: str
    note: str


@dataclass(frozen=True)
class FullRecord:
    client_id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date
    email: str
    phone: str
    practitioner: str
    archived: bool
    created_on: dt.date
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    produced_at: dt.datetime
    activities: tuple[str, ...]
    episodes: tuple[EpisodeEntry, ...]
    handouts: tuple[HandoutEntry, ...]
    alerts: tuple[AlertEntry, ...]

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sessions(self) -> list[SessionEntry]:
        return [s for e in self.episodes for s in e.sessions]


CSV_COLUMNS = ("session_id", "episode", "date", "practitioner", "pain", "stress",
               "function_psfs_mean", "psfs_ratings", "adherence", "PSS10", "PHQ9", "GAD7",
               "notes")


def sessions_csv(record: FullRecord) -> str:
    """One row per session; text that a spreadsheet would run as a formula stays text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for episode in record.episodes:
        for s in episode.sessions:
            totals = {key: total for key, total, _band in s.questionnaires}
            row = [s.id, episode.number, s.session_on.isoformat(), s.practitioner, s.pain,
                   s.stress, "" if s.function_score is None else s.function_score,
                   "; ".join(f"{name}: {value}" for name, value in s.ratings),
                   "; ".join(a.describe() for a in s.adherence),
                   totals.get("PSS10", ""), totals.get("PHQ9", ""), totals.get("GAD7", ""),
                   s.notes]
            writer.writerow([spreadsheet_safe(v) for v in row])
    return buffer.getvalue()


HOME_CSV_COLUMNS = ("episode", "date", "pain", "stress", "parts_done", "reported_by")


def home_log_csv(record: FullRecord) -> str:
    """One row per day the client logged at home, marked as reported by the client."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HOME_CSV_COLUMNS)
    for episode in record.episodes:
        for day in episode.home:
            row = [episode.number, day.log_on.isoformat(),
                   "" if day.pain is None else day.pain,
                   "" if day.stress is None else day.stress,
                   "; ".join(day.parts_done), "client (own page)"]
            writer.writerow([spreadsheet_safe(v) for v in row])
    return buffer.getvalue()


README = """Your health record from {clinic}
Produced on {produced} for {name} (record number {client_id}).

record.pdf      your complete record, to read or print
sessions.csv    every session's scores, one row each (opens in a spreadsheet)
home_log.csv    every day you logged at home on your own page, one row each
fhir.json       the record as a FHIR R4B Bundle, for another clinic's or app's system

Keep this file safe: it holds health information about you.
"""


def copy_zip(record: FullRecord, *, pdf: bytes, fhir_json: str) -> bytes:
    """The client's copy in one file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(
            clinic=record.clinic_name, produced=format_day_long(record.produced_at),
            name=record.full_name, client_id=record.client_id))
        archive.writestr("record.pdf", pdf)
        archive.writestr("sessions.csv", sessions_csv(record))
        archive.writestr("home_log.csv", home_log_csv(record))
        archive.writestr("fhir.json", fhir_json)
    return buffer.getvalue()


def copy_filename(record: FullRecord) -> str:
    return f"client-{record.client_id}-record-{record.produced_at:%Y-%m-%d}.zip"
