"""Interoperability: a client's record as standard FHIR (release R4B)."""
