"""A catalogue CSV declares indicators (partners' own: France Travail, DEPP, CAF…)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from quartiers.indicators.importers.common import ErrorList, columns_require, csv_rows
from quartiers.indicators.importers.long import _TRUE
from quartiers.indicators.models import (
    VINTAGE_UNDOCUMENTED,
    BetterDirection,
    Indicator,
    IndicatorKind,
    TerritoryKind,
)

CATALOGUE_REQUIRED = ("code", "label", "kind", "unit", "source")
CATALOGUE_OPTIONAL = (
    "short_label",
    "definition",
    "theme",
    "vintage",
    "geography_levels",
    "numerator_code",
    "denominator_code",
    "denominator_label",
    "scale",
    "additive",
    "better",
    "core_set",
)
_TEXT = (
    "label",
    "short_label",
    "definition",
    "unit",
    "theme",
    "source",
    "vintage",
    "denominator_label",
)


@dataclass
class CatalogueParse:
    specs: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def catalogue_parse(*, text: str, label: str, known_codes: set[str]) -> CatalogueParse:
    header, rows = csv_rows(text=text, label=label)
    columns_require(header=header, required=CATALOGUE_REQUIRED, label=label)
    errors = ErrorList(label)
    result = CatalogueParse()
    declared = {row["code"] for _, row in rows}
    seen: dict[str, int] = {}
    for line, row in rows:
        spec = _row_parse(row, line=line, errors=errors, codes=known_codes | declared)
        code = row["code"]
        if code in seen:
            errors.add(line, "code", f"indicateur « {code} » déjà déclaré ligne {seen[code]}.")
        seen[code] = line
        if spec is not None:
            result.specs.append(spec)
    errors.raise_if_any()
    return result


def _row_parse(
    row: dict[str, str], *, line: int, errors: ErrorList, codes: set[str]
) -> dict[str, object] | None:
    before = len(errors.items)
    spec: dict[str, object] = {name: row.get(name, "") for name in _TEXT}
    spec["code"] = row["code"]
    spec["vintage"] = spec["vintage"] or VINTAGE_UNDOCUMENTED
    if not row["code"] or not row["code"].replace("_", "").isalnum():
        errors.add(line, "code", f"code « {row['code']} » invalide (lettres, chiffres, _).")
    for name in ("label", "unit", "source"):
        if not row[name]:
            errors.add(line, name, "valeur obligatoire.")
    if row["kind"] not in IndicatorKind.values:
        errors.add(
            line,
            "kind",
            f"nature « {row['kind']} » inconnue (attendu : {', '.join(IndicatorKind.values)}).",
        )
    spec["kind"] = row["kind"]
    spec["better"] = row.get("better") or BetterDirection.NEUTRAL
    if spec["better"] not in BetterDirection.values:
        errors.add(line, "better", "sens attendu : up, down ou neutral.")
    levels = [lvl.strip() for lvl in row.get("geography_levels", "").split("|") if lvl.strip()]
    if any(level not in TerritoryKind.values for level in levels):
        errors.add(line, "geography_levels", f"échelons attendus parmi {TerritoryKind.values}.")
    spec["geography_levels"] = levels
    for name in ("numerator_code", "denominator_code"):
        if row.get(name) and row[name] not in codes:
            errors.add(line, name, f"indicateur « {row[name]} » inconnu du catalogue.")
        spec[name] = row.get(name, "")
    try:
        spec["scale"] = Decimal(row.get("scale") or "1")
    except ArithmeticError:
        errors.add(line, "scale", f"« {row.get('scale')} » n'est pas un nombre.")
    spec["additive"] = row.get("additive", "").lower() in _TRUE
    spec["core_set"] = row.get("core_set", "").lower() in _TRUE
    if spec["additive"] and spec["kind"] != IndicatorKind.COUNT:
        errors.add(line, "additive", "seul un effectif (kind=count) peut être additionnable.")
    return spec if len(errors.items) == before else None


def catalogue_write(*, specs: list[dict[str, object]]) -> tuple[int, int, int]:
    """Upsert declared indicators (inside the caller's transaction)."""
    added = changed = unchanged = 0
    existing = {i.code: i for i in Indicator.objects.all()}
    position = max((i.position for i in existing.values()), default=0)
    links: list[tuple[Indicator, dict[str, object]]] = []
    for spec in specs:
        fields = {k: v for k, v in spec.items() if k not in {"numerator_code", "denominator_code"}}
        current = existing.get(str(spec["code"]))
        if current is None:
            position += 1
            current = Indicator.objects.create(position=position, **fields)
            existing[current.code] = current
            added += 1
        elif any(getattr(current, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(current, k, v)
            current.save()
            changed += 1
        else:
            unchanged += 1
        links.append((current, spec))
    for indicator, spec in links:
        numerator = existing.get(str(spec["numerator_code"]))
        denominator = existing.get(str(spec["denominator_code"]))
        if (indicator.numerator_id, indicator.denominator_id) != (
            numerator.pk if numerator else None,
            denominator.pk if denominator else None,
        ):
            indicator.numerator, indicator.denominator = numerator, denominator
            indicator.save(update_fields=["numerator", "denominator"])
    return added, changed, unchanged
