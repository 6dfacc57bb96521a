"""Import QPV attributes that the contour files do not carry, from a small CSV.

Format: UTF-8 text, separated by ``,`` or ``;``, a header line, one row per QPV (or several rows
per QPV when they all agree), with a ``code_qp`` column and any of these attribute columns:

==========================  ===========================  =====================================
column                      registry field               values
==========================  ===========================  =====================================
``statut_npnru``            confirmed NPNRU status       national, regional, none, unknown
``statut_npnru_derive``     NPNRU *estimate*             national, national+regional, regional,
                            (« estimé, à vérifier »)     regional_possible, none
``motif_verification``      note of the estimate         free text
``population``              population                   non-negative integer
``population_source``       source of the population     free text
``population_vintage``      vintage of the population    free text (20 characters at most)
==========================  ===========================  =====================================

The estimate is stored apart from the confirmed status and never overwrites it. An empty cell
means "no value" (the attribute is cleared: population empty, status ``unknown``, no estimate).

Other layouts are read through a column mapping (attribute → column of the file) and constant
values; two presets exist:

* ``npnru-derive``: ``npnru/qpv2024_nord_npnru_statut_derive.csv`` (unofficial estimate);
* ``sigville-population``: the SIG Ville indicator file (``codeQPV``, ``popMuniQPV``), source
  « SIG Ville (ANCT) — compilation tierce », vintage « non documenté ». That file repeats each
  QPV on one row per commune: each QPV is taken once, and conflicting repeated values are refused.

QPV codes absent from the registry (for the chosen generation) are skipped and listed in the
warnings, so a national file can feed a registry that holds one département.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from quartiers.geography.importers.sources import source_open, text_read
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.models import QPV, Generation, NpnruEstimate, NpnruStatus
from quartiers.shared.csvsniff import delimiter_detect
from quartiers.shared.imports import ImportRefused, ImportSummary, codes_listed


def _choice(allowed: list[str], empty: str) -> Callable[[str], Any]:
    def parse(value: str) -> str:
        if value == "":
            return empty
        if value not in allowed:
            raise ValueError(f"valeur « {value} » inconnue (attendu : {', '.join(allowed)})")
        return value

    return parse


def _population(value: str) -> int | None:
    if value == "":
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = -1.0
    if number < 0 or number != int(number):
        raise ValueError(f"entier positif attendu, trouvé « {value} »")
    return int(number)


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"texte trop long ({len(value)} caractères, {limit} au plus)")
        return value

    return parse


@dataclass(frozen=True)
class Attribute:
    field: str
    parse: Callable[[str], Any]


ATTRIBUTES: dict[str, Attribute] = {
    "statut_npnru": Attribute(
        "npnru_status", _choice(list(NpnruStatus.values), NpnruStatus.UNKNOWN)
    ),
    "statut_npnru_derive": Attribute(
        "npnru_estimate", _choice([v for v in NpnruEstimate.values if v], "")
    ),
    "motif_verification": Attribute("npnru_estimate_note", _text(10_000)),
    "population": Attribute("population", _population),
    "population_source": Attribute("population_source", _text(200)),
    "population_vintage": Attribute("population_vintage", _text(20)),
}
CODE_COLUMN = "code_qp"


@dataclass(frozen=True)
class Preset:
    columns: dict[str, str]  # attribute (or code_qp) → column of the file
    constants: dict[str, str]  # attribute → value for every row


PRESETS = {
    "npnru-derive": Preset(
        columns={
            "code_qp": "code_qp",
            "statut_npnru_derive": "statut_npnru_derive",
            "motif_verification": "motif_verification",
        },
        constants={},
    ),
    "sigville-population": Preset(
        columns={"code_qp": "codeQPV", "population": "popMuniQPV"},
        constants={
            "population_source": "SIG Ville (ANCT) — compilation tierce",
            "population_vintage": "non documenté",
        },
    ),
}


def _reader(text: str) -> csv.DictReader:
    delimiter = delimiter_detect(text, candidates=(";", ","))
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def _mapping(
    header: list[str], label: str, columns: dict[str, str] | None, constants: dict[str, str]
) -> dict[str, str]:
    if columns is None:
        columns = {name: name for name in [CODE_COLUMN, *ATTRIBUTES] if name in header}
    unknown = [a for a in [*columns, *constants] if a != CODE_COLUMN and a not in ATTRIBUTES]
    if unknown:
        raise ImportRefused(
            f"Attribut(s) inconnu(s) : {', '.join(unknown)} "
            f"(attributs possibles : {', '.join(ATTRIBUTES)})."
        )
    missing = [col for col in [columns.get(CODE_COLUMN, CODE_COLUMN), *columns.values()]]
    missing = [col for col in dict.fromkeys(missing) if col not in header]
    if missing:
        raise ImportRefused(
            f"{label}, ligne 1 : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} "
            f"(colonnes du fichier : {', '.join(header)})."
        )
    if len(columns) + len(constants) < 2:
        raise ImportRefused(
            f"{label} : aucune colonne d'attribut reconnue ({', '.join(ATTRIBUTES)})."
        )
    return columns


def attributes_read(
    *, path: Path, label: str, columns: dict[str, str] | None, constants: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """QPV code → {registry field: value}; conflicting repeated rows are refused."""
    reader = _reader(text_read(path=path, label=label))
    columns = _mapping(list(reader.fieldnames or []), label, columns, constants)
    code_column = columns.get(CODE_COLUMN, CODE_COLUMN)
    values: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        code = (row.get(code_column) or "").strip()
        if not code:
            raise ImportRefused(
                f"{label}, ligne {line}, colonne « {code_column} » : code QPV vide."
            )
        parsed: dict[str, Any] = {}
        cells = {a: (row.get(c) or "") for a, c in columns.items() if a != CODE_COLUMN}
        for attribute, raw in {**cells, **constants}.items():
            try:
                parsed[ATTRIBUTES[attribute].field] = ATTRIBUTES[attribute].parse(raw.strip())
            except ValueError as exc:
                shown = columns.get(attribute, attribute)
                raise ImportRefused(f"{label}, ligne {line}, colonne « {shown} » : {exc}.") from exc
        if code in values and values[code] != parsed:
            field = next(f for f in parsed if parsed[f] != values[code][f])
            raise ImportRefused(
                f"{label}, ligne {line} : le QPV {code} est répété avec une valeur différente "
                f"de la ligne {first_line[code]} ({field} : « {parsed[field]} » au lieu de "
                f"« {values[code][field]} »)."
            )
        values.setdefault(code, parsed)
        first_line.setdefault(code, line)
    return values


def qpv_attributes_import(
    *,
    source: str | Path,
    preset: str | None = None,
    columns: dict[str, str] | None = None,
    constants: dict[str, str] | None = None,
    generation: int = Generation.G2024,
    apply: bool = False,
) -> ImportSummary:
    """Set attributes of existing QPV of `generation`; only changed QPV are written."""
    if preset:
        if preset not in PRESETS:
            raise ImportRefused(f"Préréglage inconnu « {preset} » ({', '.join(PRESETS)}).")
        columns = {**PRESETS[preset].columns, **(columns or {})}
        constants = {**PRESETS[preset].constants, **(constants or {})}
    with source_open(source=source) as src:
        values = attributes_read(
            path=src.path, label=src.label, columns=columns, constants=constants or {}
        )
    summary = ImportSummary("qpv_attributes", src.label, src.sha256, generation=generation)
    with transaction.atomic():
        qpvs = {q.code: q for q in QPV.objects.filter(generation=generation, code__in=values)}
        unknown = sorted(set(values) - set(qpvs))
        if unknown:
            summary.warnings.append(
                f"{len(unknown)} code(s) QPV absent(s) du référentiel (géographie {generation}), "
                f"lignes ignorées : {codes_listed(unknown)}"
            )
        changed = []
        for code, qpv in qpvs.items():
            if all(getattr(qpv, f) == v for f, v in values[code].items()):
                summary.unchanged += 1
                continue
            for name, value in values[code].items():
                setattr(qpv, name, value)
            changed.append(qpv)
        summary.changed = len(changed)
        summary.codes = {"changed": sorted(q.code for q in changed)}  # the import screen's diff
        if apply:
            fields = sorted({f for v in values.values() for f in v})
            QPV.objects.bulk_update(changed, fields, batch_size=500)
            import_run_record(summary=summary)
    return summary
