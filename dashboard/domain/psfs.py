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

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
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


# --- Rated at home, on the client's own page --------------------------------------------

RATING_MAX = 10
# The published scale's anchors (Stratford et al. 1995), asked about "today".
HOME_QUESTION = ("Today, how able are you to do each of your activities? 0 means unable to "
                 "do it; 10 means able to do it as well as before your back problem.")
RATING_LOW = "unable to do it"
RATING_HIGH = "as well as before"


@dataclass(frozen=True)
class RatedSet:
    """One rating of the client's activities: at a session, or by the client at home."""

    on: dt.date
    ratings: tuple[tuple[str, int], ...]  # (activity name, 0-10) in the client's order
    by_client: bool = False
    score: float | None = None  # the mean, as stored (the same code: domain/sessions.py)


def rated_in_time_order(sets: Iterable[RatedSet]) -> list[RatedSet]:
    """Sessions and home in one series, by day; on the same day the rating made at home
    comes first, as for questionnaires (domain/measures.in_time_order): it is asked for
    before the session. Otherwise the caller's order is kept."""
    return sorted(sets, key=lambda r: (r.on, 0 if r.by_client else 1))


def series_change(sets: Iterable[RatedSet], *, at_least: int = 1) -> FunctionChange | None:
    """The change from the first rating of the series to the latest (at a session or at
    home, the same rules: on the activities rated at both); None with fewer than
    ``at_least`` ratings."""
    rated = rated_in_time_order(s for s in sets if s.ratings)
    if len(rated) < max(at_least, 1):
        return None
    return read_function_change(dict(rated[0].ratings), dict(rated[-1].ratings))


@dataclass(frozen=True)
class HomeRatings:
    """The client's ratings as sent from their page: by activity id, those left unrated,
    and those that were not a whole number from 0 to 10."""

    activities: tuple[tuple[int, str], ...]  # (id, name) in the client's order
    ratings: dict[int, int]
    missing: tuple[int, ...]
    invalid: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return bool(self.activities) and not self.missing and not self.invalid

    def problems(self) -> dict[int, str]:
        """A message per activity, naming it, for the page."""
        names = dict(self.activities)
        messages = {a: f"“{names[a]}” is not rated." for a in self.missing}
        messages.update({a: f"“{names[a]}”: choose a number from 0 to {RATING_MAX}."
                         for a in self.invalid})
        return {a: messages[a] for a, _name in self.activities if a in messages}


def parse_home_ratings(activities: Sequence[tuple[int, str]],
                       form: Mapping[str, Sequence[str]]) -> HomeRatings:
    """The ratings from form fields ``rating-<activity id>``, for the activities the server
    read as the client's own (nothing else of the form is read); each must be one plain
    whole number 0-10, sent once."""
    allowed = {str(v): v for v in range(RATING_MAX + 1)}
    ratings: dict[int, int] = {}
    missing: list[int] = []
    invalid: list[int] = []
    for activity_id, _name in activities:
        values = [v for v in form.get(f"rating-{activity_id}", []) if v != ""]
        if not values:
            missing.append(activity_id)
        elif len(values) > 1 or values[0] not in allowed:
            invalid.append(activity_id)
        else:
            ratings[activity_id] = allowed[values[0]]
    return HomeRatings(tuple(activities), ratings, tuple(missing), tuple(invalid))
