"""Import the COG referential: départements, arrondissements, EPCI and communes.

Sources (the `referentiel/` files, COG 2024, from ``@etalab/decoupage-administratif``):

* départements: JSON list of ``{"code", "nom", "region"}``;
* EPCI: JSON list of ``{"code" (SIREN), "nom", "type", "populationMunicipale"}``;
* communes: CSV (comma, UTF-8) with ``code_insee, nom, arrondissement (COG code, e.g. "592"),
  codes_postaux ("|"-joined), population_municipale, siren_epci`` and optionally ``departement``;
* arrondissement names: the arrondissement contours GeoJSON (``code`` "59002" → COG "592").

Population vintage: ``COG <vintage>`` (the legal populations distributed with that COG edition).

Removal rule: communes and arrondissements absent from the file are removed only in the
départements the file covers; an EPCI absent from the file is removed only when no commune
outside those départements still belongs to it; départements are never removed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from quartiers.geography.importers.removals import removals_check
from quartiers.geography.importers.sources import json_read, source_open, text_read
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.importers.sync import ForeignKey, TableDiff, table_diff, table_write
from quartiers.geography.importers.vector import vector_read
from quartiers.geography.models import EPCI, Arrondissement, Commune, Departement, EpciKind
from quartiers.shared.imports import ImportRefused, ImportSummary

COMMUNE_COLUMNS = (
    "code_insee",
    "nom",
    "arrondissement",
    "codes_postaux",
    "population_municipale",
    "siren_epci",
)
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_SIREN = re.compile(r"^\d{9}$")
DEP_FK = ForeignKey("departement__insee_code", "departement_id", Departement, "insee_code")
ARR_FK = ForeignKey("arrondissement__insee_code", "arrondissement_id", Arrondissement, "insee_code")
EPCI_FK = ForeignKey("epci__siren", "epci_id", EPCI, "siren")


def departement_of(insee_code: str) -> str:
    """Département of a commune (or arrondissement) code: "59350" → "59", "97105" → "971"."""
    return insee_code[:3] if insee_code.startswith("97") else insee_code[:2]


def json_list_read(*, path: Path, label: str, keys: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """A JSON list of objects, each with the non-empty `keys`, else refused in French."""
    data = json_read(path=path, label=label)
    if not isinstance(data, list):
        raise ImportRefused(f"{label} : une liste JSON d'objets était attendue.")
    for number, item in enumerate(data, start=1):
        missing = [k for k in keys if not isinstance(item, dict) or item.get(k) in (None, "")]
        if missing:
            raise ImportRefused(
                f"{label}, élément n° {number} : champ(s) manquant(s) : {', '.join(missing)}."
            )
    return data


def departements_read(*, path: Path, label: str) -> dict[str, dict[str, Any]]:
    rows = json_list_read(path=path, label=label, keys=("code", "nom"))
    return {
        str(r["code"]): {"name": str(r["nom"]), "region_code": str(r.get("region") or "")}
        for r in rows
    }


def epcis_read(*, path: Path, label: str, vintage: str) -> tuple[dict[str, dict], list[str]]:
    rows = json_list_read(path=path, label=label, keys=("code", "nom", "type"))
    return epcis_parse(rows=rows, label=label, vintage=vintage)


def epcis_parse(
    *, rows: list[dict[str, Any]], label: str, vintage: str
) -> tuple[dict[str, dict], list[str]]:
    wanted, warnings = {}, []
    kinds = set(EpciKind.values)
    for number, r in enumerate(rows, start=1):
        siren = str(r["code"])
        if not _SIREN.match(siren):
            raise ImportRefused(f"{label}, élément n° {number} : SIREN « {siren} » invalide.")
        kind = str(r["type"])
        if kind not in kinds:
            warnings.append(
                f"EPCI {siren} : nature « {kind} » inconnue, enregistrée comme « Autre »."
            )
            kind = ""
        population = r.get("populationMunicipale")
        wanted[siren] = {
            "name": str(r["nom"]),
            "kind": kind,
            "population": int(population) if population is not None else None,
            "population_vintage": f"COG {vintage}" if population is not None else "",
        }
    return wanted, warnings


def _cell_int(value: str, where: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ImportRefused(f"{where} : entier positif attendu, trouvé « {value} ».")
    return number


def communes_read(
    *,
    path: Path,
    label: str,
    vintage: str,
    departement: str | None = None,
    population_column: str = "population_municipale",
) -> dict[str, dict[str, Any]]:
    """Communes of the file; with `departement`, only that département's rows (national file)."""
    reader = csv.DictReader(io.StringIO(text_read(path=path, label=label), newline=""))
    expected = [c if c != "population_municipale" else population_column for c in COMMUNE_COLUMNS]
    if departement:
        expected.append("departement")
    missing = [c for c in expected if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused(
            f"{label}, ligne 1 : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}."
        )
    wanted: dict[str, dict[str, Any]] = {}
    for row in reader:
        line = reader.line_num
        if departement and (row["departement"] or "").strip() != departement:
            continue

        def where(column: str, line: int = line) -> str:
            return f"{label}, ligne {line}, colonne « {column} »"

        code = (row["code_insee"] or "").strip()
        if not _INSEE.match(code):
            raise ImportRefused(f"{where('code_insee')} : code INSEE « {code} » invalide.")
        if code in wanted:
            raise ImportRefused(f"{where('code_insee')} : commune {code} en double.")
        siren = (row["siren_epci"] or "").strip()
        if siren and not _SIREN.match(siren):
            raise ImportRefused(f"{where('siren_epci')} : SIREN « {siren} » invalide.")
        population = _cell_int(row[population_column] or "", where(population_column))
        postcodes = [p for p in (row["codes_postaux"] or "").split("|") if p.strip()]
        wanted[code] = {
            "name": (row["nom"] or "").strip(),
            "departement__insee_code": (row.get("departement") or "").strip()
            or departement_of(code),
            "arrondissement__insee_code": (row["arrondissement"] or "").strip() or None,
            "epci__siren": siren or None,
            "population": population,
            "population_vintage": f"COG {vintage}" if population is not None else "",
            "postcodes": [p.strip() for p in postcodes],
        }
        if not wanted[code]["name"]:
            raise ImportRefused(f"{where('nom')} : nom de commune vide.")
    return wanted


def arrondissement_names_read(*, path: Path, label: str) -> dict[str, str]:
    """COG code → name, from the contours file ("59002" is written "592" in the COG)."""
    layer = vector_read(path=path, label=label)
    names = {}
    for feature in layer.features:
        code = str(feature.properties.get("code") or "")
        if len(code) >= 4 and code[-3:].isdigit():
            names[f"{code[:-3]}{int(code[-3:])}"] = str(feature.properties.get("nom") or "")
    return names


def _arrondissements_wanted(
    communes: dict[str, dict[str, Any]], names: dict[str, str], warnings: list[str]
) -> dict[str, dict[str, Any]]:
    wanted = {}
    for code in sorted({c["arrondissement__insee_code"] for c in communes.values()} - {None}):
        name = names.get(code)
        if not name:
            warnings.append(
                f"Arrondissement {code} : nom introuvable, nommé « Arrondissement {code} »."
            )
            name = f"Arrondissement {code}"
        wanted[code] = {"name": name, "departement__insee_code": departement_of(code)}
    return wanted


def _epci_removable(epci_wanted: dict[str, dict], departements: set[str]) -> set[str]:
    """EPCI absent from the file that no commune outside the file's départements belongs to."""
    kept = set(
        Commune.objects.exclude(departement__insee_code__in=departements)
        .exclude(epci=None)
        .values_list("epci__siren", flat=True)
    )
    return set(EPCI.objects.values_list("siren", flat=True)) - set(epci_wanted) - kept


def referential_import(
    *,
    departements: str | Path,
    epcis: str | Path,
    communes: str | Path,
    arrondissement_names: str | Path | None = None,
    vintage: str = "2024",
    apply: bool = False,
    force_removals: bool = False,
) -> list[ImportSummary]:
    """Import the four referential tables in one transaction; one summary per table.
    Removals of referenced rows, or of too many, are refused unless `force_removals`
    (importers/removals.py)."""
    summaries: dict[str, ImportSummary] = {}
    with source_open(source=departements) as src:
        dep_wanted = departements_read(path=src.path, label=src.label)
        summaries["departements"] = ImportSummary("departements", src.label, src.sha256)
    with source_open(source=epcis) as src:
        epci_wanted, epci_warnings = epcis_read(path=src.path, label=src.label, vintage=vintage)
        summaries["epci"] = ImportSummary("epci", src.label, src.sha256, warnings=epci_warnings)
    with source_open(source=communes) as src:
        commune_wanted = communes_read(path=src.path, label=src.label, vintage=vintage)
        summaries["communes"] = ImportSummary("communes", src.label, src.sha256)
        summaries["arrondissements"] = ImportSummary("arrondissements", src.label, src.sha256)
    names: dict[str, str] = {}
    if arrondissement_names:
        with source_open(source=arrondissement_names) as src:
            names = arrondissement_names_read(path=src.path, label=src.label)
            summaries["arrondissements"].source += f" + {src.label}"
    return referential_write(
        summaries=summaries,
        dep_wanted=dep_wanted,
        epci_wanted=epci_wanted,
        commune_wanted=commune_wanted,
        arrondissement_names=names,
        apply=apply,
        force_removals=force_removals,
    )


def referential_write(
    *,
    summaries: dict[str, ImportSummary],
    dep_wanted: dict[str, dict[str, Any]],
    epci_wanted: dict[str, dict[str, Any]],
    commune_wanted: dict[str, dict[str, Any]],
    arrondissement_names: dict[str, str],
    apply: bool,
    force_removals: bool = False,
) -> list[ImportSummary]:
    """Compare the read rows with the registry and write them (when `apply`), atomically.
    Removals of referenced rows, or of too many, are refused unless `force_removals`."""
    arr_wanted = _arrondissements_wanted(
        commune_wanted, arrondissement_names, summaries["arrondissements"].warnings
    )
    covered = {c["departement__insee_code"] for c in commune_wanted.values()}
    unknown = (
        covered - set(dep_wanted) - set(Departement.objects.values_list("insee_code", flat=True))
    )
    if unknown:
        raise ImportRefused(
            f"Département(s) {', '.join(sorted(unknown))} des communes absent(s) du fichier "
            "des départements et du référentiel."
        )
    with transaction.atomic():
        diffs = _diffs(dep_wanted, arr_wanted, epci_wanted, commune_wanted, covered)
        for kind, diff in diffs.items():
            diff.summary_fill(summaries[kind])
            _removals_check(diff, kind, summaries[kind], apply=apply, force=force_removals)
        for diff in diffs.values():
            if apply:
                table_write(diff)
        if apply:
            for summary in summaries.values():
                import_run_record(summary=summary)
    return [summaries[k] for k in ("departements", "arrondissements", "epci", "communes")]


REMOVED_WHAT = {"arrondissements": "arrondissements", "epci": "EPCI", "communes": "communes"}


def _removals_check(
    diff: TableDiff, kind: str, summary: ImportSummary, *, apply: bool, force: bool
) -> None:
    if kind not in REMOVED_WHAT or not diff.removed:
        return
    model, key = diff.model, diff.key
    removed = list(model.objects.filter(**{f"{key}__in": diff.removed}).values_list(key, "id"))
    try:
        removals_check(
            model=model,
            removed=removed,
            total=model.objects.count(),
            what=REMOVED_WHAT[kind],
            force=force,
            summary=summary,
        )
    except ImportRefused as exc:
        if apply:
            raise
        summary.warnings.insert(0, f"Avec --apply, l'import serait refusé. {exc}")


def _diffs(dep_wanted, arr_wanted, epci_wanted, commune_wanted, covered) -> dict[str, TableDiff]:
    # Order matters when writing: parents before children (dicts keep insertion order).
    arr_scope = Arrondissement.objects.filter(departement__insee_code__in=covered)
    commune_scope = Commune.objects.filter(departement__insee_code__in=covered)
    return {
        "departements": table_diff(model=Departement, key="insee_code", wanted=dep_wanted),
        "arrondissements": table_diff(
            model=Arrondissement,
            key="insee_code",
            wanted=arr_wanted,
            removable=arr_scope.values_list("insee_code", flat=True),
            foreign_keys=(DEP_FK,),
        ),
        "epci": table_diff(
            model=EPCI,
            key="siren",
            wanted=epci_wanted,
            removable=_epci_removable(epci_wanted, covered),
        ),
        "communes": table_diff(
            model=Commune,
            key="insee_code",
            wanted=commune_wanted,
            removable=commune_scope.values_list("insee_code", flat=True),
            foreign_keys=(DEP_FK, ARR_FK, EPCI_FK),
        ),
    }
