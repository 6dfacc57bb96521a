"""The API's rate limit per client: quartiers/core/rate_limit.py (shared with the page
« Vérifier une adresse »)."""

from quartiers.core.rate_limit import ClientRateThrottle, client_throttle, rate_per_minute

__all__ = ["ClientRateThrottle", "client_throttle", "rate_per_minute"]
