"""Form widgets with the DSFR classes, shared by every app's forms."""

from __future__ import annotations

from django import forms

INPUT_ATTRS = {"class": "fr-input"}
SELECT_ATTRS = {"class": "fr-select"}


class DateInput(forms.DateInput):
    """A native date picker (ISO value, as browsers expect) styled as a DSFR input."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(attrs=INPUT_ATTRS, format="%Y-%m-%d")
