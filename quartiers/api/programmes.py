"""/api/programmes, /api/mesures, /api/dispositifs: the programmes' measures with baseline,
target, deadline, latest value and status (read-only, public), and one write: a value
observed on a measure (préfecture staff, session + CSRF, audited by the programmes service)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import SessionAuth
from pydantic import Field

from quartiers.api.pagination import PageParams, not_found, page_of
from quartiers.api.schemas import Error, ProgrammeTheme
from quartiers.core.access import Perm, user_can
from quartiers.programmes.choices import DispositifKind
from quartiers.programmes.forms import ProgressEntryForm
from quartiers.programmes.models import Dispositif, Measure, Programme
from quartiers.programmes.selectors import MeasureRow, measure_row
from quartiers.programmes.services import progress_entry_add
from quartiers.programmes.status import Status as MeasureStatus

router = Router(tags=["Programmes et objectifs"])


class ProgrammeItem(Schema):
    code: str
    nom: str
    description: str
    porteur: str
    annee_debut: int | None
    annee_fin: int | None
    source: str
    mesures: int


class Observation(Schema):
    date: dt.date
    valeur: float


class MeasureItem(Schema):
    code: str
    libelle: str
    programme: str
    theme: str
    unite: str
    sens: str = Field(description="increase (à la hausse) ou decrease (à la baisse).")
    depart: Observation | None = Field(description="Situation de départ.")
    cible: float | None = Field(description="Valeur cible (dans l'unité de la mesure).")
    echeance: dt.date | None
    derniere_valeur: Observation | None
    statut: str = Field(description="reached, on_track, at_risk, late ou no_data.")
    statut_libelle: str
    statut_motif: str
    perimetre: str = Field(description="contract, departement ou national.")
    contrat: str | None
    departement: str | None
    source: str


class MeasurePage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[MeasureItem]


class MeasureDetail(MeasureItem):
    valeurs: list[Observation] = Field(description="Valeurs constatées, par date.")


class DispositifItem(Schema):
    type: str
    type_libelle: str
    nom: str
    commune: str = Field(description="Code INSEE.")
    qpv: list[str]
    contrats: list[str]
    debut: dt.date | None
    fin: dt.date | None


class DispositifPage(Schema):
    total: int
    page: int
    pages: int
    resultats: list[DispositifItem]


class MeasureFilters(PageParams):
    programme: str | None = Field(None, max_length=60, description="Code du programme.")
    theme: ProgrammeTheme | None = None
    contrat: str | None = Field(None, max_length=10, description="Code du contrat de ville.")
    statut: MeasureStatus | None = None


class DispositifFilters(PageParams):
    type: DispositifKind | None = None
    commune: str | None = Field(None, max_length=5, description="Code INSEE.")
    qpv: str | None = Field(None, max_length=10, description="Code QPV.")
    contrat: str | None = Field(None, max_length=10, description="Code du contrat de ville.")


class ProgressIn(Schema):
    date: dt.date = Field(description="Date de la valeur constatée (pas dans le futur).")
    valeur: Decimal = Field(ge=0, max_digits=20, decimal_places=4, description="Valeur ≥ 0.")
    note: str = Field("", max_length=500, description="Commentaire ou source.")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _point(point) -> dict | None:
    return None if point is None else {"date": point.on, "valeur": float(point.value)}


def _measure(row: MeasureRow) -> dict:
    m = row.measure
    baseline = None
    if m.baseline_value is not None and m.baseline_date is not None:
        baseline = {"date": m.baseline_date, "valeur": float(m.baseline_value)}
    return {
        "code": m.code,
        "libelle": m.label,
        "programme": m.programme.code,
        "theme": m.theme,
        "unite": m.unit,
        "sens": m.direction,
        "depart": baseline,
        "cible": _number(row.target),
        "echeance": m.deadline,
        "derniere_valeur": _point(row.latest),
        "statut": str(row.result.status),
        "statut_libelle": row.result.label,
        "statut_motif": row.result.reason,
        "perimetre": m.scope,
        "contrat": m.contract.code if m.contract_id else None,
        "departement": m.departement.insee_code if m.departement_id else None,
        "source": m.source,
    }


def _measures():
    return Measure.objects.select_related("programme", "contract", "departement").prefetch_related(
        "entries"
    )


@router.get(
    "/programmes",
    response={200: list[ProgrammeItem]},
    url_name="programme_list",
    summary="Liste des programmes",
)
def programme_list(request: HttpRequest):
    """Les programmes (Quartiers 2030, engagements de l'État…) et leur nombre de mesures."""
    return [
        {
            "code": p.code,
            "nom": p.name,
            "description": p.description,
            "porteur": p.responsible_body,
            "annee_debut": p.start_year,
            "annee_fin": p.end_year,
            "source": p.source,
            "mesures": p.measures.count(),
        }
        for p in Programme.objects.order_by("order", "code")
    ]


@router.get(
    "/mesures",
    response={200: MeasurePage, 422: Error},
    url_name="measure_list",
    summary="Liste des mesures et objectifs",
)
def measure_list(request: HttpRequest, filters: Query[MeasureFilters]):
    """Les mesures : situation de départ, cible, échéance, dernière valeur et statut."""
    rows = _measures()
    if filters.programme:
        rows = rows.filter(programme__code=filters.programme)
    if filters.theme:
        rows = rows.filter(theme=filters.theme)
    if filters.contrat:
        rows = rows.filter(contract__code=filters.contrat)
    today = timezone.localdate()
    measured = [measure_row(measure=m, today=today) for m in rows]
    if filters.statut:
        measured = [r for r in measured if r.result.status == filters.statut]
    return page_of(measured, params=filters, item=_measure)


def _measure_or_404(code: str) -> Measure:
    found = _measures().filter(code=code).first()
    if found is None:
        raise not_found("Mesure", code, feminine=True)
    return found


@router.get(
    "/mesures/{code}",
    response={200: MeasureDetail, 404: Error, 422: Error},
    url_name="measure",
    summary="Une mesure et ses valeurs constatées",
)
def measure_detail(request: HttpRequest, code: str):
    """Une mesure et toutes ses valeurs constatées."""
    row = measure_row(measure=_measure_or_404(code), today=timezone.localdate())
    return {**_measure(row), "valeurs": [_point(p) for p in row.observations]}


class MeasureEditors(SessionAuth):
    """The site's session (and CSRF token); 401 without it, 403 unless
    quartiers.core.access grants Perm.EDIT on the measure (préfecture staff), checked
    before the body so that a refused account learns nothing from validation errors."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        if user is None:
            return None
        code = (request.resolver_match.kwargs if request.resolver_match else {}).get("code")
        measure = Measure.objects.filter(code=code).first() if code else None
        if not user_can(user, Perm.EDIT, measure or Measure()):
            raise HttpError(403, "la saisie des valeurs est réservée à la préfecture.")
        return user


@router.post(
    "/mesures/{code}/valeurs",
    response={201: MeasureDetail, 400: Error, 401: Error, 403: Error, 404: Error, 422: Error},
    auth=MeasureEditors(),
    url_name="measure_progress_create",
    summary="Enregistrer une valeur constatée",
)
def measure_progress_create(request: HttpRequest, code: str, body: ProgressIn):
    """Enregistre une valeur constatée (JSON `{"date", "valeur", "note"}`) ; réservé aux
    agents et administrateurs de la préfecture ; tracé dans le journal d'audit."""
    measure = _measure_or_404(code)
    form = ProgressEntryForm(
        {"on": body.date.isoformat(), "value": str(body.valeur), "note": body.note},
        measure=measure,
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        champ = {"on": "date", "value": "valeur", "note": "note"}.get(field, field)
        raise HttpError(400, f"{champ} : {errors[0]}")
    progress_entry_add(measure=measure, user=request.auth, **form.cleaned_data)
    row = measure_row(measure=_measure_or_404(code), today=timezone.localdate())
    return Status(201, {**_measure(row), "valeurs": [_point(p) for p in row.observations]})


def _dispositif(d: Dispositif) -> dict:
    return {
        "type": d.kind,
        "type_libelle": d.get_kind_display(),
        "nom": d.name,
        "commune": d.commune.insee_code,
        "qpv": sorted({q.code for q in d.qpvs.all()}),
        "contrats": sorted({c.code for c in d.contracts.all()}),
        "debut": d.start_date,
        "fin": d.end_date,
    }


@router.get(
    "/dispositifs",
    response={200: DispositifPage, 422: Error},
    url_name="dispositif_list",
    summary="Liste des dispositifs",
)
def dispositif_list(request: HttpRequest, filters: Query[DispositifFilters]):
    """Les dispositifs (PRE, cités éducatives, santé…) par commune, QPV et contrat."""
    rows = Dispositif.objects.select_related("commune").prefetch_related("qpvs", "contracts")
    if filters.type:
        rows = rows.filter(kind=filters.type)
    if filters.commune:
        rows = rows.filter(commune__insee_code=filters.commune)
    if filters.qpv:
        rows = rows.filter(qpvs__code=filters.qpv)
    if filters.contrat:
        rows = rows.filter(contracts__code=filters.contrat)
    return page_of(
        rows.distinct().order_by("kind", "commune__name", "name", "pk"),
        params=filters,
        item=_dispositif,
    )
