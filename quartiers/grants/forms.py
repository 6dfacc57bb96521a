"""Forms of the funding pages: parse and validate only (rules live in services)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from quartiers.geography.models import QPV
from quartiers.grants.choices import (
    ApplicationStatus,
    BudgetAccount,
    BudgetSide,
    DecisionKind,
    DelegateOpinion,
    DocumentKind,
    Funder,
    PaymentKind,
)
from quartiers.grants.identifiers import rna_check, siret_check
from quartiers.grants.models import Application, CallForProjects
from quartiers.grants.services.applications import CERFA_ASSOCIATION_FIELDS
from quartiers.grants.services.money import amount_parse

DATE = forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d")


class AmountField(forms.CharField):
    """Euros typed the French way (« 12 500,50 »), returned as Decimal — never a float."""

    def to_python(self, value: object) -> Decimal | None:
        value = super().to_python(value)
        if value in ("", None):
            return None
        try:
            return amount_parse(value)
        except ValueError as exc:
            raise ValidationError(f"{exc} Exemple : 12 500,00") from exc


def _dsfr(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "fr-select")
        elif isinstance(widget, forms.CheckboxInput):
            continue
        else:
            widget.attrs.setdefault("class", "fr-input")


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "call",
            "aid_form",
            "request_kind",
            "object_kind",
            "period_kind",
            "fund",
            "action_title",
            "action_description",
            "objectives",
            "target_public",
            "theme",
            "qpvs",
            "starts_on",
            "ends_on",
            *CERFA_ASSOCIATION_FIELDS,
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "action_description": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "target_public": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "starts_on": "Par défaut : 1er janvier de l'année de l'appel",
            "ends_on": "Par défaut : 31 décembre",
            "association_budget": "Total des charges du dernier exercice approuvé (CERFA, fiche 3)",
            "staff_fte": "Équivalent temps plein travaillé, par exemple 2,5",
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = CallForProjects.objects.select_related("contract")
        self.fields["call"].label = "Appel à projets"
        self.fields["qpvs"].queryset = QPV.objects.of_generation(2024).order_by("code")
        self.fields["starts_on"].required = self.fields["ends_on"].required = False
        if self.instance.pk:
            del self.fields["call"]
        _dsfr(self)


class AssociationForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=250)
    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres")
    rna_number = forms.CharField(
        label="Numéro RNA", max_length=12, required=False, help_text="W suivi de 9 chiffres"
    )
    address = forms.CharField(label="Adresse", max_length=300, required=False)
    postcode = forms.CharField(label="Code postal", max_length=5, required=False)
    city = forms.CharField(label="Commune", max_length=150, required=False)
    lon = forms.FloatField(
        label="Longitude (WGS84)",
        required=False,
        min_value=-180,
        max_value=180,
        help_text="Facultatif : sans coordonnées, l'adresse est géocodée.",
    )
    lat = forms.FloatField(label="Latitude (WGS84)", required=False, min_value=-90, max_value=90)
    email = forms.EmailField(label="Courriel", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)

    def clean_siret(self) -> str:
        return siret_check(self.cleaned_data["siret"])

    def clean_rna_number(self) -> str:
        return rna_check(self.cleaned_data["rna_number"])


class BudgetLineForm(forms.Form):
    side = forms.ChoiceField(label="Nature", choices=BudgetSide.choices)
    account = forms.ChoiceField(label="Compte", choices=BudgetAccount.choices)
    funder = forms.ChoiceField(
        label="Financeur (compte 74)", choices=[("", "—"), *Funder.choices], required=False
    )
    label = forms.CharField(label="Libellé", max_length=250)
    amount = AmountField(label="Montant (€)")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Pièce", choices=DocumentKind.choices)
    title = forms.CharField(label="Titre", max_length=200, required=False)
    file = forms.FileField(label="Fichier PDF")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)
    opinion = forms.ChoiceField(
        label="Avis", choices=[("", "—"), *DelegateOpinion.choices], required=False
    )
    committee_on = forms.DateField(label="Date du comité", required=False, widget=DATE)
    amount_granted = AmountField(label="Montant accordé (€)", required=False)
    refusal_reason = forms.CharField(
        label="Motif du refus", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    complement_request = forms.CharField(
        label="Compléments demandés (message envoyé à l'association)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attestation = forms.BooleanField(
        label="Je soussigné(e), représentant(e) légal(e) de l'association, certifie que "
        "l'association est à jour de ses obligations sociales et fiscales, exactes et "
        "sincères les informations du présent formulaire, et que la subvention, si elle est "
        "accordée, sera versée au compte bancaire de l'association.",
        required=False,
    )
    attestation_name = forms.CharField(
        label="Nom et prénom du représentant légal", required=False, max_length=150
    )
    attestation_role = forms.CharField(
        label="Qualité (président·e…)", required=False, max_length=150
    )
    note = forms.CharField(label="Commentaire", required=False, max_length=1000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label="Acte", choices=DecisionKind.choices)
    reference = forms.CharField(label="Référence", max_length=60)
    signed_on = forms.DateField(label="Signé le", widget=DATE)
    years = forms.IntegerField(label="Nombre d'années (CPO)", min_value=1, max_value=4, initial=1)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class TrancheForm(forms.Form):
    signed_on = forms.DateField(label="Confirmée le", widget=DATE)


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="Versement", choices=PaymentKind.choices)
    amount = AmountField(label="Montant (€)")
    paid_on = forms.DateField(label="Payé le", widget=DATE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class ReportForm(forms.Form):
    received_on = forms.DateField(label="Reçu le", widget=DATE)
    expenses_realised = AmountField(label="Dépenses réalisées (€)")
    comment = forms.CharField(label="Commentaire", required=False, max_length=1000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _dsfr(self)


class UploadForm(forms.Form):
    file = forms.FileField(label="Fichier CSV")
    apply = forms.BooleanField(label="Enregistrer (sinon simple vérification)", required=False)
