"""Filter forms of the territory lists (GET parameters, all optional)."""

from __future__ import annotations

from django import forms

from quartiers.geography.models import EPCI, Arrondissement, Commune
from quartiers.geography.selectors import NPNRU_FILTERS


class _Select(forms.Select):
    def __init__(self) -> None:
        super().__init__(attrs={"class": "fr-select"})


class _ChoiceCodeField(forms.ModelChoiceField):
    """Model choice identified by its official code in the URL (`?commune=59350`)."""

    def __init__(self, *, queryset, to_field_name: str, label: str, label_from) -> None:
        super().__init__(
            queryset=queryset,
            to_field_name=to_field_name,
            required=False,
            label=label,
            empty_label="Toutes",
            widget=_Select(),
        )
        self._label_from = label_from

    def label_from_instance(self, obj) -> str:
        return self._label_from(obj)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        help_text="Code ou nom, sans tenir compte des accents",
        widget=forms.TextInput(attrs={"class": "fr-input", "type": "search"}),
    )

    def cleaned(self) -> dict[str, object]:
        """The valid filters; an invalid one (unknown code…) is ignored and shown in error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class QPVFilterForm(SearchForm):
    commune = _ChoiceCodeField(
        queryset=Commune.objects.filter(qpvs__isnull=False).distinct().order_by("name"),
        to_field_name="insee_code",
        label="Commune",
        label_from=lambda c: f"{c.name} ({c.insee_code})",
    )
    epci = _ChoiceCodeField(
        queryset=EPCI.objects.filter(qpvs__isnull=False).distinct().order_by("name"),
        to_field_name="siren",
        label="EPCI",
        label_from=lambda e: e.name,
    )
    arrondissement = _ChoiceCodeField(
        queryset=Arrondissement.objects.order_by("name"),
        to_field_name="insee_code",
        label="Arrondissement",
        label_from=lambda a: a.name,
    )
    npnru = forms.ChoiceField(
        label="Statut NPNRU",
        required=False,
        choices=[("", "Tous")] + [(k, v[0]) for k, v in NPNRU_FILTERS.items()],
        widget=_Select(),
    )


class CommuneFilterForm(SearchForm):
    epci = _ChoiceCodeField(
        queryset=EPCI.objects.order_by("name"),
        to_field_name="siren",
        label="EPCI",
        label_from=lambda e: e.name,
    )
    arrondissement = _ChoiceCodeField(
        queryset=Arrondissement.objects.order_by("name"),
        to_field_name="insee_code",
        label="Arrondissement",
        label_from=lambda a: a.name,
    )
    toutes = forms.BooleanField(
        label="Inclure les communes sans QPV",
        required=False,
        widget=forms.CheckboxInput(),
    )


class EPCIFilterForm(SearchForm):
    toutes = forms.BooleanField(
        label="Inclure les EPCI sans QPV",
        required=False,
        widget=forms.CheckboxInput(),
    )
