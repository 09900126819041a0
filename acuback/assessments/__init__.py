"""Stored questionnaire responses of an episode of care, their safety alerts, and a clinic's
licensed instrument wording. Scoring is the clinical core's (`acuback.clinical.instruments`);
this app remembers what was answered, the result and the version that produced it."""
