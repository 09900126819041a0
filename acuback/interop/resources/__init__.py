"""Model rows to FHIR R4 resources (plain dicts). One module per family of resources; each
builder takes the rows a scoped selector already returned and the export's `Identities`."""
