"""One point or one address → its QPV, with the status explained in plain French.

Shared by the « Vérifier une adresse » page and the JSON API (``/api/georef/point``,
``/api/georef/adresse``). Inputs are checked here and refused with French messages.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from quartiers.geography.models import QPV
from quartiers.georef.batch.results import FRANCE_BOXES, LAMBERT93_BOX, in_boxes, number_parse
from quartiers.georef.contours import LAMBERT93, WGS84
from quartiers.georef.engine import (
    IMPRECISE_MATCH_TYPES,
    STATUS_IN,
    STATUS_INVALID,
    STATUS_OUT,
    STATUS_UNCERTAIN,
)
from quartiers.georef.geocoder import (
    AddressQuery,
    GeocoderClient,
    GeocoderConfig,
    GeocoderError,
    GeocodeResult,
    addresses_geocode,
)
from quartiers.georef.loader import GeorefError, points_locate

CRS_CHOICES = (WGS84, LAMBERT93)
STATUS_KEYS = {STATUS_IN: "in", STATUS_OUT: "out", STATUS_UNCERTAIN: "uncertain"}
MATCH_LEVELS = {"street": "de la rue", "municipality": "de la commune", "locality": "du lieu-dit"}
MAX_ADDRESS_LENGTH = 200
# A visitor waits for the answer: fewer retries than a batch job (which resumes later anyway).
INTERACTIVE_ATTEMPTS = 2
UNAVAILABLE = "Service de géocodage indisponible : réessayez ou saisissez des coordonnées."


class LookupInputError(ValueError):
    """A bad input, in French. ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AddressNotFound(LookupInputError):
    status = 404


class GeocoderUnavailable(LookupInputError):
    status = 503


@dataclass(frozen=True)
class QpvRef:
    code: str
    name: str


@dataclass(frozen=True)
class Answer:
    """The answer for one position (and the geocoding that gave it, for an address)."""

    lon: float
    lat: float
    generation: int
    status: str  # "in", "out" or "uncertain"
    distance_m: float  # metres to the nearest QPV boundary
    qpv: QpvRef | None  # the primary QPV containing the point
    containing: list[QpvRef]  # every QPV containing it, primary first
    nearest: QpvRef | None  # the QPV whose boundary is nearest
    explanation: str  # the status in plain French
    reasons: list[str] = field(default_factory=list)  # why uncertain
    remarks: list[str] = field(default_factory=list)  # corrections made to the input
    geocoded: GeocodeResult | None = None

    @property
    def status_label(self) -> str:
        return {"in": "en QPV", "out": "hors QPV", "uncertain": "incertain"}[self.status]


def coordinate_parse(*, text: str | float | None, name: str) -> float:
    """A number typed by a person (``3,06`` or ``3.06``); French error otherwise."""
    if isinstance(text, int | float):
        value: float | None = float(text)
    else:
        raw = (text or "").strip()
        if not raw:
            raise LookupInputError(f"{name} manquante.", field=name)
        value = number_parse(raw)
        if value is None:
            raise LookupInputError(f"{name} : « {raw[:40]} » n'est pas un nombre.", field=name)
    if not math.isfinite(value):
        raise LookupInputError(f"{name} : nombre fini attendu.", field=name)
    return value


