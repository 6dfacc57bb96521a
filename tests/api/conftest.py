"""The local addok fixture of the geocoder tests, for the API's address lookups."""

from tests.georef.geocoder_conftest import addok_url  # noqa: F401
