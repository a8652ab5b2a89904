"""The JSON API for clinic systems, its OpenAPI document, and FHIR."""
