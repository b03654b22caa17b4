"""Change beyond measurement noise on the questionnaires, and clinic figures with their
uncertainty. Plain Python: every threshold is in ``THRESHOLDS`` with its published source,
and docs/OUTCOMES.md carries the same table.

Reliable change (Jacobson N.S. & Truax P. (1991) Clinical significance: a statistical
approach to defining meaningful change in psychotherapy research. J Consult Clin Psychol
59(1):12-19): a change is reliable when |latest - first| / SEdiff > 1.96, where
SEdiff = SD * sqrt(2) * sqrt(1 - r), SD the instrument's standard deviation in a reference
population and r its reliability. Where a programme publishes its own threshold (NHS Talking
Therapies for PHQ-9 and GAD-7), that threshold is used so that figures compare with theirs.

Outcome categories between the first and the latest score of an episode, as NHS Talking
Therapies defines them (NHS England, "NHS Talking Therapies for anxiety and depression
manual", 2024, and NHS Digital's "Psychological Therapies: reports on the use of IAPT
services", key measures): caseness at the start and below it at the end is recovery; a
recovery that is also a reliable improvement is reliable recovery.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Z_95 = 1.96  # two-sided 95%: Jacobson & Truax's criterion and the Wilson interval's z


def reliable_change_index(sd: float, reliability: float, z: float = Z_95) -> float:
    """The smallest change Jacobson & Truax call reliable: z * SEdiff (points)."""
    if sd <= 0 or not 0 <= reliability < 1:
        raise ValueError("need a positive SD and a reliability in [0, 1)")
    return z * sd * math.sqrt(2) * math.sqrt(1 - reliability)


def smallest_reliable_points(sd: float, reliability: float) -> int:
    """Whole-number totals: the fewest points whose change exceeds z * SEdiff (the
    criterion is strict, so a change exactly equal to it is not reliable)."""
    return math.floor(reliable_change_index(sd, reliability)) + 1


@dataclass(frozen=True)
class Threshold:
    instrument: str  # key in dashboard.domain.questionnaires.INSTRUMENTS
    reliable_change: int  # a change of at least this many points is reliable
    caseness: int | None  # a total at or above this is a clinical case; None: no cut-off
    source: str


# Cohen S. & Williamson G. (1988) Perceived stress in a probability sample of the United
# States. In Spacapan S. & Oskamp S. (eds), The Social Psychology of Health, pp. 31-67.
# Newbury Park, CA: Sage. PSS-10 in the 1983 Harris poll of 2,387 US adults: SD 6.35
# (mean 13.02), internal consistency (Cronbach's alpha) 0.78. No official cut-off.
PSS10_SD = 6.35
PSS10_RELIABILITY = 0.78

THRESHOLDS: dict[str, Threshold] = {t.instrument: t for t in (
    # NHS Talking Therapies for anxiety and depression manual (NHS England 2024, v7), and
    # NHS Digital's IAPT key-measure definitions: reliable change on PHQ-9 is 6 points or
    # more; caseness is a score of 10 or more.
    Threshold("PHQ9", 6, 10, "NHS Talking Therapies manual (NHS England, 2024): reliable "
              "change 6 points; caseness 10 or more"),
    # Same sources: reliable change on GAD-7 is 4 points or more; caseness 8 or more.
    Threshold("GAD7", 4, 8, "NHS Talking Therapies manual (NHS England, 2024): reliable "
              "change 4 points; caseness 8 or more"),
    # Jacobson & Truax (1991) from Cohen & Williamson's (1988) SD 6.35 and alpha 0.78:
    # 1.96 * 6.35 * sqrt(2) * sqrt(0.22) = 8.26 points, so 9 points on whole totals.
    Threshold("PSS10", smallest_reliable_points(PSS10_SD, PSS10_RELIABILITY), None,
              "Jacobson & Truax (1991) from Cohen & Williamson (1988): SD 6.35, "
              "alpha 0.78; 1.96 × SEdiff = 8.26 points; no cut-off, so no caseness"),
)}

# Categories, in the order a single label is chosen (deterioration first: it is the one a
# practitioner must not miss, and NHS Talking Therapies counts it whatever else happened).
NOT_ENOUGH_DATA = "not_enough_data"
RELIABLE_DETERIORATION = "reliable_deterioration"
RELIABLE_RECOVERY = "reliable_recovery"
RECOVERY = "recovery"
RELIABLE_IMPROVEMENT = "reliable_improvement"
NO_RELIABLE_CHANGE = "no_reliable_change"

CATEGORY_LABELS = {
    RELIABLE_DETERIORATION: "Reliable deterioration",
    RELIABLE_RECOVERY: "Reliable recovery",
    RECOVERY: "Recovery",
    RELIABLE_IMPROVEMENT: "Reliable improvement",
    NO_RELIABLE_CHANGE: "No reliable change",
    NOT_ENOUGH_DATA: "Not enough data",
}

# The episode's reliable change in one word (stored per episode and per client).
IMPROVEMENT, DETERIORATION, NO_CHANGE = "improvement", "deterioration", "none"


def category_of(*, improved: bool, deteriorated: bool, recovered: bool) -> str:
    if deteriorated:
        return RELIABLE_DETERIORATION
    if recovered:
        return RELIABLE_RECOVERY if improved else RECOVERY
    return RELIABLE_IMPROVEMENT if improved else NO_RELIABLE_CHANGE


@dataclass(frozen=True)
class MeasureOutcome:
    """One questionnaire's first and latest score in an episode, and what the change is."""

    instrument: str
    first: int | None
    latest: int | None
    scores: int  # how many times it was given in the episode

    @property
    def threshold(self) -> Threshold:
        return THRESHOLDS[self.instrument]

    @property
    def change(self) -> int | None:
        return None if self.scores < 2 or self.first is None or self.latest is None \
            else self.latest - self.first

    @property
    def reliably_improved(self) -> bool:
        return self.change is not None and -self.change >= self.threshold.reliable_change

    @property
    def reliably_deteriorated(self) -> bool:
        return self.change is not None and self.change >= self.threshold.reliable_change

    @property
    def case_at_start(self) -> bool | None:
        """None when the instrument has no cut-off or was not given twice."""
        caseness = self.threshold.caseness
        if caseness is None or self.change is None or self.first is None:
            return None
        return self.first >= caseness

    @property
    def recovered(self) -> bool:
        caseness = self.threshold.caseness
        return bool(self.case_at_start) and caseness is not None and \
            self.latest is not None and self.latest < caseness

    @property
    def category(self) -> str:
        if self.change is None:
            return NOT_ENOUGH_DATA
        return category_of(improved=self.reliably_improved,
                           deteriorated=self.reliably_deteriorated, recovered=self.recovered)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self.category]

    def sentence(self) -> str:
        """What changed, in words, with the threshold that decides it."""
        name = _short(self.instrument)
        t = self.threshold
        if self.change is None:
            return (f"{name} given once ({self.first}): a second score is needed to judge "
                    "change." if self.scores == 1 else f"{name} not given in this episode.")
        moved = f"{name} {self.first} → {self.latest}"
        rule = f"reliable change is {t.reliable_change} points or more"
        if self.category == RELIABLE_DETERIORATION:
            return f"{moved}: reliable deterioration (up {self.change}; {rule})."
        if self.category == RELIABLE_RECOVERY:
            return (f"{moved}: reliable recovery (down {-self.change}, and now below the "
                    f"clinical cut-off of {t.caseness}).")
        if self.category == RECOVERY:
            return (f"{moved}: below the clinical cut-off of {t.caseness} now, but the change "
                    f"of {abs(self.change)} is within measurement noise ({rule}).")
        if self.category == RELIABLE_IMPROVEMENT:
            return f"{moved}: reliable improvement (down {-self.change}; {rule})."
        return (f"{moved}: no reliable change (a change of {abs(self.change)} is within "
                f"measurement noise; {rule}).")


