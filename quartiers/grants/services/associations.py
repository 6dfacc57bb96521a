"""Associations: creation with checked identifiers, location in or out of a QPV."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.core.audit import AuditAction, audit_record
from quartiers.geography.models import QPV
from quartiers.georef.engine import STATUS_IN, STATUS_INVALID, STATUS_UNCERTAIN
from quartiers.georef.loader import points_locate
from quartiers.grants.choices import QpvLocation
from quartiers.grants.identifiers import rna_check, siren_check, siren_of, siret_check
from quartiers.grants.models import Association, AssociationMembership
from quartiers.grants.services.errors import GrantRefused


def association_identifiers_check(*, siret: str, rna_number: str = "", siren: str = "") -> dict:
    """Cleaned identifiers, or GrantRefused naming the faulty one."""
    try:
        clean_siret = siret_check(siret)
        clean_rna = rna_check(rna_number)
        derived = siren_of(clean_siret)
        if siren and siren_check(siren) != derived:
            raise ValidationError(
                f"Le SIREN {siren} ne correspond pas au SIRET {clean_siret} "
                f"(ses 9 premiers chiffres : {derived})."
            )
    except ValidationError as exc:
        raise GrantRefused(" ".join(exc.messages)) from exc
    return {"siret": clean_siret, "siren": derived, "rna_number": clean_rna}


def address_coordinates(*, association: Association) -> tuple[float, float] | None:
    """HOOK for the geocoder (quartiers.georef.geocoder, GEOCODER helper): turn the postal
    address into lon/lat. Until it lands, only coordinates typed in are used (returns None)."""
    return None


def association_locate(*, association: Association, generation: int | None = None) -> Association:
    """Set the QPV location of the association's address from its lon/lat (georef engine)."""
    if association.lon is None or association.lat is None:
        coordinates = address_coordinates(association=association)
        if coordinates is None:
            association.qpv_location, association.qpv = QpvLocation.UNKNOWN, None
            association.qpv_generation = association.qpv_distance_m = None
            return association
        association.lon, association.lat = coordinates
    result = points_locate(
        lon=np.array([association.lon]), lat=np.array([association.lat]), generation=generation
    )
    status = int(result.status[0])
    code = result.primary_codes()[0]
    association.qpv_generation = result.generation
    association.qpv = (
        QPV.objects.filter(code=code, generation=result.generation).first() if code else None
    )
    distance = float(result.distance_m[0])
    association.qpv_distance_m = None if np.isnan(distance) else round(distance, 1)
    if status == STATUS_INVALID:
        association.qpv_location = QpvLocation.UNKNOWN
    elif status == STATUS_UNCERTAIN:
        association.qpv_location = QpvLocation.UNCERTAIN
    elif status == STATUS_IN:
        association.qpv_location = QpvLocation.IN
    else:
        association.qpv_location = QpvLocation.OUT
    return association


ASSOCIATION_FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "commune",
    "lon",
    "lat",
    "email",
    "phone",
    "is_demo",
)


def association_create(*, values: dict[str, Any], user: Any) -> Association:
    ids = association_identifiers_check(
        siret=values["siret"],
        rna_number=values.get("rna_number", ""),
        siren=values.get("siren", ""),
    )
    if Association.objects.filter(siret=ids["siret"]).exists():
        raise GrantRefused(f"Une association de SIRET {ids['siret']} est déjà enregistrée.")
    association = Association(**ids, **{k: values[k] for k in ASSOCIATION_FIELDS if k in values})
    association_locate(association=association)
    with transaction.atomic():
        association.save()
        audit_record(obj=association, user=user, action=AuditAction.CREATE)
    return association


def association_account_link(*, user: Any, association: Association) -> AssociationMembership:
    """Attach an association account (role « association ») to its one association."""
    membership, _ = AssociationMembership.objects.update_or_create(
        user=user, defaults={"association": association}
    )
    return membership
