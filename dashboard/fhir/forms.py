"""The forms a session records, as FHIR Questionnaires, and the clinic's own CodeSystem.

The PHQ-9 and GAD-7 carry LOINC's panel, item, total and answer codes; the PSS-10 carries
LOINC's panel and total codes and answer codes (LOINC's PSS-10 item codes are not used:
see docs/FHIR.md). Pain, stress and the Patient-Specific Functional Scale are the app's own
forms. Every code below was checked against LOINC's pages, cited in docs/FHIR.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.questionnaire import Questionnaire

from dashboard.domain.questionnaires import GAD7, PHQ9, PSS10, Instrument
from dashboard.fhir.naming import FhirNames

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
# The version of the forms and the CodeSystem below: change it with their content, so a
# server that holds the old ones creates the new (their identifiers carry it).
FORM_VERSION = "1"

PAIN_CODE = (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

# The clinic's own codes: (code, display). Published as the CodeSystem below.
LOCAL_CONCEPTS = {
    "stress-0-10": "Stress rating, 0-10 (0 = none, 10 = worst)",
    "psfs-mean": "Patient-Specific Functional Scale, mean of the client's activities (0-10)",
    "psfs-activity": "Patient-Specific Functional Scale activity, in the client's words",
    "psfs-activity-score": "Patient-Specific Functional Scale activity score "
                           "(0 = unable, 10 = as before the problem)",
}

# LOINC answer list LL358-3 (PHQ-9 and GAD-7 items), https://loinc.org/LL358-3
_OFTEN = (("LA6568-5", "Not at all"), ("LA6569-3", "Several days"),
          ("LA6570-1", "More than half the days"), ("LA6571-9", "Nearly every day"))
# LOINC answer list LL1625-4 (PSS-10 items), https://loinc.org/66830-1
_PSS = (("LA6270-8", "Never"), ("LA13866-1", "Almost never"), ("LA10082-8", "Sometimes"),
        ("LA16644-9", "Fairly often"), ("LA14985-8", "Very often"))


@dataclass(frozen=True)
class ScoredForm:
    """A scored instrument with its LOINC codes; item scores and the total from the domain."""

    instrument: Instrument
    slug: str
    title: str
    panel: tuple[str, str]
    item_codes: tuple[str | None, ...]  # LOINC code per item, None where not used
    total: tuple[str, str]
    answers: tuple[tuple[str, str], ...]  # LOINC answer (code, display) per raw value
    copyright: str

    def link_id(self, number: int) -> str:
        """Item linkIds: the LOINC item code where used (as LOINC's own forms do)."""
        return self.item_codes[number - 1] or f"{self.slug}-{number}"

    @property
    def total_link_id(self) -> str:
        return self.total[0]

    def item_score(self, number: int, value: int) -> int:
        """The points a raw answer adds to the total (reverse-scored items count backwards)."""
        if number in self.instrument.reverse_items:
            return self.instrument.max_answer - value
        return value


_PFIZER = ("Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, "
           "Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from "
           "Pfizer Inc. No permission required to reproduce, translate, display or distribute. "
           "LOINC codes: copyright © Regenstrief Institute, Inc., https://loinc.org/license.")

SCORED_FORMS: dict[str, ScoredForm] = {f.instrument.key: f for f in (
    ScoredForm(PHQ9, "phq-9", "PHQ-9 (depression)",
               ("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
               ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5",
                "44253-3", "44260-8"),
               ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
               _OFTEN, _PFIZER),
    ScoredForm(GAD7, "gad-7", "GAD-7 (anxiety)",
               ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
               ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
               ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score "
                           "[Reported.PHQ]"),
               _OFTEN, _PFIZER),
    ScoredForm(PSS10, "pss-10", "PSS-10 (perceived stress)",
               ("106875-8", "Perceived stress scale-10 [PSS-10]"),
               (None,) * len(PSS10.items),
               ("106860-0", "Perceived stress scale-10 total score [PSS-10]"),
               _PSS, "Perceived Stress Scale: Sheldon Cohen (1983, 1988). LOINC codes: "
                     "copyright © Regenstrief Institute, Inc., https://loinc.org/license."),
)}

# The app's own forms: (slug, title).
PAIN_FORM = ("pain", "Pain (0-10)")
STRESS_FORM = ("stress", "Stress (0-10)")
PSFS_FORM = ("psfs", "Function: the client's activities (Patient-Specific Functional Scale)")
PSFS_ACTIVITY = "activity"


def coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": display}


def local_concept(names: FhirNames, code: str) -> dict[str, Any]:
    return concept(names.code_system, code, LOCAL_CONCEPTS[code])


def _score_range(low: int, high: int) -> list[dict[str, Any]]:
    return [{"url": MIN_VALUE, "valueInteger": low}, {"url": MAX_VALUE, "valueInteger": high}]


def _scored_questionnaire(form: ScoredForm, names: FhirNames) -> Questionnaire:
    items: list[dict[str, Any]] = []
    for number, text in enumerate(form.instrument.items, start=1):
        code = form.item_codes[number - 1]
        items.append({
            "linkId": form.link_id(number), "text": text, "type": "choice", "required": True,
            # No display: LOINC's own name for the item differs from the wording asked.
            "code": [{"system": LOINC, "code": code}] if code else None,
            "answerOption": [{
                "valueCoding": coding(LOINC, answer, display),
                "extension": [{"url": ORDINAL_VALUE,
                               "valueDecimal": form.item_score(number, value)}]}
                for value, (answer, display) in enumerate(form.answers)]})
    items.append({"linkId": form.total_link_id, "text": form.total[1], "type": "integer",
                  "readOnly": True, "code": [coding(LOINC, *form.total)],
                  "extension": _score_range(0, form.instrument.max_total)})
    return _questionnaire(names, form.slug, form.title, items,
                          code=[coding(LOINC, *form.panel)], copyright=form.copyright)


def _questionnaire(names: FhirNames, slug: str, title: str, items: list[dict[str, Any]],
                   **extra: Any) -> Questionnaire:
    return Questionnaire(
        id=f"questionnaire-{slug}", url=names.questionnaire(slug), version=FORM_VERSION,
        identifier=[{"system": names.identifier_system("Questionnaire"),
                     "value": f"{slug}-v{FORM_VERSION}"}],
        name="".join(ch for ch in title.title() if ch.isalnum())[:64], title=title,
        status="active", subjectType=["Patient"], item=items, **extra)


def questionnaires(names: FhirNames) -> list[Questionnaire]:
    """Every form a session can record, scored instruments first."""
    pain = _questionnaire(names, *PAIN_FORM, [{
        "linkId": "pain", "text": "Pain (0-10)", "type": "integer", "required": True,
        "code": [coding(*PAIN_CODE)], "extension": _score_range(0, 10)}])
    stress = _questionnaire(names, *STRESS_FORM, [{
        "linkId": "stress", "text": "Stress (0-10)", "type": "integer", "required": True,
        "code": [coding(names.code_system, "stress-0-10", LOCAL_CONCEPTS["stress-0-10"])],
        "extension": _score_range(0, 10)}])
    psfs = _questionnaire(names, *PSFS_FORM, [{
        "linkId": PSFS_ACTIVITY, "text": "An activity the client finds hard (up to five)",
        "type": "group", "repeats": True, "item": [
            {"linkId": "activity-name", "text": "Activity", "type": "string", "required": True,
             "code": [coding(names.code_system, "psfs-activity",
                             LOCAL_CONCEPTS["psfs-activity"])]},
            {"linkId": "activity-score", "text": "Score (0 = unable, 10 = as before the "
                                                 "problem)", "type": "integer",
             "required": True, "extension": _score_range(0, 10),
             "code": [coding(names.code_system, "psfs-activity-score",
                             LOCAL_CONCEPTS["psfs-activity-score"])]}]}])
    scored = [_scored_questionnaire(form, names) for form in SCORED_FORMS.values()]
    return [*scored, pain, stress, psfs]


def code_system(names: FhirNames) -> CodeSystem:
    """The clinic's own codes, so a receiver can look up every code the Bundle uses."""
    return CodeSystem(
        id="codesystem-measures", url=names.code_system, version=FORM_VERSION,
        identifier=[{"system": names.identifier_system("CodeSystem"),
                     "value": f"measures-v{FORM_VERSION}"}],
        name="BackPainDashboardMeasures", title="Back Pain Care Dashboard measures",
        status="active", content="complete", caseSensitive=True,
        concept=[{"code": code, "display": display}
                 for code, display in LOCAL_CONCEPTS.items()])
