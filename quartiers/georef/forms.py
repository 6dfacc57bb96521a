"""Forms of the georeferencing pages: one address or point, a file, its columns."""

from __future__ import annotations

from django import forms

from quartiers.geography.models import Generation
from quartiers.georef.batch.columns import ROLE_LABELS, ROLES, ColumnMapping

GENERATION_CHOICES = [(str(value), label) for value, label in Generation.choices]
FORMAT_CHOICES = [("csv", "CSV (séparateur « ; », UTF-8)"), ("xlsx", "Excel (.xlsx)")]
COLUMN_NAME_CHOICES = [
    ("fr", "En français (code_qpv, statut, remarque…)"),
    ("machine", "Noms techniques (qpv_code, status, remark…), pour un traitement automatique"),
]


class VerifyForm(forms.Form):
    """An address, or coordinates (the map click fills them); read from the query string."""

    adresse = forms.CharField(
        label="Adresse",
        required=False,
        max_length=200,
        help_text="Numéro, voie, code postal et commune, par exemple « 2 rue Saint-Bernard "
        "59000 Lille ».",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    lon = forms.CharField(label="Longitude", required=False, max_length=40)
    lat = forms.CharField(label="Latitude", required=False, max_length=40)
    generation = forms.ChoiceField(
        label="Géographie prioritaire", choices=GENERATION_CHOICES, required=False
    )


class UploadForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV ou Excel (.xlsx)",
        help_text="Une ligne par adresse ou par point : adresse complète, ou numéro/voie/code "
        "postal/commune, ou longitude/latitude, ou X/Y Lambert-93. Séparateur et encodage "
        "détectés.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    ligne_entete = forms.IntegerField(
        label="Ligne de l'en-tête",
        min_value=1,
        max_value=50,
        initial=1,
        required=False,
        help_text="Numéro de la ligne qui porte les noms de colonnes (1 si le fichier commence "
        "par elle ; plus si un titre ou des lignes de présentation la précèdent).",
    )

    def header_line(self) -> int:
        return self.cleaned_data.get("ligne_entete") or 1


class ColumnsForm(forms.Form):
    """Which column plays which role; initial values come from the detection."""

    generation = forms.ChoiceField(label="Géographie prioritaire", choices=GENERATION_CHOICES)
    output_format = forms.ChoiceField(label="Format du résultat", choices=FORMAT_CHOICES)
    column_names = forms.ChoiceField(
        label="Noms des colonnes ajoutées",
        choices=COLUMN_NAME_CHOICES,
        initial="fr",
        required=False,
    )

    def __init__(self, *args, header: list[str], mapping: ColumnMapping | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", "— non utilisée —")] + [
            (str(i + 1), f"{name or '(sans nom)'} (colonne {i + 1})")
            for i, name in enumerate(header)
        ]
        detected = mapping.columns if mapping else {}
        for role in ROLES:
            self.fields[f"col_{role}"] = forms.ChoiceField(
                label=ROLE_LABELS[role].capitalize(),
                choices=choices,
                required=False,
                initial=str(detected[role] + 1) if role in detected else "",
            )

    def role_fields(self):
        return [self[f"col_{role}"] for role in ROLES]

    def overrides(self) -> dict[str, str]:
        """role → 1-based column number, as the batch options take it."""
        return {
            role: self.cleaned_data[f"col_{role}"]
            for role in ROLES
            if self.cleaned_data.get(f"col_{role}")
        }
