"""Writes of the funding domain (typed, keyword-only, atomic); one module per concern."""

from quartiers.grants.services.errors import GrantRefused

__all__ = ["GrantRefused"]
