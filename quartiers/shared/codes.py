"""Official code spellings shared by the importers and the settings."""

from __future__ import annotations

# The département whose richer local files (contours, NPNRU estimate, press kit) exist.
NORD = "59"


def departement_code_normalize(code: str) -> str:
    """ "9" → "09", "2a" → "2A", "974" stays: the COG spelling of a département code."""
    code = str(code).strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code
