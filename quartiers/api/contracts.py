"""/api/contrats: the contrats de ville with their QPV (and how certain each link is), their
signatories' categories and status (no names of persons), and the signing calendar."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from quartiers.api.pagination import PageParams, not_found, page_of
from quartiers.api.schemas import ContractTheme, Error
from quartiers.contracts.choices import ContractStatus
from quartiers.contracts.models import Contract
from quartiers.contracts.selectors import calendar_contracts, contract_detail

router = Router(tags=["Contrats de ville"])


class ContractItem(Schema):
    code: str
    nom: str
    generation: int
    porteur_type: str = Field(description="EPCI ou commune.")
    porteur: str = Field(description="SIREN de l'EPCI ou code INSEE de la commune porteuse.")
    statut: str = Field(
        description="preparation, signed, amended, evaluated ou ended (génération 2015, terminée)."
    )
    statut_libelle: str
    signe_le: dt.date | None
    signature_prevue_le: dt.date | None
    avenants: int
    thematiques: list[str]
    qpv: int = Field(description="Nombre de QPV couverts.")
    actions_prioritaires: int


class ContractPage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[ContractItem]


class QpvLink(Schema):
    code: str
    nom: str
    rattachement: str = Field(description="certain ou uncertain (plusieurs contrats possibles).")
    rattachement_libelle: str


class SignatoryOut(Schema):
    categorie: str
    categorie_libelle: str
    requis: bool
    statut: str = Field(description="pending (à signer), signed ou refused.")
    signe_le: dt.date | None


class ContractDetail(ContractItem):
    qpv_rattaches: list[QpvLink]
    signataires: list[SignatoryOut] = Field(description="Catégories et statut, sans nom.")


class CalendarItem(Schema):
    code: str
    nom: str
    date: dt.date = Field(description="Date prévue de signature.")
    intitule: str
    statut: str
    signe_le: dt.date | None


class ContractFilters(PageParams):
    generation: int | None = Field(None, ge=2000, le=2100, description="2015 ou 2024.")
    statut: ContractStatus | None = None
    theme: ContractTheme | None = Field(None, description="Thématique retenue par le contrat.")
    departement: str | None = Field(None, max_length=3, description="Contrats d'un QPV du dép.")
    commune: str | None = Field(None, max_length=5, description="Contrats d'un QPV de la commune.")
    epci: str | None = Field(None, max_length=9, description="Contrats d'un QPV de l'EPCI.")
    qpv: str | None = Field(None, max_length=10, description="Contrats couvrant ce QPV.")


def _base():
    return Contract.objects.select_related("carrier_epci", "carrier_commune").annotate(
        qpv_count=Count("qpv_links", distinct=True),
        priority_count=Count("actions", filter=_priority_q(), distinct=True),
    )


def _priority_q():
    from django.db.models import Q

    return Q(actions__is_priority=True)


def _item(c: Contract) -> dict:
    return {
        "code": c.code,
        "nom": c.name,
        "generation": c.generation,
        "porteur_type": c.carrier_kind,
        "porteur": c.carrier_code,
        "statut": c.status,
        "statut_libelle": c.get_status_display(),
        "signe_le": c.signed_on,
        "signature_prevue_le": c.signing_planned_on,
        "avenants": c.amendment_count,
        "thematiques": [str(t) for t in c.themes or []],
        "qpv": c.qpv_count,
        "actions_prioritaires": c.priority_count,
    }


@router.get(
    "/contrats",
    response={200: ContractPage, 422: Error},
    url_name="contract_list",
    summary="Liste des contrats de ville",
)
def contract_list(request: HttpRequest, filters: Query[ContractFilters]):
    """Les contrats de ville, filtrés par génération, statut, thématique ou territoire."""
    rows = _base()
    if filters.generation:
        rows = rows.filter(generation=filters.generation)
    if filters.statut:
        rows = rows.filter(status=filters.statut)
    if filters.departement:
        rows = rows.filter(qpvs__departement_code=filters.departement)
    if filters.commune:
        rows = rows.filter(qpvs__communes__insee_code=filters.commune)
    if filters.epci:
        rows = rows.filter(qpvs__epcis__siren=filters.epci)
    if filters.qpv:
        rows = rows.filter(qpvs__code=filters.qpv)
    rows = rows.distinct().order_by("code")
    if filters.theme:
        # JSON list membership, portable across databases: filter in Python.
        rows = [c for c in rows if str(filters.theme) in (c.themes or [])]
    return page_of(rows, params=filters, item=_item)


@router.get(
    "/contrats/calendrier",
    response=list[CalendarItem],
    url_name="contract_calendar",
    summary="Calendrier de signature des contrats",
)
def contract_calendar(request: HttpRequest):
    """Le calendrier de signature des contrats, dans l'ordre chronologique."""
    return [
        {
            "code": c.code,
            "nom": c.name,
            "date": c.signing_planned_on,
            "intitule": c.signing_label,
            "statut": c.status,
            "signe_le": c.signed_on,
        }
        for c in calendar_contracts()
    ]


@router.get(
    "/contrats/{code}",
    response={200: ContractDetail, 404: Error, 422: Error},
    url_name="contract",
    summary="Un contrat de ville",
)
def contract_get(request: HttpRequest, code: str):
    """Un contrat : ses QPV et leur rattachement, ses signataires (catégorie et statut)."""
    contract = contract_detail(code=code).first()
    if contract is None:
        raise not_found("Contrat", code)
    counted = _base().get(pk=contract.pk)
    return {
        **_item(counted),
        "qpv_rattaches": [
            {
                "code": link.qpv.code,
                "nom": link.qpv.name,
                "rattachement": link.link_status,
                "rattachement_libelle": link.get_link_status_display(),
            }
            for link in contract.qpv_links.all()
        ],
        "signataires": [
            {
                "categorie": s.category,
                "categorie_libelle": s.get_category_display(),
                "requis": s.required,
                "statut": s.status,
                "signe_le": s.signed_on,
            }
            for s in contract.signatories.all()
        ],
    }
