"""Euro amounts: parsed from French input, shown the French way; Decimal only, never floats."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
THIN = "\u202f"  # narrow no-break space (thousands)
NBSP = "\u00a0"


def amount_parse(value: object) -> Decimal:
    """« 12 345,67 », « 12345.67 », « 12 345 € » → Decimal('12345.67'); ValueError otherwise."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if isinstance(value, float):
        raise TypeError("Les montants ne passent jamais par des nombres flottants.")
    text = str(value).strip().replace("€", "").replace("\u00a0", "").replace("\u202f", "")
    text = text.replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"Montant illisible : « {value} ».") from exc
    if not amount.is_finite():
        raise ValueError(f"Montant illisible : « {value} ».")
    if amount != amount.quantize(CENT):
        raise ValueError(f"Montant au-delà du centime : « {value} ».")
    return amount.quantize(CENT)


def money_sum(values: Iterable[Decimal | None]) -> Decimal:
    """Exact sum in Python: SQLite adds NUMERIC columns as floating point, so money is never
    summed by the database (the same code then gives the same cents on PostgreSQL)."""
    return sum((v for v in values if v is not None), Decimal("0.00")).quantize(CENT)


def euros(amount: Decimal | None) -> str:
    """12345.6 → « 12 345,60 € » (narrow no-break space as thousands separator)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount).quantize(CENT):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{THIN.join(groups)},{cents}{NBSP}€"
