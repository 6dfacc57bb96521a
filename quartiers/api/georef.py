"""/api/georef/…: one point or one address → QPV; batch jobs (create, status, result)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import SessionAuth
from pydantic import Field

from quartiers.api.schemas import Error, JobOut, LookupOut, job_out, lookup_out
from quartiers.core.uploads.handler import upload_refusal
from quartiers.georef.batch import BatchInputError, BatchOptions
from quartiers.georef.batch.columns import columns_parse
from quartiers.georef.job_access import (
    can_georeference_files,
    job_for_user,
    jobs_of_user,
    result_ready,
    result_response,
    upload_too_large,
)
from quartiers.georef.jobs.services import job_create, job_retry
from quartiers.georef.loader import GeorefError
from quartiers.georef.lookup import address_locate, point_locate

router = Router(tags=["Géoréférencement"])
ERRORS = {400: Error, 404: Error, 422: Error}


class PointQuery(Schema):
    lon: float = Field(description="Longitude WGS84 (ou X Lambert-93 avec crs=EPSG:2154).")
    lat: float = Field(description="Latitude WGS84 (ou Y Lambert-93 avec crs=EPSG:2154).")
    crs: str = Field("EPSG:4326", description="EPSG:4326 (défaut) ou EPSG:2154 (Lambert-93).")
    generation: int | None = Field(None, description="Géographie prioritaire (défaut : 2024).")


class AddressQueryIn(Schema):
    q: str = Field(description="Adresse postale complète, par ex. « 2 rue Saint-Bernard Lille ».")
    generation: int | None = Field(None, description="Géographie prioritaire (défaut : 2024).")


@router.get(
    "/point",
    response={200: LookupOut, **ERRORS},
    url_name="georef_point",
    summary="Le quartier prioritaire d'un point",
)
def georef_point(request: HttpRequest, params: Query[PointQuery]):
    """Le QPV d'un point (longitude/latitude WGS84 ou X/Y Lambert-93), le statut (en QPV, hors
    QPV, incertain près d'une limite) et la distance à la limite la plus proche."""
    answer = point_locate(
        lon=params.lon, lat=params.lat, crs=params.crs, generation=params.generation
    )
    return lookup_out(answer)


@router.get(
    "/adresse",
    response={200: LookupOut, 503: Error, **ERRORS},
    url_name="georef_address",
    summary="Le quartier prioritaire d'une adresse",
)
def georef_address(request: HttpRequest, params: Query[AddressQueryIn]):
    """Géocode une adresse (service BAN/addok, avec cache) puis donne son QPV. Un score faible
    ou une adresse trouvée seulement au niveau de la rue ou de la commune rend le statut
    « incertain ». 404 : adresse introuvable ; 503 : service de géocodage indisponible."""
    return lookup_out(address_locate(q=params.q, generation=params.generation))


# --- batch jobs (session authentication + CSRF token, docs/api.md) -------------------------


class StaffSession(SessionAuth):
    """The site's session (and its CSRF token for POST); 401 without one, 403 for accounts
    that may not georeference files (associations), checked before the parameters."""

    def authenticate(self, request: HttpRequest, key: str | None):
        if request.method == "POST" and (too_large := upload_too_large(request)):
            raise HttpError(413, too_large)  # before the body is read and spooled to disk
        # The upload handler stops reading a file past this (the CSRF check reads the body).
        request.upload_max_bytes = int(settings.GEOREF_MAX_UPLOAD_BYTES)
        user = super().authenticate(request, key)
        if request.method == "POST" and (refused := upload_refusal(request)):
            raise HttpError(413, refused)
        if user is not None and not can_georeference_files(user):
            raise HttpError(
                403,
                "le géoréférencement de fichiers est réservé aux agents de la préfecture, aux "
                "délégués du préfet et aux partenaires.",
            )
        return user


session_auth = StaffSession()


def _allowed(request: HttpRequest):
    return request.auth


