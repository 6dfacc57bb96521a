"""Forms of the organisation pages (DSFR classes, French labels)."""

from __future__ import annotations

from django import forms

from quartiers.contracts.choices import Theme
from quartiers.contracts.models import Contract
from quartiers.core.widgets import INPUT_ATTRS, SELECT_ATTRS, DateInput
from quartiers.organisation.choices import CommitmentStatus
from quartiers.organisation.models import Commitment, Organisation

_INPUT = INPUT_ATTRS
_SELECT = SELECT_ATTRS


class CommitmentFilterForm(forms.Form):
    contrat = forms.ModelChoiceField(
        label="Contrat",
        required=False,
        to_field_name="code",
        empty_label="Tous",
        queryset=Contract.objects.filter(generation=2024).order_by("code"),
        widget=forms.Select(attrs=_SELECT),
    )
    membre = forms.ModelChoiceField(
        label="Membre",
        required=False,
        to_field_name="code",
        empty_label="Tous",
        queryset=Organisation.objects.filter(concerto_member=True),
        widget=forms.Select(attrs=_SELECT),
    )
    thematique = forms.ChoiceField(
        label="Thématique",
        required=False,
        choices=[("", "Toutes"), *Theme.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous"), *CommitmentStatus.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    avancement_min = forms.IntegerField(
        label="Avancement minimal (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={**_INPUT, "min": "0", "max": "100"}),
    )
    avancement_max = forms.IntegerField(
        label="Avancement maximal (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={**_INPUT, "min": "0", "max": "100"}),
    )
    echeance_depassee = forms.BooleanField(label="Échéance dépassée seulement", required=False)


class CommitmentForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Commitment
        fields = [
            "organisation",
            "contract",
            "theme",
            "title",
            "target",
            "deadline",
            "indicator",
            "status",
            "progress",
        ]
        widgets = {
            "organisation": forms.Select(attrs=_SELECT),
            "contract": forms.Select(attrs=_SELECT),
            "theme": forms.Select(attrs=_SELECT),
            "title": forms.TextInput(attrs=_INPUT),
            "target": forms.TextInput(attrs=_INPUT),
            "deadline": DateInput(),
            "indicator": forms.TextInput(attrs=_INPUT),
            "status": forms.Select(attrs=_SELECT),
            "progress": forms.NumberInput(attrs={**_INPUT, "min": "0", "max": "100"}),
        }

    def __init__(self, *args, organisations=None, contracts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts or Contract.objects.filter(generation=2024)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["progress"].error_messages["max_value"] = "L’avancement est de 100 %% au plus."

    def service_values(self) -> dict[str, object]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class DelegateForm(forms.Form):
    """A délégué du préfet, their account and what they are assigned (préfecture only)."""

    name = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput(attrs=_INPUT))
    email = forms.EmailField(
        label="Courriel", required=False, widget=forms.EmailInput(attrs=_INPUT)
    )
    account = forms.ModelChoiceField(
        label="Compte de connexion",
        required=False,
        empty_label="Aucun",
        queryset=None,
        widget=forms.Select(attrs=_SELECT),
        help_text="Un compte au rôle « délégué du préfet »",
    )
    contracts = forms.ModelMultipleChoiceField(
        label="Contrats suivis (tous leurs QPV)",
        required=False,
        queryset=Contract.objects.filter(generation=2024).order_by("code"),
        widget=forms.CheckboxSelectMultiple,
    )
    qpvs = forms.ModelMultipleChoiceField(
        label="QPV suivis (en plus de ceux des contrats)",
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from quartiers.core.models import Role, User
        from quartiers.geography.models import QPV

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = User.objects.filter(
            role=Role.DELEGATE, is_active=True
        ).order_by("username")
        self.fields["qpvs"].queryset = QPV.objects.of_generation(2024).order_by("code")
        self.fields["contracts"].label_from_instance = lambda c: f"{c.code} — {c.name}"
        self.fields["qpvs"].label_from_instance = lambda q: f"{q.code} — {q.name}"
