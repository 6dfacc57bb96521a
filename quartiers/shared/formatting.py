"""French display of figures: `432 926`, `83,79 %`, « secret statistique », `1,5 Mo`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
SECRET_LABEL = "secret statistique"  # noqa: S105 - not a password


def number_fr(value: Decimal | float | int | None, *, max_decimals: int = 2) -> str:
    """Thousands separated by a no-break space, decimal comma, trailing zeros dropped."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-max_decimals), ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):f}"
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    result = sign + NBSP.join(groups or ["0"])
    return f"{result},{decimals}" if decimals else result


def value_fr(
    value: Decimal | None, *, unit: str = "", suppressed: bool = False, max_decimals: int = 2
) -> str:
    if suppressed:
        return SECRET_LABEL
    if value is None:
        return "sans valeur"
    text = number_fr(value, max_decimals=max_decimals)
    if unit == "%":
        return f"{text}{NBSP}%"
    return text


def rank_fr(rank: int | None, total: int) -> str:
    if rank is None:
        return "—"
    return f"{rank}{'er' if rank == 1 else 'e'} sur {total}"


def size_text(size: int) -> str:
    """A file size in French: `850 ko`, `1,5 Mo`."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} Mo".replace(".", ",")
    return f"{max(size // 1000, 1)} ko"
