"""Which geocoder is configured, whether it answers, and the rate measured against it
(``manage.py geocoder_check``, the admin's geocoding cache page)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from quartiers.georef.geocoder.types import AddressQuery, GeocoderConfig, GeocoderError

PROTOCOL_NAMES = {"geoplateforme": "Géoplateforme (IGN)", "addok": "addok (BAN)"}
# A Nord address indexed by the project's local addok as by the national service.
PROBE = AddressQuery("2 rue Saint-Bernard 59000 Lille")


@dataclass(frozen=True)
class GeocoderReport:
    url: str
    protocol: str
    protocol_setting: str
    answers: bool
    probe_label: str = ""
    error: str = ""
    requests: int = 0
    seconds: float = 0.0
    configured_rate: float = 0.0

    @property
    def measured_rate(self) -> float | None:
        return self.requests / self.seconds if self.requests and self.seconds > 0 else None

    def lines_fr(self) -> list[str]:
        how = "détecté" if self.protocol_setting == "auto" else "réglé"
        lines = [
            f"Géocodeur configuré : {self.url}",
            f"Protocole : {PROTOCOL_NAMES[self.protocol]} ({how} ; GEOCODER_PROTOCOL)",
        ]
        if not self.answers:
            lines.append(f"Répond : non — {self.error}")
            return lines
        lines.append(f"Répond : oui (« {PROBE.text} » → {self.probe_label or 'non trouvée'})")
        rate = self.measured_rate
        if rate is not None:
            lines.append(
                f"Débit mesuré : {rate:.1f} requêtes/s ({self.requests} requêtes en "
                f"{self.seconds:.2f} s ; plafond réglé : {self.configured_rate:g}/s)".replace(
                    ".", ","
                )
            )
        return lines


def geocoder_check(*, requests: int = 20, config: GeocoderConfig | None = None) -> GeocoderReport:
    """Ask the configured geocoder one address, then ``requests`` more one by one (through the
    client's own rate limiter, as a batch job would) and time them."""
    config = config or GeocoderConfig.from_settings(max_attempts=2)
    report = {
        "url": config.service,
        "protocol": config.dialect,
        "protocol_setting": config.protocol,
        "configured_rate": config.rate_per_s,
    }
    # Imported here: the admin imports this module at every start-up (of a file job too), and
    # the HTTP client (httpx) is a tenth of a second to import.
    from quartiers.georef.geocoder.client import GeocoderClient

    with GeocoderClient(config) as client:
        try:
            first = client.search(PROBE)
        except GeocoderError as exc:
            return GeocoderReport(**report, answers=False, error=str(exc))
        start = time.monotonic()
        pages = client.geocode_single([PROBE] * requests, chunk_size=requests or 1)
        done = sum(len(page) for page in pages)
        elapsed = time.monotonic() - start
    return GeocoderReport(
        **report, answers=True, probe_label=first.label or "", requests=done, seconds=elapsed
    )
