"""Sizes as users read them (French decimal units)."""

from __future__ import annotations


def size_text(size: int) -> str:
    """« 1,5 Mo », « 260 ko » (10^3 multiples, as file explorers show them)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",").replace(",0 Mo", " Mo")
    return f"{max(size // 1000, 1)} ko"
