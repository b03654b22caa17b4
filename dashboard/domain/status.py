"""The status rule from the product brief: is the client meaningfully better? And every
threshold of meaningful change the app uses, in this one place.

Baseline is the first session of the current episode, latest the most recent. Improving
needs pain at least 2 points AND at least 30% below baseline, so a 1-point drop from a
low baseline is not called meaningful. Worsening is pain at least 2 points above baseline.
"""

from __future__ import annotations

from dataclasses import dataclass

IMPROVING = "improving"
STABLE = "stable"
WORSENING = "worsening"
NOT_ENOUGH_DATA = "not_enough_data"

STATUS_LABELS = {
    IMPROVING: "Improving",
    STABLE: "Stable",
    WORSENING: "Worsening",
    NOT_ENOUGH_DATA: "Not enough data",
}

# Pain (Numeric Pain Rating Scale 0-10): minimal important change of 2 points or 30% from
# baseline (Ostelo et al. 2008, Spine 33(1):90-94); the product asks for both to call it an
# improvement, and 2 points up to call it a worsening (product brief, "Status rule").
MIN_POINTS = 2
MIN_FRACTION = 0.30
WORSENING_POINTS = 2
# Function (Patient-Specific Functional Scale, 0-10 a activity, higher is better): a change
# of the mean of 2 points is meaningful, 3 for a single activity (Stratford et al. 1995,
# Physiotherapy Canada 47:258-263; Horn et al. 2012, JOSPT 42(1):30-42; product brief).
FUNCTION_MIN_CHANGE = 2.0
FUNCTION_MIN_CHANGE_ONE_ACTIVITY = 3.0
# Stress 0-10 has no agreed threshold: its change is reported, never banded.
SCALE_MAX = 10


@dataclass(frozen=True)
class PainStatus:
    status: str
    baseline: int | None
    latest: int | None

    @property
    def change(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


def pain_status(pains_in_order: list[int]) -> PainStatus:
    """Status from the episode's pain scores, oldest first."""
    if len(pains_in_order) < 2:
        latest = pains_in_order[-1] if pains_in_order else None
        return PainStatus(NOT_ENOUGH_DATA, latest, latest)
    return status_from(pains_in_order[0], pains_in_order[-1], 2)


def status_from(baseline: int | None, latest: int | None, session_count: int) -> PainStatus:
    if baseline is None or latest is None or session_count < 2:
        return PainStatus(NOT_ENOUGH_DATA, baseline, latest)
    drop = baseline - latest
    if drop >= MIN_POINTS and drop >= MIN_FRACTION * baseline:
        return PainStatus(IMPROVING, baseline, latest)
    if latest - baseline >= MIN_POINTS:
        return PainStatus(WORSENING, baseline, latest)
    return PainStatus(STABLE, baseline, latest)


IMPROVEMENT, DETERIORATION = "meaningful improvement", "meaningful worsening"


@dataclass(frozen=True)
class Band:
    """A range of a 0-10 score that counts as a meaningful change from the baseline."""

    low: float
    high: float
    meaning: str  # IMPROVEMENT or DETERIORATION


def improvement_threshold(baseline_pain: int) -> float:
    """The highest pain that counts as meaningfully improved from this baseline."""
    return min(baseline_pain - MIN_POINTS, baseline_pain * (1 - MIN_FRACTION))


def pain_bands(baseline: int) -> list[Band]:
    """Where pain counts as meaningfully improved (at or below the improvement threshold)
    and meaningfully worse (2 points or more above baseline); a band that falls off the
    0-10 scale is left out (a baseline of 0 or 1 cannot improve by the rule)."""
    bands = []
    threshold = improvement_threshold(baseline)
    if threshold >= 0:
        bands.append(Band(0, threshold, IMPROVEMENT))
    if baseline + WORSENING_POINTS <= SCALE_MAX:
        bands.append(Band(baseline + WORSENING_POINTS, SCALE_MAX, DETERIORATION))
    return bands


def function_bands(baseline: float) -> list[Band]:
    """PSFS is higher-is-better: 2 points up is improvement, 2 points down is worsening."""
    bands = []
    if baseline + FUNCTION_MIN_CHANGE <= SCALE_MAX:
        bands.append(Band(baseline + FUNCTION_MIN_CHANGE, SCALE_MAX, IMPROVEMENT))
    if baseline - FUNCTION_MIN_CHANGE >= 0:
        bands.append(Band(0, baseline - FUNCTION_MIN_CHANGE, DETERIORATION))
    return bands


def pain_change_meaning(baseline: int, latest: int) -> str | None:
    """IMPROVEMENT, DETERIORATION or None (no meaningful change), by the status rule."""
    status = status_from(baseline, latest, 2).status
    return IMPROVEMENT if status == IMPROVING else DETERIORATION if status == WORSENING \
        else None


def function_change_meaning(change: float, *, activities: int = 3) -> str | None:
    """A change of the PSFS mean on the same activities: 2 points either way (3 for a single
    activity). The change is compared at the precision the scores are stored in (2
    decimals) and never rounded further, so 1.95 or 1.97 stays short of 2."""
    needed = FUNCTION_MIN_CHANGE_ONE_ACTIVITY if activities == 1 else FUNCTION_MIN_CHANGE
    exact = round(change, 2)  # 5.33 - 3.33 is 1.9999999999999996 in floating point
    if exact >= needed:
        return IMPROVEMENT
    if exact <= -needed:
        return DETERIORATION
    return None
