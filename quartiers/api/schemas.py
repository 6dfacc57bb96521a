"""Shapes of the API's answers (they make the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ninja import Schema
from pydantic import Field

from quartiers.georef.lookup import Answer


class ContractTheme(StrEnum):
    """Thématique d'un contrat de ville ou d'une action : emploi (emploi et développement
    économique), education, sante, transition (transition écologique), cadre_de_vie (cadre de
    vie et renouvellement urbain), tranquillite (tranquillité publique et prévention de la
    délinquance), citoyennete (citoyenneté, culture, sport et participation des habitants),
    egalite_fh (égalité entre les femmes et les hommes), discriminations (lutte contre les
    discriminations). Les valeurs de quartiers.contracts.choices.Theme."""

    EMPLOYMENT = "emploi"
    EDUCATION = "education"
    HEALTH = "sante"
    ECOLOGY = "transition"
    LIVING = "cadre_de_vie"
    SECURITY = "tranquillite"
    CITIZENSHIP = "citoyennete"
    EQUALITY = "egalite_fh"
    DISCRIMINATION = "discriminations"


class ProgrammeTheme(StrEnum):
    """Thématique d'une mesure d'un programme : emploi, entrepreneuriat (développement
    économique), education, sante, transition_ecologique. Les valeurs de
    quartiers.programmes.choices.Theme."""

    EMPLOYMENT = "emploi"
    ENTREPRENEURSHIP = "entrepreneuriat"
    EDUCATION = "education"
    HEALTH = "sante"
    ECOLOGY = "transition_ecologique"


class Error(Schema):
    detail: str = Field(description="Message en français.")
    champ: str | None = Field(None, description="Paramètre en cause, quand il y en a un.")


class QpvOut(Schema):
    code: str
    nom: str
    url: str = Field(description="Page du quartier sur ce site.")


class GeocodageOut(Schema):
    libelle: str | None = Field(description="Adresse trouvée par le géocodeur.")
    score: float | None = Field(description="Score du géocodeur, de 0 à 1.")
    type: str | None = Field(description="housenumber, street, locality ou municipality.")
    code_insee: str | None = None
    code_postal: str | None = None


class LookupOut(Schema):
    lon: float = Field(description="Longitude WGS84 de la position localisée.")
    lat: float = Field(description="Latitude WGS84.")
    generation: int = Field(description="Géographie prioritaire utilisée (2015, 2024).")
    statut: str = Field(description="in (en QPV), out (hors QPV) ou uncertain (incertain).")
    statut_libelle: str
    explication: str = Field(description="Le statut expliqué en français.")
    distance_m: float = Field(description="Distance en mètres à la limite de QPV la plus proche.")
    qpv: QpvOut | None = Field(description="QPV principal contenant le point (aucun : null).")
    qpv_contenant: list[QpvOut] = Field(description="Tous les QPV contenant le point.")
    qpv_le_plus_proche: QpvOut | None = Field(description="QPV dont la limite est la plus proche.")
    motifs_incertitude: list[str]
    remarques: list[str] = Field(description="Corrections faites (coordonnées inversées…).")
    geocodage: GeocodageOut | None = Field(None, description="Pour une adresse seulement.")


class JobOut(Schema):
    id: str
    fichier: str
    statut: str = Field(description="pending, running, done, failed ou cancelled.")
    statut_libelle: str
    lignes_traitees: int
    lignes_total: int | None
    pourcentage: float
    debit_lignes_s: float | None
    secondes_restantes: int | None
    message_erreur: str
    cree_le: datetime
    termine_le: datetime | None
    synthese: dict | None = Field(description="Lignes par statut et par QPV (terminé).")
    url_etat: str
    url_resultat: str | None = Field(description="Fichier résultat, quand il est prêt.")
    url_page: str


def qpv_out(ref, generation: int) -> dict | None:
    from django.urls import reverse

    if ref is None:
        return None
    url = reverse("geography:qpv_detail", args=[ref.code]) + f"?generation={generation}"
    return {"code": ref.code, "nom": ref.name, "url": url}


def lookup_out(answer: Answer) -> dict:
    geocoded = answer.geocoded
    return {
        "lon": round(answer.lon, 7),
        "lat": round(answer.lat, 7),
        "generation": answer.generation,
        "statut": answer.status,
        "statut_libelle": answer.status_label,
        "explication": answer.explanation,
        "distance_m": answer.distance_m,
        "qpv": qpv_out(answer.qpv, answer.generation),
        "qpv_contenant": [qpv_out(ref, answer.generation) for ref in answer.containing],
        "qpv_le_plus_proche": qpv_out(answer.nearest, answer.generation),
        "motifs_incertitude": answer.reasons,
        "remarques": answer.remarks,
        "geocodage": None
        if geocoded is None
        else {
            "libelle": geocoded.label,
            "score": geocoded.score,
            "type": geocoded.type,
            "code_insee": geocoded.citycode,
            "code_postal": geocoded.postcode,
        },
    }


def job_out(job) -> dict:
    from django.urls import reverse

    progress = job.progress()
    done = job.status == "done"
    return {
        "id": str(job.id),
        "fichier": job.original_name,
        "statut": job.status,
        "statut_libelle": progress["status_label"],
        "lignes_traitees": progress["rows_done"],
        "lignes_total": progress["rows_total"],
        "pourcentage": progress["percent"],
        "debit_lignes_s": progress["rate"],
        "secondes_restantes": progress["seconds_left"],
        "message_erreur": job.error_message,
        "cree_le": job.created_at,
        "termine_le": job.finished_at,
        "synthese": job.summary if done else None,
        "url_etat": reverse("api:georef_job", args=[job.id]),
        "url_resultat": reverse("api:georef_job_result", args=[job.id]) if done else None,
        "url_page": reverse("georef:job_detail", args=[job.id]),
    }
