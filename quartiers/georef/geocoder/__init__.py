"""Geocoding through the BAN API protocol (addok): client, cache, chunked services.

with GeocoderClient() as client:
    for results in addresses_geocode(queries=[AddressQuery("2 rue Saint Bernard 59000 Lille")],
                                     client=client):
        ...
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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

# Names → submodule, imported on first use (PEP 562): the client pulls in httpx, which a
# process that only catches GeocoderError (the georef CLI on a coordinate file) never needs.
_WHERE = {
    "GeocoderClient": "client",
    "address_normalize": "normalize",
    "addresses_geocode": "services",
    "NOT_FOUND": "types",
    "PUBLIC_GEOCODER_URL": "types",
    "AddressQuery": "types",
    "GeocoderConfig": "types",
    "GeocoderError": "types",
    "GeocodeResult": "types",
}


def __getattr__(name: str) -> object:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


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