def point_locate(
    *,
    lon: float,
    lat: float,
    crs: str = WGS84,
    generation: int | None = None,
    geocoded: GeocodeResult | None = None,
) -> Answer:
    """Locate one position (WGS84 lon/lat, or Lambert-93 x/y as lon/lat with
    ``crs="EPSG:2154"``). Raises LookupInputError (French) for a position outside France, an unknown
    CRS or generation."""
    if crs not in CRS_CHOICES:
        raise LookupInputError(
            f"système de coordonnées « {crs} » non pris en charge : EPSG:4326 (longitude, "
            "latitude WGS84) ou EPSG:2154 (Lambert-93).",
            field="crs",
        )
    x, y, remarks = _in_france(lon=float(lon), lat=float(lat), crs=crs)
    try:
        result = points_locate(lon=[x], lat=[y], generation=generation, crs=crs)
    except GeorefError as exc:
        raise LookupInputError(str(exc), field="generation") from exc
    status = int(result.status[0])
    if status == STATUS_INVALID:
        raise LookupInputError("position invalide : coordonnées non convertibles.", field="lon")
    lon_wgs, lat_wgs = _wgs84(x, y, crs)
    codes = result.containing(0)
    nearest_index = int(result.nearest[0])
    nearest_code = str(result.codes[nearest_index]) if nearest_index >= 0 else None
    names = dict(
        QPV.objects.of_generation(result.generation)
        .filter(code__in=[*codes, nearest_code])
        .values_list("code", "name")
    )
    refs = [QpvRef(code=code, name=names.get(code, code)) for code in codes]
    nearest = QpvRef(nearest_code, names.get(nearest_code, nearest_code)) if nearest_code else None
    distance = float(result.distance_m[0])
    reasons = _reasons(status=status, distance=distance, nearest=nearest, geocoded=geocoded)
    if reasons:
        status = STATUS_UNCERTAIN
    return Answer(
        lon=lon_wgs,
        lat=lat_wgs,
        generation=result.generation,
        status=STATUS_KEYS[status],
        distance_m=round(distance, 1),
        qpv=refs[0] if refs else None,
        containing=refs,
        nearest=nearest,
        explanation=_explain(status=status, refs=refs, distance=distance, nearest=nearest),
        reasons=reasons,
        remarks=remarks,
        geocoded=geocoded,
    )


_clients: dict[GeocoderConfig, GeocoderClient] = {}
_clients_lock = threading.Lock()


def _interactive_client() -> GeocoderClient:
    """One geocoder client per process and configuration, shared by the address lookups
    (it is thread-safe): a client per lookup cost its set-up (about 20 ms of CPU to load the
    CA bundle, more under load), a new TLS connection to the BAN, and a fresh rate limiter
    that limited nothing."""
    config = GeocoderConfig.from_settings(max_attempts=INTERACTIVE_ATTEMPTS)
    with _clients_lock:
        client = _clients.get(config)
        if client is None:
            client = _clients[config] = GeocoderClient(config)
    return client


def address_locate(
    *, q: str, generation: int | None = None, client: GeocoderClient | None = None
) -> Answer:
    """Geocode one address (through the cache) and locate it."""
    text = " ".join((q or "").split())
    if len(text) < 3:
        raise LookupInputError(
            "adresse manquante ou trop courte (3 caractères au moins).", field="q"
        )
    if len(text) > MAX_ADDRESS_LENGTH:
        raise LookupInputError(
            f"adresse trop longue ({len(text)} caractères, {MAX_ADDRESS_LENGTH} au plus).",
            field="q",
        )
    client = client or _interactive_client()
    try:
        pages = addresses_geocode(queries=[AddressQuery(text)], client=client, mode="single")
        found = next(iter(pages))[0]
    except GeocoderError as exc:
        raise GeocoderUnavailable(UNAVAILABLE, field="q") from exc
    if not found.found:
        raise AddressNotFound(
            f"adresse introuvable : « {text} ». Vérifiez l'orthographe, ajoutez le code postal "
            "ou la commune, ou cliquez sur la carte.",
            field="q",
        )
    return point_locate(lon=found.lon, lat=found.lat, generation=generation, geocoded=found)


# --- checks and wording --------------------------------------------------------------------


