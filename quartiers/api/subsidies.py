"""Open grant data through the API: the SCDL « subventions » v2.1.1 CSV file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import HttpError

from quartiers.grants.opendata import OpenDataUnavailable, scdl_csv, scdl_filename

router = Router(tags=["Subventions (données ouvertes)"])


@router.get(
    "/subventions.csv",
    url_name="subsidies_csv",
    summary="Subventions de plus de 23 000 € par an, format SCDL « subventions » 2.1.1 (CSV)",
    openapi_extra={
        "responses": {
            200: {"description": "Fichier CSV (UTF-8, virgule).", "content": {"text/csv": {}}},
            404: {"description": "Fichier non publié (SIRET de l'attribuant non renseigné)."},
        }
    },
)
def subsidies_csv(request: HttpRequest) -> HttpResponse:
    """Une ligne par convention (annuelle ou pluriannuelle) dont le montant annuel dépasse
    23 000 € ; colonnes et formats du schéma SCDL « subventions » 2.1.1."""
    try:
        content = scdl_csv()
    except OpenDataUnavailable as exc:
        raise HttpError(404, str(exc)) from exc
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scdl_filename()}"'
    return response
