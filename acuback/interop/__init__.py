"""FHIR R4 at the edge: the whole record out (read API, $everything, bulk export) and in
(Bundle import). The clinical core never imports anything from here."""
