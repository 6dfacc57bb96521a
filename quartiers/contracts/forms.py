"""Forms of the contracts pages (DSFR classes set here, French labels and errors)."""

from __future__ import annotations

from django import forms

from quartiers.contracts.choices import (
    ContractStatus,
    SignatoryCategory,
    SignatoryStatus,
    Theme,
)
from quartiers.contracts.models import Action, Contract, Milestone
from quartiers.contracts.services.documents import document_max_bytes
from quartiers.contracts.services.milestones import MilestoneValues
from quartiers.core.widgets import INPUT_ATTRS, SELECT_ATTRS, DateInput
from quartiers.geography.models import QPV

_INPUT = INPUT_ATTRS
_SELECT = SELECT_ATTRS


class ActionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "title",
            "objective",
            "theme",
            "qpvs",
            "is_priority",
            "lead_name",
            "lead_organisation",
            "lead_email",
            "lead_partner",
            "budget",
            "status",
            "progress",
        ]
        widgets = {
            "title": forms.TextInput(attrs=_INPUT),
            "objective": forms.Textarea(attrs={**_INPUT, "rows": 4}),
            "theme": forms.Select(attrs=_SELECT),
            "qpvs": forms.CheckboxSelectMultiple,
            "lead_name": forms.TextInput(attrs=_INPUT),
            "lead_organisation": forms.TextInput(attrs=_INPUT),
            "lead_email": forms.EmailInput(attrs=_INPUT),
            "lead_partner": forms.Select(attrs=_SELECT),
            "budget": forms.NumberInput(attrs={**_INPUT, "step": "0.01", "min": "0"}),
            "status": forms.Select(attrs=_SELECT),
            "progress": forms.NumberInput(attrs={**_INPUT, "min": "0", "max": "100"}),
        }
        help_texts = {
            "is_priority": "Au plus 3 actions prioritaires par contrat (suivi renforcé) ; une "
            "action prioritaire nomme son chef de projet.",
            "budget": "En euros, par exemple 12500.50",
            "lead_partner": "Les comptes de cet organisme pourront mettre à jour l’action s’il "
            "signe le contrat.",
        }

    def __init__(self, *args, contract: Contract, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["qpvs"].queryset = QPV.objects.filter(contract_links__contract=contract)
        self.fields["qpvs"].label_from_instance = lambda q: f"{q.name} ({q.code})"
        self.fields["qpvs"].required = False
        self.fields["progress"].error_messages["max_value"] = "L’avancement est de 100 %% au plus."

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("is_priority") and not (data.get("lead_name") or "").strip():
            self.add_error("lead_name", "Une action prioritaire doit nommer son chef de projet.")
        return data

    def service_values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["qpvs"] = list(data.get("qpvs") or [])
        return data


class MilestoneForm(forms.Form):
    label = forms.CharField(label="Jalon", max_length=250, widget=forms.TextInput(attrs=_INPUT))
    due_on = forms.DateField(label="Échéance", widget=DateInput())


class MilestoneEditForm(forms.Form):
    """« Modifier le jalon »; the hidden `loaded_*` fields carry the values the form was
    loaded with (optimistic concurrency, see quartiers/contracts/services/milestones.py)."""

    label = forms.CharField(
        label="Intitulé du jalon",
        max_length=250,
        widget=forms.TextInput(attrs=_INPUT),
        error_messages={
            "required": "L’intitulé du jalon est obligatoire.",
            "max_length": "L’intitulé du jalon compte 250 caractères au plus.",
        },
    )
    due_on = forms.DateField(
        label="Échéance",
        widget=DateInput(),
        error_messages={
            "required": "L’échéance est obligatoire.",
            "invalid": "Échéance invalide : saisissez une date.",
        },
    )
    done_on = forms.DateField(
        label="Réalisé le",
        required=False,
        widget=DateInput(),
        help_text="Laissez vide si le jalon n’est pas réalisé (retire une date saisie par erreur).",
        error_messages={"invalid": "Date de réalisation invalide : saisissez une date."},
    )
    loaded_label = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    loaded_due_on = forms.DateField(widget=forms.HiddenInput, required=False)
    loaded_done_on = forms.DateField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(milestone: Milestone) -> dict[str, object]:
        values = {
            "label": milestone.label,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
        }
        return {**values, **{f"loaded_{name}": value for name, value in values.items()}}

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not self.errors and data.get("loaded_due_on") is None:
            raise forms.ValidationError(
                "Formulaire incomplet : rechargez la page du jalon puis recommencez."
            )
        return data

    def values(self) -> MilestoneValues:
        data = self.cleaned_data
        return MilestoneValues(label=data["label"], due_on=data["due_on"], done_on=data["done_on"])

    def loaded(self) -> MilestoneValues:
        data = self.cleaned_data
        return MilestoneValues(
            label=data["loaded_label"],
            due_on=data["loaded_due_on"],
            done_on=data["loaded_done_on"],
        )


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="Réalisé le", required=False, widget=DateInput())


class NoteForm(forms.Form):
    written_on = forms.DateField(label="Date", widget=DateInput())
    text = forms.CharField(
        label="Note de suivi", widget=forms.Textarea(attrs={**_INPUT, "rows": 3})
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Nouveau statut", choices=ContractStatus.choices, widget=forms.Select(attrs=_SELECT)
    )
    on = forms.DateField(label="Date d'effet", widget=DateInput())
    note = forms.CharField(
        label="Commentaire", required=False, max_length=300, widget=forms.TextInput(attrs=_INPUT)
    )


class SignatoryStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Statut", choices=SignatoryStatus.choices, widget=forms.Select(attrs=_SELECT)
    )
    signed_on = forms.DateField(label="Date de signature", required=False, widget=DateInput())


class ThemesForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label="Thématiques du contrat",
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SignatoryAddForm(forms.Form):
    category = forms.ChoiceField(
        label="Catégorie", choices=SignatoryCategory.choices, widget=forms.Select(attrs=_SELECT)
    )
    name = forms.CharField(label="Signataire", max_length=200, widget=forms.TextInput(attrs=_INPUT))
    required = forms.BooleanField(label="Signature requise", required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Titre", max_length=200, required=False, widget=forms.TextInput(attrs=_INPUT)
    )
    file = forms.FileField(
        label="Document PDF",
        help_text=f"PDF uniquement, {document_max_bytes() // (1024 * 1024)} Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload", "accept": "application/pdf"}),
    )


class FollowUpFilterForm(forms.Form):
    contract = forms.ModelChoiceField(
        label="Contrat",
        required=False,
        to_field_name="code",
        empty_label="Tous",
        queryset=Contract.objects.filter(generation=2024).order_by("code"),
        widget=forms.Select(attrs=_SELECT),
    )
    theme = forms.ChoiceField(
        label="Thématique",
        required=False,
        choices=[("", "Toutes"), *Theme.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    lead = forms.CharField(
        label="Chef de projet ou organisme",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**_INPUT, "type": "search"}),
    )
    delegue = forms.ModelChoiceField(
        label="Délégué du préfet",
        required=False,
        empty_label="Tous",
        # The délégués' model, reached through its link to contracts: contracts sit below
        # organisation in the layers (docs/architecture.md) and do not import it.
        queryset=Contract._meta.get_field("delegates").related_model.objects.order_by("name"),
        widget=forms.Select(attrs=_SELECT),
    )
    toutes = forms.BooleanField(
        label="Inclure les actions ordinaires (non prioritaires)",
        required=False,
        widget=forms.CheckboxInput,
    )