def _short(instrument: str) -> str:
    return {"PHQ9": "PHQ-9", "GAD7": "GAD-7", "PSS10": "PSS-10"}[instrument]


def measure_outcome(instrument: str, totals: Sequence[int]) -> MeasureOutcome:
    """``totals`` oldest first: the instrument's totals within one episode."""
    if instrument not in THRESHOLDS:
        raise ValueError(f"no reliable-change threshold for {instrument}")
    return MeasureOutcome(instrument, totals[0] if totals else None,
                          totals[-1] if totals else None, len(totals))


@dataclass(frozen=True)
class EpisodeOutcome:
    """The questionnaires of one episode taken together (NHS Talking Therapies' paired rule,
    extended to every questionnaire given twice): reliable improvement on at least one and
    reliable deterioration on none; reliable deterioration on any; recovery when at caseness
    on at least one measure with a cut-off at the start and below caseness on every such
    measure at the end."""

    measures: tuple[MeasureOutcome, ...]

    @property
    def judged(self) -> tuple[MeasureOutcome, ...]:
        return tuple(m for m in self.measures if m.change is not None)

    @property
    def reliable_change(self) -> str | None:
        """IMPROVEMENT, DETERIORATION, NO_CHANGE; None when no questionnaire was given twice."""
        judged = self.judged
        if not judged:
            return None
        if any(m.reliably_deteriorated for m in judged):
            return DETERIORATION
        if any(m.reliably_improved for m in judged):
            return IMPROVEMENT
        return NO_CHANGE

    @property
    def at_caseness(self) -> bool | None:
        """At caseness at the start on a measure with a cut-off (None: none given twice)."""
        starts = [m.case_at_start for m in self.judged if m.case_at_start is not None]
        return any(starts) if starts else None

    @property
    def recovered(self) -> bool | None:
        """None unless at caseness at the start (recovery is counted among cases only)."""
        if not self.at_caseness:
            return None
        with_cutoff = [m for m in self.judged if m.threshold.caseness is not None]
        return all(m.latest is not None and m.latest < (m.threshold.caseness or 0)
                   for m in with_cutoff)

    @property
    def category(self) -> str:
        change = self.reliable_change
        if change is None:
            return NOT_ENOUGH_DATA
        return category_of(improved=change == IMPROVEMENT, deteriorated=change == DETERIORATION,
                           recovered=bool(self.recovered))

    def first(self, instrument: str) -> int | None:
        return next((m.first for m in self.measures if m.instrument == instrument), None)

    def latest(self, instrument: str) -> int | None:
        return next((m.latest for m in self.measures if m.instrument == instrument), None)


