"""Questionnaires: PSS-10, PHQ-9 and GAD-7. Every score is computed here and only here.

PHQ-9 and GAD-7 are free to use (Pfizer); the PSS-10 is Cohen's Perceived Stress Scale,
which has no official cut-offs, so it gets no band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    key: str
    name: str
    items: tuple[str, ...]
    max_answer: int
    answer_labels: tuple[str, ...]
    reverse_items: frozenset[int] = frozenset()  # 1-based item numbers
    bands: tuple[tuple[int, str], ...] = ()  # (lowest total, label), ascending

    @property
    def max_total(self) -> int:
        return len(self.items) * self.max_answer


_OFTEN = ("Not at all", "Several days", "More than half the days", "Nearly every day")
_PSS = ("Never", "Almost never", "Sometimes", "Fairly often", "Very often")

PHQ9 = Instrument(
    "PHQ9", "PHQ-9 (depression)",
    ("Little interest or pleasure in doing things",
     "Feeling down, depressed, or hopeless",
     "Trouble falling or staying asleep, or sleeping too much",
     "Feeling tired or having little energy",
     "Poor appetite or overeating",
     "Feeling bad about yourself, or that you are a failure or have let yourself or your "
     "family down",
     "Trouble concentrating on things, such as reading the newspaper or watching television",
     "Moving or speaking so slowly that other people could have noticed; or the opposite, "
     "being so fidgety or restless that you have been moving around a lot more than usual",
     "Thoughts that you would be better off dead, or of hurting yourself in some way"),
    3, _OFTEN,
    bands=((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately severe"),
           (20, "severe")),
)
GAD7 = Instrument(
    "GAD7", "GAD-7 (anxiety)",
    ("Feeling nervous, anxious, or on edge",
     "Not being able to stop or control worrying",
     "Worrying too much about different things",
     "Trouble relaxing",
     "Being so restless that it is hard to sit still",
     "Becoming easily annoyed or irritable",
     "Feeling afraid, as if something awful might happen"),
    3, _OFTEN,
    bands=((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")),
)
PSS10 = Instrument(
    "PSS10", "PSS-10 (perceived stress)",
    ("Been upset because of something that happened unexpectedly",
     "Felt that you were unable to control the important things in your life",
     "Felt nervous and stressed",
     "Felt confident about your ability to handle your personal problems",
     "Felt that things were going your way",
     "Found that you could not cope with all the things that you had to do",
     "Been able to control irritations in your life",
     "Felt that you were on top of things",
     "Been angered because of things that happened that were outside of your control",
     "Felt difficulties were piling up so high that you could not overcome them"),
    4, _PSS, reverse_items=frozenset({4, 5, 7, 8}),
)
INSTRUMENTS: dict[str, Instrument] = {i.key: i for i in (PSS10, PHQ9, GAD7)}
SELF_HARM_ITEM = 9  # PHQ-9 item 9


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int
    band: str | None

    def describe(self) -> str:
        name = INSTRUMENTS[self.instrument].name.split(" ")[0]
        return f"{name} {self.total}" + (f" ({self.band})" if self.band else "")


def answer_problems(instrument: Instrument, answers: Sequence[object]) -> dict[int, str]:
    """Problems per 1-based item: every item answered with a whole number in range."""
    problems = {}
    for number in range(1, len(instrument.items) + 1):
        value = answers[number - 1] if number <= len(answers) else None
        if value is None:
            problems[number] = "Answer this item."
        elif (not isinstance(value, int) or isinstance(value, bool)
              or not 0 <= value <= instrument.max_answer):
            problems[number] = f"Choose an answer from 0 to {instrument.max_answer}."
    if len(answers) > len(instrument.items):
        problems[len(instrument.items) + 1] = "Too many answers."
    return problems


def score(instrument_key: str, answers: list[int]) -> Score:
    """Total and band; answers must have passed ``answer_problems``."""
    instrument = INSTRUMENTS[instrument_key]
    if answer_problems(instrument, list(answers)):
        raise ValueError(f"incomplete or out-of-range answers for {instrument_key}")
    total = sum(instrument.max_answer - value if number in instrument.reverse_items else value
                for number, value in enumerate(answers, start=1))
    return Score(instrument_key, total, band_of(instrument_key, total))


def band_of(instrument_key: str, total: int) -> str | None:
    """The severity band a total falls in (None for an instrument without bands)."""
    band = None
    for lowest, label in INSTRUMENTS[instrument_key].bands:
        if total >= lowest:
            band = label
    return band


def self_harm_answer(instrument_key: str, answers: list[object]) -> int | None:
    """PHQ-9 item 9 (thoughts of being better off dead or of self-harm) when answered above
    0, whatever the other items: the rest of a questionnaire may be left incomplete or
    refused, the safety signal may not be lost (Kroenke et al. 2001: any positive response
    to item 9 calls for a risk assessment)."""
    if instrument_key != "PHQ9" or len(answers) < SELF_HARM_ITEM:
        return None
    value = answers[SELF_HARM_ITEM - 1]
    if isinstance(value, int) and not isinstance(value, bool) and \
            0 < value <= PHQ9.max_answer:
        return value
    return None


def raises_self_harm_alert(instrument_key: str, answers: list[object]) -> bool:
    return self_harm_answer(instrument_key, answers) is not None


def needs_new_alert(answer: int | None, raised_for: list[int]) -> bool:
    """Whether a session's item 9 answer needs an alert, given the answers its earlier
    alerts were raised for: one alert per answer, so editing an acknowledged session does
    not raise the same alert again; a higher answer is a new signal and raises one."""
    return answer is not None and all(answer > earlier for earlier in raised_for)
