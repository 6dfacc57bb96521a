"""Where an association's seat is: its address geocoded (BAN protocol, through the cache),
then located in or out of a QPV by the georef engine, with the reasons of any doubt.

Saving an association never waits on the geocoder for long and never fails because of it:
when the service is unreachable the association is kept « non localisée » with a French
notice, and is located again later (button on its page, `manage.py grants_locate_associations`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record
from quartiers.geography.models import QPV
from quartiers.georef.engine import (
    IMPRECISE_MATCH_TYPES,
    STATUS_IN,
    STATUS_INVALID,
    STATUS_UNCERTAIN,
    status_with_geocoding,
)
from quartiers.georef.geocoder import (
    AddressQuery,
    GeocoderClient,
    GeocoderConfig,
    GeocoderError,
    GeocodeResult,
    addresses_geocode,
)
from quartiers.georef.loader import points_locate
from quartiers.georef.lookup import decimal_text, metres_text
from quartiers.grants.choices import LocationSource, QpvLocation
from quartiers.grants.models import Association

GEOCODER_UNAVAILABLE = "localisation impossible pour le moment (service de géocodage indisponible)"
ADDRESS_NOT_FOUND = (
    "adresse introuvable par le service de géocodage : vérifiez le numéro, la voie, le code "
    "postal et la commune"
)
NO_ADDRESS = "adresse non renseignée"
INVALID_POSITION = "position invalide"
# A person waits for the save: few attempts, short timeouts (a later re-location retries).
INTERACTIVE = {"max_attempts": 2, "timeout_s": 5.0}
MATCH_LEVELS = {"street": "de la rue", "municipality": "de la commune", "locality": "du lieu-dit"}
MATCH_TYPES = {
    "housenumber": "numéro trouvé",
    "street": "rue trouvée",
    "locality": "lieu-dit trouvé",
    "municipality": "commune trouvée",
}


def address_coordinates(
    *, association: Association, client: GeocoderClient | None = None
) -> GeocodeResult | None:
    """The geocoder's best match for the association's postal address (cached: an address is
    never asked twice). None without an address; a result with ``found`` False when the service
    does not know it. Raises GeocoderError (French) when the service cannot be reached."""
    line = association.address_line
    if not line:
        return None
    own = client is None
    if client is None:
        client = GeocoderClient(GeocoderConfig.from_settings(**INTERACTIVE))
    try:
        pages = addresses_geocode(queries=[AddressQuery(line)], client=client, mode="single")
        return next(iter(pages))[0]
    finally:
        if own:
            client.close()


def association_locate(
    *,
    association: Association,
    generation: int | None = None,
    client: GeocoderClient | None = None,
) -> Association:
    """Set where the seat is (not saved). Coordinates typed in are used as they are; otherwise
    the address is geocoded. A geocoder failure leaves the association « non localisée » with
    a notice (or keeps its previous geocoded position), it never raises."""
    association.located_at = timezone.now()
    association.location_notice = ""
    typed = (
        association.lon is not None
        and association.lat is not None
        and association.location_source != LocationSource.GEOCODED
    )
    if typed:
        association.location_source = LocationSource.MANUAL
        association.geocoded_label, association.geocode_score, association.geocode_type = (
            "",
            None,
            "",
        )
        return _position_locate(association, generation=generation, geocoded=None)
    try:
        geocoded = address_coordinates(association=association, client=client)
    except GeocoderError:
        if association.location_source == LocationSource.GEOCODED and association.lon is not None:
            association.location_notice = (
                f"{GEOCODER_UNAVAILABLE} : la localisation précédente est conservée"
            )
            return association
        return _unlocated(association, GEOCODER_UNAVAILABLE)
    if geocoded is None:
        return _unlocated(association, NO_ADDRESS)
    if not geocoded.found:
        return _unlocated(association, ADDRESS_NOT_FOUND)
    association.lon, association.lat = geocoded.lon, geocoded.lat
    association.location_source = LocationSource.GEOCODED
    association.geocoded_label = (geocoded.label or "")[:300]
    association.geocode_score = geocoded.score
    association.geocode_type = (geocoded.type or "")[:20]
    return _position_locate(association, generation=generation, geocoded=geocoded)


def _unlocated(association: Association, notice: str) -> Association:
    association.lon = association.lat = None
    association.location_source = ""
    association.geocoded_label, association.geocode_score, association.geocode_type = "", None, ""
    association.qpv_location, association.qpv = QpvLocation.UNKNOWN, None
    association.qpv_generation = association.qpv_distance_m = None
    association.qpv_codes, association.qpv_nearest_code = [], ""
    association.location_reasons = []
    association.location_notice = notice
    return association


def _position_locate(
    association: Association, *, generation: int | None, geocoded: GeocodeResult | None
) -> Association:
    result = points_locate(
        lon=[cast(float, association.lon)],
        lat=[cast(float, association.lat)],
        generation=generation,
    )
    engine_status = int(result.status[0])
    status = engine_status
    if geocoded is not None:
        status = int(
            status_with_geocoding(
                status=result.status,
                score=np.array([np.nan if geocoded.score is None else geocoded.score]),
                match_type=np.array([geocoded.type], dtype=object),
                min_score=float(settings.GEOREF_MIN_SCORE),
            )[0]
        )
    if status == STATUS_INVALID:
        return _unlocated(association, INVALID_POSITION)
    codes = result.containing(0)
    nearest = int(result.nearest[0])
    distance = float(result.distance_m[0])
    association.qpv_generation = result.generation
    association.qpv_codes = codes
    association.qpv_nearest_code = str(result.codes[nearest]) if nearest >= 0 else ""
    association.qpv_distance_m = None if np.isnan(distance) else round(distance, 1)
    association.qpv = (
        QPV.objects.filter(code=codes[0], generation=result.generation).first() if codes else None
    )
    association.location_reasons = location_reasons(
        boundary=engine_status == STATUS_UNCERTAIN,
        distance_m=association.qpv_distance_m,
        nearest_code=association.qpv_nearest_code,
        geocoded=geocoded,
    )
    if status == STATUS_UNCERTAIN:
        association.qpv_location = QpvLocation.UNCERTAIN
    elif status == STATUS_IN:
        association.qpv_location = QpvLocation.IN
    else:
        association.qpv_location = QpvLocation.OUT
    return association


def location_reasons(
    *,
    boundary: bool,
    distance_m: float | None,
    nearest_code: str,
    geocoded: GeocodeResult | None,
) -> list[str]:
    """Why a location is uncertain, in plain French (empty when it is not)."""
    reasons = []
    tolerance = float(settings.GEOREF_BOUNDARY_TOLERANCE_M)
    if boundary:
        where = f" du QPV {nearest_code}" if nearest_code else " d'un QPV"
        reasons.append(
            f"à {metres_text(distance_m or 0.0)} de la limite{where} (moins de "
            f"{metres_text(tolerance)} : la position peut être approximative)"
        )
    if geocoded is not None:
        if geocoded.type in IMPRECISE_MATCH_TYPES:
            reasons.append(
                f"adresse trouvée seulement au niveau {MATCH_LEVELS.get(geocoded.type, '')}"
            )
        min_score = float(settings.GEOREF_MIN_SCORE)
        if geocoded.score is None or geocoded.score < min_score:
            score = "inconnu" if geocoded.score is None else decimal_text(geocoded.score)
            reasons.append(
                f"score de géocodage faible ({score} ; fiable à partir de "
                f"{decimal_text(min_score)})"
            )
    return reasons


@dataclass(frozen=True)
class LocationText:
    status: str  # the sentence about the seat
    geocoding: str  # how the position was obtained ("" when unknown)


def association_location_text(*, association: Association) -> LocationText:
    """The seat's location in plain French, for the association page."""
    a = association
    if a.qpv_location == QpvLocation.UNKNOWN:
        return LocationText(f"Non localisée : {a.location_notice or NO_ADDRESS}.", "")
    names = dict(
        QPV.objects.filter(
            generation=cast(int, a.qpv_generation), code__in=[*a.qpv_codes, a.qpv_nearest_code]
        ).values_list("code", "name")
    )

    def qpv(code: str) -> str:
        return f"{names[code]} ({code})" if code in names else code

    distance = metres_text(a.qpv_distance_m) if a.qpv_distance_m is not None else "?"
    if a.qpv_location == QpvLocation.IN:
        text = f"Siège situé dans le QPV {qpv(a.qpv_codes[0])}, à {distance} de sa limite."
        if len(a.qpv_codes) > 1:
            others = ", ".join(qpv(code) for code in a.qpv_codes[1:])
            text += f" Aussi dans : {others} (contours qui se chevauchent)."
    elif a.qpv_location == QpvLocation.OUT:
        near = f", {qpv(a.qpv_nearest_code)}" if a.qpv_nearest_code else ""
        text = f"Hors QPV : siège à {distance} du QPV le plus proche{near}."
    else:
        side = (
            f"siège probablement dans le QPV {qpv(a.qpv_codes[0])}"
            if a.qpv_codes
            else "siège probablement hors QPV"
        )
        text = f"Incertain : {' ; '.join(a.location_reasons)} — {side}."
    if a.location_notice:
        text += f" ({a.location_notice[0].upper()}{a.location_notice[1:]}.)"
    return LocationText(text, _geocoding_text(a))