def _in_france(*, lon: float, lat: float, crs: str) -> tuple[float, float, list[str]]:
    if crs == LAMBERT93:
        boxes, what = np.array([LAMBERT93_BOX]), "la France métropolitaine (Lambert-93)"
        names = ("x", "y")
    else:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise LookupInputError(
                f"coordonnées impossibles (longitude {lon:g}, latitude {lat:g}) : la longitude "
                "va de -180 à 180 et la latitude de -90 à 90 (degrés WGS84).",
                field="lon",
            )
        boxes, what = FRANCE_BOXES, "la France"
        names = ("longitude", "latitude")
    if in_boxes(np.array([lon]), np.array([lat]), boxes)[0]:
        return lon, lat, []
    if in_boxes(np.array([lat]), np.array([lon]), boxes)[0]:
        return lat, lon, [f"{names[0]} et {names[1]} inversées : position corrigée."]
    raise LookupInputError(
        f"position hors de {what} ({names[0]} {lon:g}, {names[1]} {lat:g}) : les quartiers "
        "prioritaires sont tous en France.",
        field="lon",
    )


def _wgs84(x: float, y: float, crs: str) -> tuple[float, float]:
    if crs == WGS84:
        return x, y
    from quartiers.georef.contours import transformer

    lon, lat = transformer(LAMBERT93, WGS84).transform(x, y)
    return float(lon), float(lat)


def metres_text(value: float) -> str:
    """« 6 m », « 230 m », « 1,4 km » (French formatting)."""
    if value >= 10_000:
        return f"{value / 1000:.0f} km"
    if value >= 1_000:
        return f"{value / 1000:.1f} km".replace(".", ",")
    return f"{value:.0f} m"


def decimal_text(value: float) -> str:
    """« 0,80 » (two decimals, French decimal comma)."""
    return f"{value:.2f}".replace(".", ",")


def _reasons(
    *, status: int, distance: float, nearest: QpvRef | None, geocoded: GeocodeResult | None
) -> list[str]:
    reasons = []
    if status == STATUS_UNCERTAIN:
        where = f" du QPV {nearest.name} ({nearest.code})" if nearest else " d'un QPV"
        position = "la position géocodée" if geocoded else "la position"
        reasons.append(
            f"à {metres_text(distance)} de la limite{where}, {position} peut être approximative "
            f"(tolérance : {metres_text(float(settings.GEOREF_BOUNDARY_TOLERANCE_M))})"
        )
    if geocoded is not None:
        if geocoded.type in IMPRECISE_MATCH_TYPES:
            reasons.append(f"adresse trouvée seulement au niveau {MATCH_LEVELS[geocoded.type]}")
        min_score = float(settings.GEOREF_MIN_SCORE)
        if geocoded.score is None or geocoded.score < min_score:
            score = "inconnu" if geocoded.score is None else decimal_text(geocoded.score)
            reasons.append(
                f"score de géocodage faible ({score}, fiable à partir de {decimal_text(min_score)})"
            )
        gap = float(settings.GEOREF_SECOND_CANDIDATE_GAP)
        score, following = geocoded.score, geocoded.score_next
        if score is not None and following is not None and score - following < gap:
            reasons.append(
                f"deuxième candidat proche (score {decimal_text(following)} contre "
                f"{decimal_text(score)}) : précisez le code postal ou la commune"
            )
    return reasons


def _explain(*, status: int, refs: list[QpvRef], distance: float, nearest: QpvRef | None) -> str:
    inside = refs[0] if refs else None
    if status == STATUS_UNCERTAIN:
        if inside:
            where = f"{inside.name} ({inside.code})"
            return f"Incertain : probablement dans le quartier prioritaire {where}."
        return "Incertain : probablement hors QPV."
    if inside:
        text = (
            f"Dans le quartier prioritaire {inside.name} ({inside.code}), à "
            f"{metres_text(distance)} de sa limite."
        )
        if len(refs) > 1:
            others = ", ".join(f"{r.name} ({r.code})" for r in refs[1:])
            text += f" Le point est aussi dans : {others} (contours qui se chevauchent)."
        return text
    near = f" ({nearest.name}, {nearest.code})" if nearest else ""
    return f"Hors QPV, à {metres_text(distance)} du QPV le plus proche{near}."
