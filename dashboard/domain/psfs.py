"""The Patient-Specific Functional Scale read as published: change on the same activities.

The client names 3 to 5 activities they find hard and rates each 0-10 (10: as before the
problem); the score is the mean of the ratings (Stratford et al. 1995, Physiotherapy Canada
47:258-263). Its minimal important change (2 points for the mean, 3 for a single activity:
``domain/status.py``) was measured on the SAME activities rated again (Stratford 1995; Horn
et al. 2012, JOSPT 42(1):30-42). When an activity is replaced mid-episode, the mean of the
new set against the mean of the old measures the swap, not the client: the change is read
only on the activities rated at both ends, activity by activity, and the activities left
out are said (product brief: "change read on the same activities").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dashboard.domain.status import DETERIORATION, IMPROVEMENT, function_change_meaning


@dataclass(frozen=True)
class ActivityChange:
    """One activity rated at both ends of the comparison."""

    name: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def meaning(self) -> str | None:
        """A single activity's change against its own threshold (3 points)."""
        return function_change_meaning(self.change, activities=1)


@dataclass(frozen=True)
class FunctionChange:
    """The PSFS change between two sessions, on the activities rated at both.

    ``replaced``: rated at the first session and not at the last (replaced or dropped);
    ``added``: rated at the last and not at the first. Neither counts in the change."""

    compared: tuple[ActivityChange, ...]
    replaced: tuple[str, ...] = ()
    added: tuple[str, ...] = ()

    @property
    def activities_changed(self) -> bool:
        return bool(self.replaced or self.added)

    @property
    def baseline_mean(self) -> float | None:
        if not self.compared:
            return None
        return round(sum(a.before for a in self.compared) / len(self.compared), 2)

    @property
    def latest_mean(self) -> float | None:
        if not self.compared:
            return None
        return round(sum(a.after for a in self.compared) / len(self.compared), 2)

    @property
    def change(self) -> float | None:
        """The change of the mean of the same activities, at 2 decimals (the means of 3 to
        5 whole numbers: no rounding carries it across a threshold)."""
        if not self.compared:
            return None
        total = sum(a.change for a in self.compared)
        return round(total / len(self.compared), 2)

    @property
    def meaning(self) -> str | None:
        """IMPROVEMENT, DETERIORATION or None; 3 points when one activity is left to compare."""
        change = self.change
        if change is None:
            return None
        return function_change_meaning(change, activities=len(self.compared))

    def explanation(self) -> str | None:
        """Why the change leaves activities out, in plain words; None when the client rated
        the same activities at both ends."""
        if not self.activities_changed:
            return None
        left = [f"{_names(self.replaced)} (first session only)" if self.replaced else "",
                f"{_names(self.added)} (latest only)" if self.added else ""]
        left_out = " and ".join(x for x in left if x)
        if not self.compared:
            return (f"No activity was rated at both the first and the latest session "
                    f"({left_out}), so no change in function can be read: a mean of "
                    "different activities is not a change in the client.")
        plural = len(self.replaced) + len(self.added) > 1
        return (f"{left_out} {'were' if plural else 'was'} left out: the client's activities "
                "changed during the episode, and a change of the mean across different "
                "activities is not a meaningful change.")


def _names(names: tuple[str, ...]) -> str:
    quoted = [f"“{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def read_function_change(first: Mapping[str, int], last: Mapping[str, int]) -> FunctionChange:
    """The change from the ``first`` session's ratings to the ``last`` session's (activity
    name -> 0-10), on the activities rated at both, in the first session's order."""
    compared = tuple(ActivityChange(name, first[name], last[name])
                     for name in first if name in last)
    return FunctionChange(compared, tuple(n for n in first if n not in last),
                          tuple(n for n in last if n not in first))


def function_sentence(reading: FunctionChange) -> str:
    """The function line of the progress view: the change on the same activities, each
    activity's own change, and why any activity is left out."""
    if reading.change is None:
        return "Function (PSFS): " + (reading.explanation() or "not measured.")
    count = len(reading.compared)
    each = "; ".join(f"{a.name} {a.before} → {a.after}" for a in reading.compared)
    verdict = {IMPROVEMENT: "a meaningful improvement", DETERIORATION: "a meaningful worsening"
               }.get(reading.meaning or "", "not a meaningful change")
    if count == 1:
        verdict += " (a single activity needs 3 points)"
    change = f"{reading.change:+g}".replace("-", "−")
    which = (f"the {'one activity' if count == 1 else f'{count} activities'} rated at both "
             "the first and the latest session" if reading.activities_changed
             else "the same activities")
    text = (f"Function (PSFS) {reading.baseline_mean:g} → {reading.latest_mean:g} ({change}) "
            f"on {which} ({each}): {verdict}.")
    explanation = reading.explanation()
    return f"{text} {explanation}" if explanation else text
