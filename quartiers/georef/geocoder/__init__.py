"""Geocoding through the BAN API protocol (addok): client, cache, chunked services.

with GeocoderClient() as client:
    for results in addresses_geocode(queries=[AddressQuery("2 rue Saint Bernard 59000 Lille")],
                                     client=client):
        ...
"""

from quartiers.georef.geocoder.client import GeocoderClient
from quartiers.georef.geocoder.normalize import address_normalize
from quartiers.georef.geocoder.services import addresses_geocode
from quartiers.georef.geocoder.types import (
    NOT_FOUND,
    PUBLIC_GEOCODER_URL,
    AddressQuery,
    GeocoderConfig,
    GeocoderError,
    GeocodeResult,
)

__all__ = [
    "NOT_FOUND",
    "PUBLIC_GEOCODER_URL",
    "AddressQuery",
    "GeocodeResult",
    "GeocoderClient",
    "GeocoderConfig",
    "GeocoderError",
    "address_normalize",
    "addresses_geocode",
]