def episode_outcome(totals_by_instrument: Mapping[str, Sequence[int]]) -> EpisodeOutcome:
    """Each questionnaire's totals in one episode (oldest first), taken together."""
    return EpisodeOutcome(tuple(measure_outcome(key, totals_by_instrument.get(key, ()))
                                for key in THRESHOLDS))


# Filter values for the client list: the episode's reliable change, or its recovery.
RECOVERED = "recovered"
FILTER_LABELS = {
    IMPROVEMENT: "Reliable improvement",
    DETERIORATION: "Reliable deterioration",
    NO_CHANGE: "No reliable change",
    RECOVERED: "Recovered",
}


@dataclass(frozen=True)
class Proportion:
    """k of n with its Wilson score 95% interval (Wilson E.B. (1927) Probable inference,
    the law of succession, and statistical inference. J Am Stat Assoc 22:209-212; preferred
    to the normal approximation for small n and shares near 0 or 1: Newcombe R.G. (1998)
    Stat Med 17:857-872). n = 0 has no share and no interval."""

    k: int
    n: int

    def __post_init__(self) -> None:
        if self.n < 0 or not 0 <= self.k <= self.n:
            raise ValueError("need 0 <= k <= n")

    @property
    def share(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.k, self.n)

    def describe(self) -> str:
        """'12/40 · 30% (17–46%)', or '—' when nobody could be counted."""
        if not self.n:
            return "—"
        low, high = self.interval or (0.0, 0.0)
        return f"{self.k}/{self.n} · {self.k / self.n:.0%} ({low * 100:.0f}–{high:.0%})"


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for k successes in n trials; None when n is 0."""
    if n < 0 or not 0 <= k <= n:
        raise ValueError("need 0 <= k <= n")
    if n == 0:
        return None
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Clamp the rounding error at the ends (k = 0 gives exactly 0 in exact arithmetic).
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class GroupOutcomes:
    """Episodes discharged in one group (a practitioner, a strategy): how many, each outcome
    among the episodes it can be judged on (docs/OUTCOMES.md), and the group's case mix."""

    group: str
    discharged: int
    improved: int  # meaningful pain improvement (2 points and 30%)
    mean_pain_change: float | None
    mean_sessions: float | None
    pain_judged: int = 0  # at least two sessions
    questionnaires_judged: int = 0  # a questionnaire given at least twice
    reliably_improved: int = 0
    reliably_deteriorated: int = 0
    at_caseness: int = 0  # at caseness at the start (recovery's denominator)
    recovered: int = 0
    baseline_pain: float | None = None  # case mix: mean at the start
    baseline_phq9: float | None = None

    @property
    def pain_improvement(self) -> Proportion:
        return Proportion(self.improved, self.pain_judged)

    @property
    def reliable_improvement(self) -> Proportion:
        return Proportion(self.reliably_improved, self.questionnaires_judged)

    @property
    def deterioration(self) -> Proportion:
        return Proportion(self.reliably_deteriorated, self.questionnaires_judged)

    @property
    def recovery(self) -> Proportion:
        return Proportion(self.recovered, self.at_caseness)

    @property
    def caseness(self) -> Proportion:
        """Case mix: the share of judged episodes that were cases at the start."""
        return Proportion(self.at_caseness, self.questionnaires_judged)
