"""Values exchanged with the geocoder: queries, results, settings."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings

from quartiers.georef.geocoder.normalize import address_normalize

# The national service since the BAN API (api-adresse.data.gouv.fr) closed in January 2026: the
# IGN Géoplateforme geocoder (its own protocol, see protocols.py; 50 requests/s per IP).
PUBLIC_GEOCODER_URL = "https://data.geopf.fr/geocodage"


class GeocoderError(RuntimeError):
    """The geocoding service failed for good (after retries): the message is in French."""


@dataclass(frozen=True, slots=True)
class AddressQuery:
    """A full address line, with optional postcode / INSEE code filters."""

    text: str
    postcode: str = ""
    citycode: str = ""

    @property
    def key(self) -> str:
        return address_normalize(text=self.text, postcode=self.postcode, citycode=self.citycode)


@dataclass(frozen=True, slots=True)
class GeocodeResult:
    """The best match of one address; every field None when nothing was found.

    ``type`` is the BAN's: housenumber, street, locality or municipality; ``score`` in [0, 1];
    ``score_next`` the score of the second candidate when the service gave one.
    """

    label: str | None = None
    score: float | None = None
    type: str | None = None
    citycode: str | None = None
    postcode: str | None = None
    lon: float | None = None
    lat: float | None = None
    score_next: float | None = None

    @property
    def found(self) -> bool:
        return self.lon is not None and self.lat is not None


NOT_FOUND = GeocodeResult()


@dataclass(frozen=True, slots=True)
class GeocoderConfig:
    """Client settings; defaults follow the public service's published limits."""

    base_url: str = PUBLIC_GEOCODER_URL
    # "geoplateforme", "addok", or "auto" (the Géoplateforme for data.geopf.fr or a URL ending
    # in /geocodage, addok otherwise).
    protocol: str = "auto"
    # 50 requests/s per IP address on the Géoplateforme, HTTP 429 beyond (Retry-After from 5 s):
    # 45 leaves a margin for requests bunched up by thread scheduling on their way.
    rate_per_s: float = 45.0
    burst: int = 1
    # Requests in flight at once (threads).
    max_concurrency: int = 4
    # Seconds: connect/read timeout of one /search/ request, and of one /search/csv/ request.
    timeout_s: float = 10.0
    batch_timeout_s: float = 300.0
    # One /search/csv/ request carries at most this many rows and bytes (the public service
    # refuses files over 50 MB and answers slowly on big ones: small chunks retry cheaply).
    batch_max_rows: int = 5_000
    batch_max_bytes: int = 2_000_000
    # Retries of 429/502/503/504 and network errors: exponential backoff with full jitter.
    max_attempts: int = 5
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    # A Retry-After longer than this is cut down to it (seconds).
    retry_after_max_s: float = 120.0

    @classmethod
    def from_settings(cls, **overrides: object) -> GeocoderConfig:
        """Values from Django settings named ``GEOCODER_<FIELD>`` (GEOCODER_URL for the base
        URL), then ``overrides``."""
        values: dict[str, object] = {}
        for field in fields(cls):
            name = "GEOCODER_URL" if field.name == "base_url" else f"GEOCODER_{field.name.upper()}"
            if hasattr(settings, name):
                values[field.name] = getattr(settings, name)
        config = cls(**values)  # type: ignore[arg-type]
        return replace(config, **overrides) if overrides else config

    @property
    def dialect(self) -> str:
        return protocol_detect(base_url=self.base_url, setting=self.protocol)

    @property
    def service(self) -> str:
        """The service's identity in the cache (two geocoders never share answers)."""
        return self.base_url.rstrip("/")


Protocol = Literal["geoplateforme", "addok"]
PROTOCOLS: tuple[Protocol, ...] = ("geoplateforme", "addok")


def protocol_detect(*, base_url: str, setting: str = "auto") -> Protocol:
    """``setting`` when it names a protocol; for "auto", the Géoplateforme for its host or for
    a path ending in /geocodage (its mount point), addok otherwise."""
    if setting in PROTOCOLS:
        return setting  # type: ignore[return-value]
    if setting != "auto":
        raise GeocoderError(
            f"Protocole de géocodage « {setting} » inconnu : geoplateforme, addok ou auto."
        )
    parts = urlsplit(base_url)
    if parts.hostname and parts.hostname.endswith("geopf.fr"):
        return "geoplateforme"
    if parts.path.rstrip("/").endswith("/geocodage"):
        return "geoplateforme"
    return "addok"
