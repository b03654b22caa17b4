"""Adherence: one reading of days done against days prescribed, used by the session
history, the progress view, the client's record and the handout's tracker.

Product brief ("Measures", "Advice parts and safe limits"): for each part of the plan, how
many days of the past week the client did it (0-7), read against the days per week
prescribed. A part whose dose is advice with no days (a referral, CBT, seeing a
professional) is not counted against days of the week, not asked as "days done" and gets
no daily tick on a tracker. Days done beyond the prescription count as the prescription
(3 of 3, never "7/3"); a part left blank is not answered, and is never read as done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DAYS_IN_WEEK = 7


def prescribed_days(dose_kind: str, days_per_week: int | None) -> int | None:
    """The days a week a part asks for; None for advice with no days (not counted)."""
    if days_per_week is not None:
        return min(days_per_week, DAYS_IN_WEEK)
    return None if dose_kind == "advice" else DAYS_IN_WEEK


def days_counted(days_done: int, prescribed: int) -> int:
    """Days done as read against the prescription: more than prescribed counts as all."""
    return max(0, min(days_done, prescribed))


@dataclass(frozen=True)
class PartAnswer:
    days_done: int | None  # None: left blank (not answered)
    prescribed: int | None  # prescribed_days(...); None: an advice part, not counted


@dataclass(frozen=True)
class AdherenceReading:
    done: int  # days done over the parts answered, each capped at its prescription
    prescribed: int  # days prescribed over the parts answered
    answered: int  # parts answered
    counted: int  # parts with days to count (advice parts left out)

    @property
    def share(self) -> float | None:
        return self.done / self.prescribed if self.prescribed else None

    @property
    def complete(self) -> bool:
        """Every counted part answered: only then does the share speak for the whole plan."""
        return self.counted > 0 and self.answered == self.counted

    def describe(self) -> str:
        if not self.answered:
            return "—"
        parts = (f"{self.answered} part{'' if self.answered == 1 else 's'}" if self.complete
                 else f"{self.answered} of {self.counted} parts answered")
        return f"{self.done}/{self.prescribed} prescribed days ({parts})"


def read_adherence(parts: Iterable[PartAnswer]) -> AdherenceReading:
    done = prescribed = answered = counted = 0
    for part in parts:
        if part.prescribed is None:
            continue
        counted += 1
        if part.days_done is None:
            continue
        answered += 1
        done += days_counted(part.days_done, part.prescribed)
        prescribed += part.prescribed
    return AdherenceReading(done, prescribed, answered, counted)