def _geocoding_text(a: Association) -> str:
    generation = f", géographie prioritaire {a.qpv_generation}" if a.qpv_generation else ""
    if a.location_source == LocationSource.MANUAL:
        return f"Position saisie (longitude {a.lon}, latitude {a.lat}){generation}."
    score = "inconnu" if a.geocode_score is None else decimal_text(a.geocode_score)
    kind = MATCH_TYPES.get(a.geocode_type, a.geocode_type or "précision inconnue")
    return f"Adresse géocodée : « {a.geocoded_label} » ({kind}, score {score}){generation}."


def association_relocate(
    *, association: Association, user: Any, client: GeocoderClient | None = None
) -> Association:
    """Locate again (geocoding the address anew unless coordinates were typed) and save."""
    access_require(user, Perm.EDIT, association)
    before = association.get_qpv_location_display()
    association_locate(association=association, client=client)
    with transaction.atomic():
        association.save()
        audit_record(
            obj=association,
            user=user,
            action=AuditAction.UPDATE,
            changes={
                "qpv_location": {
                    "label": "localisation du siège",
                    "before": before,
                    "after": association.get_qpv_location_display(),
                }
            },
            note=association.location_notice or "Siège localisé de nouveau.",
        )
    return association


@dataclass
class LocateReport:
    associations: int = 0
    located: int = 0
    unlocated: int = 0

    def __str__(self) -> str:
        return (
            f"{self.associations} association(s) traitée(s) : {self.located} localisée(s), "
            f"{self.unlocated} toujours non localisée(s)."
        )


def associations_locate(
    *, everything: bool = False, user: Any = None, client: GeocoderClient | None = None
) -> LocateReport:
    """Locate the associations not located yet (with an address or coordinates); every
    association with ``everything``. One geocoder client for the whole run."""
    queryset = Association.objects.exclude(address="", postcode="", city="", lon=None)
    if not everything:
        queryset = queryset.filter(Q(qpv_location=QpvLocation.UNKNOWN) | ~Q(location_notice=""))
    report = LocateReport()
    own = client is None
    if client is None:
        client = GeocoderClient(GeocoderConfig.from_settings())
    try:
        for association in queryset.order_by("pk").iterator():
            association_relocate(association=association, user=user, client=client)
            report.associations += 1
            if association.qpv_location == QpvLocation.UNKNOWN:
                report.unlocated += 1
            else:
                report.located += 1
    finally:
        if own:
            client.close()
    return report
