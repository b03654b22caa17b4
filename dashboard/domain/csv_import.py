"""Checking CSV rows before anything is imported: every bad row is reported with its reason,
and nothing is imported while any row is bad."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dashboard.domain.clients import ClientInput, clean_client, validate_client
from dashboard.domain.episodes import EpisodeDates
from dashboard.domain.sessions import SessionForm, SessionInput, parse_session

CLIENT_COLUMNS = ("given_name", "family_name", "date_of_birth", "email", "phone",
                  "practitioner_email")
SESSION_COLUMNS = ("client_id", "session_on", "pain", "stress", "notes")
MAX_ROWS = 100_000


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    reason: str


def missing_columns(header: list[str], required: tuple[str, ...]) -> list[str]:
    return [c for c in required if c not in header]


def check_client_rows(rows: list[dict[str, str]], today: dt.date,
                      practitioners: dict[str, int]
                      ) -> tuple[list[tuple[ClientInput, int]], list[RowProblem]]:
    """Clients with the practitioner each belongs to, or the problems of every bad row."""
    good, problems = [], []
    for number, raw in enumerate(rows, start=2):
        data, errors = clean_client(dict(raw))
        errors = {**validate_client(data, today), **errors}
        email = (raw.get("practitioner_email") or "").strip().lower()
        practitioner = practitioners.get(email)
        if practitioner is None:
            errors["practitioner_email"] = f"no active practitioner with email {email!r}"
        if errors or practitioner is None:
            problems.append(RowProblem(number, "; ".join(
                f"{field}: {message}" for field, message in errors.items())))
        else:
            good.append((data, practitioner))
    return good, problems


def check_session_rows(rows: list[dict[str, str]], today: dt.date,
                       episodes: dict[int, EpisodeDates]
                       ) -> tuple[list[tuple[int, SessionInput]], list[RowProblem]]:
    """Sessions by client id, or the problems of every bad row (unknown clients included).
    ``episodes``: each client's current episode, which a row is filed into: a discharged
    client takes no sessions until a new episode begins, and a row must fall within it."""
    good, problems = [], []
    for number, raw in enumerate(rows, start=2):
        text = (raw.get("client_id") or "").strip()
        # ASCII digits only: "²".isdigit() is True but int("²") fails.
        client_id = int(text) if text.isascii() and text.isdigit() else None
        if client_id is None or client_id not in episodes:
            problems.append(RowProblem(number, f"client_id: no such client {text!r}"))
            continue
        episode = episodes[client_id]
        if episode.ended_on is not None:
            problems.append(RowProblem(number, (
                f"client_id: client {client_id} was discharged ({episode.describe()}); "
                "start a new episode (intake) before adding sessions")))
            continue
        data, errors = parse_session(
            SessionForm(raw.get("session_on"), raw.get("pain"), raw.get("stress"), {}, {},
                        raw.get("notes") or ""),
            today=today, episode=episode, activity_ids=set(),
            plan_item_ids=set())
        if data is None:
            problems.append(RowProblem(number, "; ".join(
                f"{field}: {message}" for field, message in errors.items())))
        else:
            good.append((client_id, data))
    return good, problems


@dataclass(frozen=True)
class LikelyDuplicate:
    row: int  # as a spreadsheet numbers it
    what: str  # the row in words, e.g. "Ann Lee, born 1980-01-02"
    of_record: int | None  # the client already on record it matches, if any
    of_row: int | None  # an earlier row of the same file it matches, if any


def person_key(given: str, family: str,
               born: dt.date | None) -> tuple[str, str, dt.date | None]:
    """What makes two client records likely the same person: the name (case and spacing
    aside) and the date of birth, the rule the new-client form warns on."""
    return (" ".join(given.split()).casefold(), " ".join(family.split()).casefold(), born)


def client_key(data: ClientInput) -> tuple[str, str, dt.date | None]:
    return person_key(data.given_name, data.family_name, data.date_of_birth)


def session_key(client_id: int, data: SessionInput) -> tuple[int, dt.date]:
    """Two sessions of one client on one date are likely the same visit entered twice."""
    return (client_id, data.session_on)


def likely_duplicates(keys: list[tuple], on_record: dict[tuple, int | None],
                      describe: list[str]) -> list[LikelyDuplicate]:
    """Rows (checked rows, in file order from spreadsheet row 2) whose key matches a record
    already held (``on_record``: key -> its id, or None when there is no one id to name) or
    an earlier row of the same file."""
    found: list[LikelyDuplicate] = []
    first_row: dict[tuple, int] = {}
    for number, (key, what) in enumerate(zip(keys, describe, strict=True), start=2):
        if key in on_record:
            found.append(LikelyDuplicate(number, what, on_record[key], None))
        elif key in first_row:
            found.append(LikelyDuplicate(number, what, None, first_row[key]))
        first_row.setdefault(key, number)
    return found
