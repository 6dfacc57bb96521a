"""Progress entry form (préfecture staff), the dispositif list filters and the dispositif form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from quartiers.contracts.models import Contract
from quartiers.core.widgets import DateInput
from quartiers.geography.models import QPV, Commune
from quartiers.programmes.choices import DispositifKind
from quartiers.programmes.models import Dispositif, Measure, ProgressEntry


class ProgressEntryForm(forms.Form):
    on = forms.DateField(
        label="Date de la valeur",
        help_text="Date à laquelle la valeur a été constatée (pas dans le futur).",
        widget=forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d"),
    )
    value = forms.DecimalField(
        label="Valeur constatée",
        max_digits=20,
        decimal_places=4,
        localize=True,
        widget=forms.TextInput(attrs={"class": "fr-input", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label="Commentaire ou source",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "fr-input"}),
    )

    def __init__(self, *args: object, measure: Measure, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["value"].help_text = f"En {measure.unit}. Virgule décimale acceptée."

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        baseline = self.measure.baseline_date
        if baseline and on < baseline:
            raise forms.ValidationError(
                f"La date précède la situation de départ ({baseline:%d/%m/%Y})."
            )
        if ProgressEntry.objects.filter(measure=self.measure, on=on).exists():
            raise forms.ValidationError("Une valeur est déjà enregistrée à cette date.")
        return on

    def clean_value(self):
        value: Decimal = self.cleaned_data["value"]
        if value < 0:
            raise forms.ValidationError("La valeur ne peut pas être négative.")
        if self.measure.unit == "%" and value > 100:
            raise forms.ValidationError("Un pourcentage ne peut pas dépasser 100.")
        return value


_select = {"class": "fr-select"}


class DispositifFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Tous"), *DispositifKind.choices],
        widget=forms.Select(attrs=_select),
    )
    commune = forms.ModelChoiceField(
        label="Commune",
        required=False,
        queryset=Commune.objects.filter(qpvs__isnull=False).distinct().order_by("name"),
        to_field_name="insee_code",
        empty_label="Toutes",
        widget=forms.Select(attrs=_select),
    )
    qpv = forms.ModelChoiceField(
        label="QPV",
        required=False,
        queryset=QPV.objects.none(),
        to_field_name="code",
        empty_label="Tous",
        widget=forms.Select(attrs=_select),
    )

    def __init__(self, *args: object, qpvs=None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if qpvs is not None:
            self.fields["qpv"].queryset = qpvs.order_by("name")
        self.fields["qpv"].label_from_instance = lambda q: f"{q.name} ({q.code})"
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.insee_code})"

    def cleaned(self) -> dict[str, object]:
        """Valid filters only; an unknown code is ignored and shown in error."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class DispositifForm(forms.ModelForm):
    """A dispositif on the ground, typed in by the préfecture (instead of /admin/)."""

    class Meta:
        model = Dispositif
        fields = ["kind", "name", "commune", "qpvs", "contracts", "start_date", "end_date"]
        widgets = {
            "kind": forms.Select(attrs=_select),
            "name": forms.TextInput(attrs={"class": "fr-input"}),
            "commune": forms.Select(attrs=_select),
            "qpvs": forms.CheckboxSelectMultiple,
            "contracts": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "end_date": DateInput(),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (
            Commune.objects.filter(qpvs__isnull=False).distinct().order_by("name")
        )
        self.fields["commune"].label_from_instance = lambda c: f"{c.name} ({c.insee_code})"
        self.fields["qpvs"].queryset = QPV.objects.of_generation(2024).order_by("code")
        self.fields["qpvs"].label_from_instance = lambda q: f"{q.code} — {q.name}"
        self.fields["contracts"].queryset = Contract.objects.filter(generation=2024).order_by(
            "code"
        )
        self.fields["contracts"].label_from_instance = lambda c: f"{c.code} — {c.name}"

    def clean(self) -> dict[str, object]:
        data = super().clean()
        commune, qpvs = data.get("commune"), data.get("qpvs") or []
        elsewhere = [q.code for q in qpvs if commune and commune.insee_code not in q.commune_codes]
        if elsewhere:
            self.add_error(
                "qpvs",
                f"QPV hors de la commune {commune.name} : {', '.join(elsewhere)}.",
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin précède le début.")
        return data
