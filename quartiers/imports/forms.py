"""The upload form of one kind of official file: its file slots, an URL instead of the file for
single-file kinds, the generation of QPV contours, forced removals."""

from __future__ import annotations

from typing import Any

from django import forms

from quartiers.imports.kinds import ImportKind

GENERATIONS = [(2024, "Géographie 2024 (codes QN…)"), (2015, "Géographie 2015 (codes QP…)")]


class ImportForm(forms.Form):
    def __init__(self, *args: Any, kind: ImportKind, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for slot in kind.slots:
            self.fields[slot.name] = forms.FileField(
                label=slot.label,
                help_text=slot.help,
                required=slot.required and not kind.accepts_url,
                widget=forms.FileInput(attrs={"class": "fr-upload", "accept": slot.accept}),
            )
        if kind.accepts_url:
            self.fields["url"] = forms.URLField(
                label="Ou l'adresse du fichier officiel",
                help_text="Une adresse https:// (data.gouv.fr, Insee, IGN…), à la place du dépôt.",
                required=False,
                assume_scheme="https",
                widget=forms.URLInput(attrs={"class": "fr-input"}),
            )
        if kind.generation_choice:
            self.fields["generation"] = forms.TypedChoiceField(
                label="Géographie prioritaire",
                choices=GENERATIONS,
                coerce=int,
                initial=2024,
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
        if kind.presets:
            self.fields["preset"] = forms.ChoiceField(
                label="Présentation du fichier",
                choices=kind.presets,
                required=False,
                widget=forms.Select(attrs={"class": "fr-select"}),
            )
        if kind.removals:
            self.fields["force_removals"] = forms.BooleanField(
                label="Forcer les suppressions",
                help_text="Sans cette case, un import qui supprimerait des lignes encore "
                "utilisées (contrats, actions, dossiers…) ou plus de 10 % d'entre elles est "
                "refusé. Avec elle, ces liens sont supprimés avec les lignes.",
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.kind.accepts_url:
            slot = self.kind.slots[0].name
            if bool(data.get(slot)) == bool(data.get("url")):
                raise forms.ValidationError(
                    "Déposez un fichier ou indiquez son adresse (l'un ou l'autre)."
                )
        elif not any(s.required for s in self.kind.slots) and not any(
            data.get(s.name) for s in self.kind.slots
        ):
            labels = ", ".join(f"« {s.label} »" for s in self.kind.slots)
            raise forms.ValidationError(f"Déposez au moins un fichier : {labels}.")
        return data

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.kind.generation_choice:
            options["generation"] = self.cleaned_data["generation"]
        if self.kind.removals:
            options["force_removals"] = self.cleaned_data["force_removals"]
        if self.kind.presets:
            options["preset"] = self.cleaned_data["preset"]
        return options

    def uploads(self) -> dict[str, Any]:
        return {
            s.name: self.cleaned_data[s.name]
            for s in self.kind.slots
            if self.cleaned_data.get(s.name)
        }

    def urls(self) -> dict[str, str]:
        url = self.cleaned_data.get("url")
        return {self.kind.slots[0].name: url} if url else {}
