"""The deploying préfecture, as the header, footer and legal pages show it: read from settings
(SITE_*, config/settings.py and .env.example) and the COG list of départements in DATA_DIR, never
from the database, so that the error pages can use it when nothing else works.

A SITE_* setting left empty derives from DEPARTEMENT: « Préfecture du Rhône », the logo
« Préfète / du Rhône », « La préfète du Rhône » as publication director. The Nord's address and
contact page are the defaults for the Nord only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from quartiers.shared.codes import NORD
from quartiers.shared.placenames import PlaceName, departement_place_name

# What the Nord's préfecture publishes (nord.gouv.fr), used when DEPARTEMENT is 59.
NORD_ADDRESS = "12-14 rue Jean sans Peur, 59039 Lille Cedex"
NORD_CONTACT_URL = "https://www.nord.gouv.fr"


@dataclass(frozen=True)
class SiteIdentity:
    departement_code: str
    departement: PlaceName  # « Rhône », with its article: .of → « du Rhône »
    nord: bool  # the Nord's press kit (calendar, delegates, figures) speaks of this département
    prefet: str  # « Préfet du Rhône » (or « Préfète… », SITE_PREFET_TITLE)
    prefecture: str
    logo_lines: tuple[str, ...]
    address: str
    phone: str
    contact_email: str
    contact_url: str
    publication_director: str
    host_name: str
    host_address: str
    dpo_name: str
    dpo_address: str
    dpo_email: str
    accessibility_status: str
    accessibility_audit: str
    accessibility_statement_date: str
    accessibility_plan_url: str
    retention_days: int


def departement_name(*, code: str) -> PlaceName:
    """The COG name of the département `code`; « département 69 » when DATA_DIR lacks the file."""
    found = departement_place_name(data_dir=Path(settings.DATA_DIR), code=code)
    return found or PlaceName(f"département {code}", 2)


def site_identity() -> SiteIdentity:
    code = settings.DEPARTEMENT
    place = departement_name(code=code)
    title = settings.SITE_PREFET_TITLE
    prefecture = settings.SITE_PREFECTURE_NAME or f"Préfecture {place.of}"
    nord = code == NORD
    address = settings.SITE_ADDRESS or (NORD_ADDRESS if nord else "")
    director = "La préfète" if title == "Préfète" else "Le préfet"
    return SiteIdentity(
        departement_code=code,
        departement=place,
        nord=nord,
        prefet=f"{title} {place.of}",
        prefecture=prefecture,
        logo_lines=tuple(settings.SITE_LOGO_LINES) or (title, place.of),
        address=address,
        phone=settings.SITE_PHONE,
        contact_email=settings.SITE_CONTACT_EMAIL,
        contact_url=settings.SITE_CONTACT_URL or (NORD_CONTACT_URL if nord else ""),
        publication_director=settings.SITE_PUBLICATION_DIRECTOR or f"{director} {place.of}",
        host_name=settings.SITE_HOST_NAME or prefecture,
        host_address=settings.SITE_HOST_ADDRESS or address,
        dpo_name=settings.SITE_DPO_NAME,
        dpo_address=settings.SITE_DPO_ADDRESS,
        dpo_email=settings.SITE_DPO_EMAIL,
        accessibility_status=settings.SITE_ACCESSIBILITY_STATUS,
        accessibility_audit=settings.SITE_ACCESSIBILITY_AUDIT,
        accessibility_statement_date=settings.SITE_ACCESSIBILITY_STATEMENT_DATE,
        accessibility_plan_url=settings.SITE_ACCESSIBILITY_PLAN_URL,
        retention_days=settings.GEOREF_RETENTION_DAYS,
    )
