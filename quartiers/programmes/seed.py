"""`seed_programmes_demo()`: the press kit's programmes and measures, re-runnable.

Rows are found by their `code`. An existing row gets the press kit's values back, except that
an empty press-kit value never erases a value entered since (a baseline typed by an agent
survives a new seed). Progress entries and dispositifs are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from quartiers.geography.models import Departement
from quartiers.indicators.selectors import departement_code
from quartiers.programmes.choices import Scope
from quartiers.programmes.models import Measure, Programme
from quartiers.programmes.seed_data import MEASURES, PRESS_KIT, PROGRAMMES
from quartiers.shared.imports import ImportRefused


@dataclass
class SeedSummary:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0  # never: the seed only adds and updates (same shape as ImportSummary)
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"Programmes et mesures du dossier de presse — ajoutés : {self.added}, "
            f"modifiés : {self.changed}, inchangés : {self.unchanged}"
        )


def _upsert(model: type, *, code: str, values: dict[str, object], summary: SeedSummary):
    obj = model.objects.filter(code=code).first()
    if obj is None:
        summary.added += 1
        return model.objects.create(code=code, **values)
    changed = [
        name
        for name, value in values.items()
        if value not in (None, "") and getattr(obj, name) != value
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
        summary.changed += 1
    else:
        summary.unchanged += 1
    return obj


@transaction.atomic
def seed_programmes_demo() -> SeedSummary:
    """Programmes and measures of the press kit (call after the geography import)."""
    departement = Departement.objects.filter(insee_code=departement_code()).first()
    if departement is None:
        raise ImportRefused(
            f"Département {departement_code()} absent : importez d'abord la géographie "
            "(manage.py demo_setup)."
        )
    summary = SeedSummary()
    programmes: dict[str, Programme] = {}
    for order, spec in enumerate(PROGRAMMES):
        values = {k: v for k, v in spec.items() if k != "code"}
        values.setdefault("source", PRESS_KIT)
        values["order"] = order
        programmes[str(spec["code"])] = _upsert(
            Programme, code=str(spec["code"]), values=values, summary=summary
        )
    for order, spec in enumerate(MEASURES):
        values = {k: v for k, v in spec.items() if k not in {"code", "programme"}}
        values["programme"] = programmes[str(spec["programme"])]
        values.setdefault("source", PRESS_KIT)
        values["order"] = order
        if values["scope"] == Scope.DEPARTEMENT:
            values["departement"] = departement
        _upsert(Measure, code=str(spec["code"]), values=values, summary=summary)
    return summary
