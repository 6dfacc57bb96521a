"""Associations: creation with checked identifiers, located in or out of a QPV on the way
(services/location.py: the address geocoded, then the georef engine)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record
from quartiers.grants.identifiers import rna_check, siren_check, siren_of, siret_check
from quartiers.grants.models import Association, AssociationMembership
from quartiers.grants.services.errors import GrantRefused
from quartiers.grants.services.location import association_locate


def association_identifiers_check(
    *, siret: str, rna_number: str = "", siren: str = ""
) -> dict[str, str]:
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
    access_require(user, Perm.EDIT, Association)  # the préfecture registers associations
    ids = association_identifiers_check(
        siret=values["siret"],
        rna_number=values.get("rna_number", ""),
        siren=values.get("siren", ""),
    )
    if Association.objects.filter(siret=ids["siret"]).exists():
        raise GrantRefused(f"Une association de SIRET {ids['siret']} est déjà enregistrée.")
    association = Association(**ids, **{k: values[k] for k in ASSOCIATION_FIELDS if k in values})
    # Outside the transaction (an HTTP call); it never raises: an unreachable geocoder leaves
    # the association « non localisée » with a notice, to be located again later.
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
