"""Where the clinic's FHIR names live: its code system, questionnaires and identifier systems
all sit under one base URL the clinic controls (``FHIR_BASE_URL``), and its client
identifiers under their own system (``FHIR_PATIENT_ID_SYSTEM``, default under the base).

Every exported resource carries one identifier; its ``urn:uuid`` full URL is derived from
that identifier, so the same record always gets the same URLs and conditional keys.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from dashboard.config import Settings

# A fixed namespace: the uuid5 of "SYSTEM|VALUE" under it is the entry's full URL.
_URN_NAMESPACE = uuid.UUID("6f0b9d52-4c1e-4a77-9d0a-5b8a3f7f2c11")


@dataclass(frozen=True)
class FhirNames:
    base_url: str
    patient_system: str

    @classmethod
    def from_settings(cls, settings: Settings) -> FhirNames:
        return cls(settings.fhir_base_url, settings.fhir_patient_system)

    @property
    def code_system(self) -> str:
        """The clinic's own codes (stress, PSFS), published in the Bundle as a CodeSystem."""
        return f"{self.base_url}/CodeSystem/measures"

    def questionnaire(self, slug: str) -> str:
        return f"{self.base_url}/Questionnaire/{slug}"

    def identifier_system(self, resource_type: str) -> str:
        if resource_type == "Patient":
            return self.patient_system
        return f"{self.base_url}/sid/{resource_type.lower()}"

    def urn(self, resource_type: str, value: object) -> str:
        key = f"{self.identifier_system(resource_type)}|{value}"
        return f"urn:uuid:{uuid.uuid5(_URN_NAMESPACE, key)}"
