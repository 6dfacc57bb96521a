"""Guard on the rows an import would remove (QPV, communes, EPCI, arrondissements).

A file with one feature once removed the 94 QPV of the Nord and, through the links' cascades,
every contract perimeter, action, application and délégué link to them. So an import that
would remove rows refuses to, naming the counts and the references, when

- a row to remove is still referenced outside the geography (a contract's perimeter, an
  action, an application, a délégué's QPV, a dispositif…), or
- it would remove more than IMPORT_MAX_REMOVAL_SHARE of the rows of its kind (of the same
  generation for QPV): a truncated or wrong file rather than a real change,

unless the caller forces the removals (``--force-removals``): the references are then deleted
with the rows, and the summary says how many.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from quartiers.shared.imports import ImportRefused, ImportSummary, codes_listed


@dataclass(frozen=True)
class Reference:
    label: str  # French: « liens contrat – QPV », « actions (QPV) »…
    count: int


def _label(model: type[models.Model], field: models.Field) -> str:
    meta = model._meta
    if meta.auto_created:  # a ManyToMany table: named after the model that declares it
        owner = next(f for f in meta.fields if f.is_relation and f.related_model is not None)
        owner_meta = owner.related_model._meta
        m2m = next((f for f in owner_meta.many_to_many if f.remote_field.through is model), None)
        return f"{owner_meta.verbose_name_plural} ({m2m.verbose_name if m2m else field.name})"
    return f"{meta.verbose_name_plural} ({field.verbose_name})"


def references_count(*, model: type[models.Model], ids: list[int]) -> list[Reference]:
    """Rows of other apps that point at the rows ``ids`` of ``model`` (ForeignKey or
    ManyToMany table), per kind of reference; empty kinds left out."""
    if not ids:
        return []
    found: dict[str, int] = {}
    seen: set[type[models.Model]] = set()
    for relation in model._meta.related_objects:
        related = relation.through if relation.many_to_many else relation.related_model
        if related in seen or related._meta.app_label == model._meta.app_label:
            continue
        seen.add(related)
        for field in related._meta.fields:
            if field.is_relation and field.related_model is model:
                count = related._default_manager.filter(**{f"{field.name}__in": ids}).count()
                if count:
                    label = _label(related, field)
                    found[label] = found.get(label, 0) + count
    return [Reference(label, count) for label, count in sorted(found.items())]


def max_removal_share() -> float:
    return float(getattr(settings, "IMPORT_MAX_REMOVAL_SHARE", 0.10))


def removals_check(
    *,
    model: type[models.Model],
    removed: list[tuple[str, int]],
    total: int,
    what: str,
    force: bool,
    summary: ImportSummary | None = None,
) -> None:
    """Refuse (ImportRefused, French) the removal of ``removed`` — (code, id) pairs — out of
    ``total`` rows of ``what`` (« QPV de la géographie 2024 »), unless ``force``: then the
    references that go with them are listed in the summary's warnings."""
    if not removed:
        return
    codes = sorted(code for code, _ in removed)
    references = references_count(model=model, ids=[pk for _, pk in removed])
    share = len(removed) / total if total else 1.0
    limit = max_removal_share()
    reasons = []
    if references:
        listed = ", ".join(f"{ref.count} {ref.label}" for ref in references)
        reasons.append(f"ils sont encore utilisés ailleurs : {listed}")
    if share > limit:
        reasons.append(
            f"ce serait {share:.0%} des {total} {what} (au-delà de {limit:.0%} : un fichier "
            "incomplet ou erroné plutôt qu'un vrai changement)".replace("%", " %")
        )
    if not reasons:
        return
    text = f"{len(removed)} {what} absents du fichier seraient supprimés ({codes_listed(codes)})"
    if force:
        if summary is not None:
            summary.warnings.append(f"Suppressions forcées : {text} ; {' ; '.join(reasons)}.")
        return
    raise ImportRefused(
        f"Import arrêté, rien n'a été écrit : {text} ; {' ; '.join(reasons)}. Vérifiez le "
        "fichier ; si ces suppressions sont voulues, relancez avec --force-removals (les liens "
        "listés seront supprimés avec eux)."
    )


def links_release(*, model: type[models.Model], ids: list[int]) -> None:
    """Before forced removals: delete the link rows (a table of two foreign keys, such as a
    contract's perimeter) that protect the rows ``ids``; a protected row that is more than a
    link (a contract carried by a commune) still stops the removal."""
    for relation in model._meta.related_objects:
        related = relation.related_model
        if relation.many_to_many or relation.on_delete is not models.PROTECT:
            continue
        foreign_keys = [f for f in related._meta.fields if f.is_relation]
        if len(foreign_keys) == 2:
            related._default_manager.filter(**{f"{relation.field.name}__in": ids}).delete()


def protected_text(exc: models.ProtectedError, codes: list[str], what: str) -> str:
    """The French refusal of a removal stopped by a PROTECT link."""
    kinds = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
    return (
        f"Import annulé, rien n'a été écrit : des {what} absents du fichier sont encore "
        f"utilisés ({', '.join(kinds)}) et ne peuvent pas être supprimés "
        f"({codes_listed(sorted(codes))})."
    )
