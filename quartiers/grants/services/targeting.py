"""QPV targeting measured: the share of an action's beneficiaries living in a QPV.

The beneficiaries' file (coordinates, or postal addresses geocoded through the cache: see
services/beneficiaries.py) is reduced to counts stored on the application, and DELETED — in a
``finally``, also when it is refused or the geocoder is unreachable. The geocoding cache
(GeocodeCache) keeps answers by normalised address only: no link to the file, the action or
the person who uploaded it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from quartiers.core.audit import AuditAction, audit_record
from quartiers.georef.geocoder import GeocoderClient
from quartiers.grants.access import owner_require
from quartiers.grants.models import Application
from quartiers.grants.services.beneficiaries import Counts, beneficiaries_count
from quartiers.grants.services.errors import GrantRefused


def beneficiaries_measure(
    *,
    application: Application,
    path: Path,
    user: Any,
    name: str = "",
    generation: int | None = None,
    client: GeocoderClient | None = None,
) -> Application:
    """Measure the share of beneficiaries in a QPV; the file at `path` is always deleted."""
    path = Path(path)
    try:
        owner_require(user, application)
    except PermissionDenied:
        path.unlink(missing_ok=True)
        raise
    name = name or path.name
    try:
        counts = beneficiaries_count(path=path, name=name, generation=generation, client=client)
    finally:
        path.unlink(missing_ok=True)
    if not counts.located:
        raise GrantRefused(
            f"{name} : aucun bénéficiaire localisé sur {counts.rows} ligne(s) (adresses non "
            "trouvées ou positions invalides) ; rien n'a été enregistré."
        )
    with transaction.atomic():
        _store(application, counts)
        application.save()
        audit_record(
            obj=application,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "targeting": {
                    "label": "ciblage QPV mesuré",
                    "before": None,
                    "after": (
                        f"{application.beneficiaries_in_qpv} / "
                        f"{application.beneficiaries_total} en QPV"
                    ),
                }
            },
            note=f"Fichier {name} analysé puis supprimé (seuls les totaux sont conservés).",
        )
    return application


def _store(application: Application, counts: Counts) -> None:
    application.beneficiaries_rows = counts.rows
    application.beneficiaries_total = counts.located
    application.beneficiaries_in_qpv = counts.in_qpv
    application.beneficiaries_out = counts.out
    application.beneficiaries_uncertain = counts.uncertain
    application.beneficiaries_invalid = counts.invalid
    application.beneficiaries_geocoded = counts.geocoded
    application.beneficiaries_not_geocoded = counts.not_geocoded
    application.beneficiaries_by_qpv = counts.by_qpv
    application.targeting_generation = counts.generation
    application.targeting_measured_at = timezone.now()
