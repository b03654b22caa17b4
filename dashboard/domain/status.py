"""The status rule from the product brief: is the client meaningfully better?

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

MIN_POINTS = 2
MIN_FRACTION = 0.30


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