@router.get(
    "/jobs",
    response={200: list[JobOut], 401: Error, 403: Error},
    auth=session_auth,
    url_name="georef_jobs",
    summary="Vos traitements de fichiers",
)
def georef_jobs(request: HttpRequest):
    """Vos traitements de fichiers, du plus récent au plus ancien."""
    user = _allowed(request)
    return [job_out(job) for job in jobs_of_user(user=user)[:100]]


@router.post(
    "/jobs",
    response={201: JobOut, 401: Error, 403: Error, 413: Error, **ERRORS},
    auth=session_auth,
    url_name="georef_job_create",
    summary="Géoréférencer un fichier",
)
def georef_job_create(
    request: HttpRequest,
    fichier: File[UploadedFile],
    generation: Form[int | None] = None,
    format: Form[str] = "csv",
    colonnes: Form[str] = "",
    separateur: Form[str] = "",
    encodage: Form[str] = "",
    noms_colonnes: Form[str] = "fr",
):
    """Dépose un fichier CSV ou XLSX et lance son géoréférencement. `colonnes` force des
    colonnes (`lon=Longitude,lat=Latitude`, rôles : lon, lat, x, y, address, number, street,
    postcode, city, insee) ; sinon elles sont détectées. `format` : csv ou xlsx.
    `noms_colonnes` : `fr` (défaut : code_qpv, statut, distance_limite_qpv_m…) ou `machine`
    (qpv_code, status, distance_m…)."""
    user = _allowed(request)
    limit = int(settings.GEOREF_MAX_UPLOAD_BYTES)
    if fichier.size is not None and fichier.size > limit:
        raise HttpError(413, f"fichier trop volumineux : la limite est de {limit} octets.")
    if format not in {"csv", "xlsx"}:
        raise HttpError(400, "format de sortie inconnu : csv ou xlsx.")
    if noms_colonnes not in {"fr", "machine"}:
        raise HttpError(400, "noms_colonnes inconnu : fr ou machine.")
    try:
        options = BatchOptions(
            generation=generation,
            columns=columns_parse(text=colonnes),
            delimiter=separateur or None,
            encoding=encodage or None,
            output_format=format,
            column_names="machine" if noms_colonnes == "machine" else "fr",
        )
        job = job_create(
            owner=user, upload=fichier, original_name=fichier.name or "fichier.csv", options=options
        )
    except (BatchInputError, GeorefError) as exc:
        status = 413 if "trop volumineux" in str(exc) else 400
        raise HttpError(status, str(exc)) from exc
    return Status(201, job_out(job))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, 401: Error, 403: Error, 404: Error},
    auth=session_auth,
    url_name="georef_job",
    summary="État d'un traitement de fichier",
)
def georef_job(request: HttpRequest, job_id: uuid.UUID):
    """État et avancement d'un de vos traitements (lignes traitées, débit, temps restant)."""
    return job_out(job_for_user(user=_allowed(request), job_id=job_id))


@router.post(
    "/jobs/{job_id}/reprendre",
    response={200: JobOut, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=session_auth,
    url_name="georef_job_resume",
    summary="Reprendre un traitement en échec",
)
def georef_job_resume(request: HttpRequest, job_id: uuid.UUID):
    """Reprend un de vos traitements échoués, à partir de son dernier point de reprise ; 409
    s'il n'est pas échoué."""
    job = job_for_user(user=_allowed(request), job_id=job_id)
    if not job_retry(job=job):
        raise HttpError(
            409, f"seul un traitement échoué peut être repris (état : {job.get_status_display()})."
        )
    return job_out(job)


@router.get(
    "/jobs/{job_id}/resultat",
    response={200: None, 401: Error, 403: Error, 404: Error, 409: Error},
    auth=session_auth,
    url_name="georef_job_result",
    summary="Fichier résultat d'un traitement",
)
def georef_job_result(request: HttpRequest, job_id: uuid.UUID):
    """Le fichier résultat (colonnes d'origine + qpv_code, qpv_name, status, score,
    distance_m…) ; 409 tant que le traitement n'est pas terminé."""
    job = job_for_user(user=_allowed(request), job_id=job_id)
    if not result_ready(job):
        raise HttpError(409, f"résultat pas encore disponible (état : {job.get_status_display()}).")
    return result_response(job)
