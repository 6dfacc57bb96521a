"""The SIG Ville-style wide file: one row per (QPV, commune), QPV values repeated.

Column names are read as data through `SIGVILLE_COLUMNS`. Each QPV's values are stored once;
the repeats on its other communes' rows must agree (a disagreement is a warning, the first row
wins). An empty cell is a value withheld by statistical secrecy: stored as suppressed, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quartiers.indicators.catalogue import SIGVILLE_COLUMNS, SIGVILLE_SOURCE
from quartiers.indicators.importers.common import (
    C1_OE,
    QPV_CODE_RE,
    ErrorList,
    ValueRow,
    columns_require,
    commune_code_normalize,
    csv_rows,
    generation_of_qpv_code,
    number_parse,
)
from quartiers.indicators.models import PERIOD_UNDOCUMENTED, VINTAGE_UNDOCUMENTED, TerritoryKind
from quartiers.shared.imports import ImportRefused, codes_listed

# Columns of the file that are neither keys nor indicators (kept out of the "ignored" warning).
_DESCRIPTIVE = {
    "lib_com",
    "lib_qp",
    "insee_reg",
    "lib_reg",
    "insee_dep",
    "lib_dep",
    "siren_epci",
    "lib_epci",
}


@dataclass
class SigvilleParse:
    rows: list[ValueRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    qpv_codes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # QPV code → name (œ repaired)


def sigville_parse(*, text: str, label: str, indicator_ids: dict[str, int]) -> SigvilleParse:
    header, rows = csv_rows(text=text, label=label)
    columns_require(header=header, required=("codeQPV", "COG"), label=label)
    mapped = [name for name in header if name in SIGVILLE_COLUMNS]
    if not mapped:
        raise ImportRefused(
            f"{label}, ligne 1 : aucune colonne d'indicateur reconnue "
            f"(attendu par exemple {', '.join(list(SIGVILLE_COLUMNS)[:4])}…)."
        )
    result = SigvilleParse()
    ignored = [
        n
        for n in header
        if n not in SIGVILLE_COLUMNS and n not in _DESCRIPTIVE and n not in {"codeQPV", "COG"}
    ]
    if ignored:
        result.warnings.append(f"Colonnes ignorées (hors catalogue) : {', '.join(ignored)}.")
    errors = ErrorList(label)
    first_seen: dict[str, tuple[int, dict[str, str]]] = {}
    conflicts: list[str] = []
    oe_cells = padded = 0
    for line, row in rows:
        for name, cell in row.items():
            if C1_OE in cell:
                row[name] = cell.replace(C1_OE, "œ")
                oe_cells += 1
        cog = row["COG"]
        if commune_code_normalize(cog) != cog:
            padded += 1
        code = row["codeQPV"]
        if not QPV_CODE_RE.match(code):
            errors.add(line, "codeQPV", f"code QPV invalide « {code} » (attendu QN05901M…).")
            continue
        if code not in first_seen:
            first_seen[code] = (line, row)
            result.names[code] = row.get("lib_qp", "")
            continue
        first_line, first_row = first_seen[code]
        differing = [n for n in mapped if row[n] != first_row[n]]
        if differing:
            conflicts.append(
                f"{code} : lignes {first_line} et {line} diffèrent sur {', '.join(differing)} "
                f"(valeurs de la ligne {first_line} retenues)"
            )
    for code, (line, row) in first_seen.items():
        for column in mapped:
            _cell_add(
                result,
                errors,
                line=line,
                column=column,
                row=row,
                code=code,
                indicator_id=indicator_ids[SIGVILLE_COLUMNS[column]],
            )
    errors.raise_if_any()
    result.qpv_codes = list(first_seen)
    if conflicts:
        result.warnings.append(
            f"Valeurs répétées discordantes pour {len(conflicts)} QPV : " + " ; ".join(conflicts)
        )
    if oe_cells:
        result.warnings.append(
            f"{oe_cells} cellule(s) contenaient le caractère de contrôle U+009C à la place de "
            "« œ » (défaut d'encodage de la source) : corrigé."
        )
    if padded:
        result.warnings.append(
            f"{padded} code(s) commune sans zéro initial complété(s) (ex. 1053 → 01053)."
        )
    suppressed = sum(1 for r in result.rows if r.suppressed)
    if suppressed:
        result.warnings.append(
            f"{suppressed} valeur(s) vide(s) enregistrée(s) comme « secret statistique »."
        )
    return result


def _cell_add(
    result: SigvilleParse,
    errors: ErrorList,
    *,
    line: int,
    column: str,
    row: dict[str, str],
    code: str,
    indicator_id: int,
) -> None:
    raw = row[column]
    value = None
    if raw:
        try:
            value = number_parse(raw)
        except ValueError as exc:
            errors.add(line, column, f"{exc} (QPV {code}).")
            return
    result.rows.append(
        ValueRow(
            indicator_id=indicator_id,
            territory_kind=TerritoryKind.QPV,
            territory_code=code,
            period=PERIOD_UNDOCUMENTED,
            value=value,
            suppressed=value is None,
            source=SIGVILLE_SOURCE,
            vintage=VINTAGE_UNDOCUMENTED,
            generation=generation_of_qpv_code(code),
            line=line,
        )
    )


def unknown_qpv_warning(*, codes: list[str], known: set[str]) -> str | None:
    unknown = sorted(set(codes) - known)
    if not unknown:
        return None
    return (
        f"{len(unknown)} code(s) QPV absent(s) du référentiel importé (valeurs enregistrées "
        f"quand même, sans page de quartier) : {codes_listed(unknown)}."
    )
