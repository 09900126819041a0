"""Visit charting in the treatment room: the needling record (STRICTA), needle accounting,
adverse events, painkillers and mobility, CPT units, and sign, lock and amend."""
