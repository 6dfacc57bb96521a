"""Import the ANCT lists of contrats de ville and their QPV links (PROVENANCE.md §6).

* `contracts_import`: a GeoJSON of contracts (``code_cv``, ``codgeo``, ``lib_cv``), generation
  2024 (``CN05901I``…) or 2015 (``CV191``…). ``codgeo`` is the SIREN of the carrying EPCI
  (9 digits) or the INSEE code of the carrying commune (5 characters); it is kept as written
  and linked to the registry row when one exists (two 2015 SIRENs have changed since).
* `contract_links_import`: the derived CSV (one row per contract × QPV, ``nb_contrats_qp``).
  A QPV linked to several contracts gets the status « rattachement incertain »: the source does
  not say which contract covers it.

Dry run by default: the import runs inside a transaction that is rolled back, so nothing is
written; ``apply=True`` keeps it and records an ImportRun. Re-importing the same files changes
nothing. Contracts absent from a new file are kept (they carry actions and history) and listed.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from quartiers.contracts.choices import (
    DEFAULT_THEMES,
    ENDED_GENERATION,
    CarrierKind,
    ContractStatus,
    LinkStatus,
)
from quartiers.contracts.models import Contract, ContractQPV
from quartiers.geography.importers.sources import json_read, source_open, text_read
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.models import EPCI, QPV, Commune
from quartiers.shared.imports import (
    KIND_LABELS,
    ImportRefused,
    ImportSummary,
    codes_listed,
    import_chain,
)

KIND_LABELS.setdefault("contracts_2024", "Contrats de ville")
KIND_LABELS.setdefault("contracts_2015", "Contrats de ville")
KIND_LABELS.setdefault("contract_qpv", "QPV des contrats de ville 2024")

# Files of the Nord, relative to settings.DATA_DIR.
CONTRACT_FILES = {
    "contracts_2024": "qpv/contrats_de_ville_2024_nord.geojson",
    "links_2024": "qpv/contrats_de_ville_2024_nord_qpv.csv",
    "contracts_2015": "qpv/contrats_de_ville_2015_nord.geojson",
}
CODE_PATTERNS = {2024: re.compile(r"^CN[0-9AB]{3}\d{2}[A-Z]$"), 2015: re.compile(r"^CV\d{3}$")}
SIREN = re.compile(r"^\d{9}$")
INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
LABEL_PREFIX = re.compile(r"^[0-9AB]{2,3} - ")
IMPORTED_FIELDS = (
    "generation",
    "name",
    "source_label",
    "carrier_kind",
    "carrier_code",
    "carrier_epci_id",
    "carrier_commune_id",
)


def _features(*, path: Path, label: str) -> list[dict[str, Any]]:
    data = json_read(path=path, label=label)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRefused(f"{label} : une FeatureCollection GeoJSON est attendue.")
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not crs.endswith(("CRS84", "4326")):
        raise ImportRefused(f"{label} : système de coordonnées {crs} non pris en charge (WGS84).")
    return list(data.get("features") or [])


def _contract_rows(
    *, features: list[dict[str, Any]], generation: int, label: str
) -> dict[str, dict[str, Any]]:
    pattern = CODE_PATTERNS[generation]
    rows: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(features, start=1):
        props = (feature or {}).get("properties") or {}
        code = str(props.get("code_cv") or "").strip()
        where = f"{label}, entité n° {number}" + (f" ({code})" if code else "")
        missing = [k for k in ("code_cv", "codgeo", "lib_cv") if not props.get(k)]
        if missing:
            raise ImportRefused(f"{where} : propriété(s) manquante(s) {', '.join(missing)}.")
        if not pattern.match(code):
            raise ImportRefused(
                f"{where} : code de contrat « {code} » invalide pour la génération {generation}."
            )
        if code in rows:
            raise ImportRefused(f"{where} : contrat {code} en double.")
        codgeo = str(props["codgeo"]).strip()
        if SIREN.match(codgeo):
            kind = CarrierKind.EPCI
        elif INSEE.match(codgeo):
            kind = CarrierKind.COMMUNE
        else:
            raise ImportRefused(
                f"{where} : codgeo « {codgeo} » n'est ni un SIREN d'EPCI (9 chiffres) ni un "
                "code INSEE de commune (5 caractères)."
            )
        source_label = str(props["lib_cv"]).strip()
        rows[code] = {
            "generation": generation,
            "name": LABEL_PREFIX.sub("", source_label)[:200],
            "source_label": source_label[:250],
            "carrier_kind": kind,
            "carrier_code": codgeo,
        }
        if generation == ENDED_GENERATION:
            rows[code]["status"] = ContractStatus.ENDED  # history: always shown ended
    return rows


def _carriers_link(rows: dict[str, dict[str, Any]], warnings: list[str]) -> None:
    sirens = {r["carrier_code"] for r in rows.values() if r["carrier_kind"] == CarrierKind.EPCI}
    codes = {r["carrier_code"] for r in rows.values() if r["carrier_kind"] == CarrierKind.COMMUNE}
    epcis = {e.siren: e for e in EPCI.objects.filter(siren__in=sirens)}
    communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=codes)}
    for code, row in rows.items():
        found = (epcis if row["carrier_kind"] == CarrierKind.EPCI else communes).get(
            row["carrier_code"]
        )
        row["carrier_epci_id"] = found.pk if isinstance(found, EPCI) else None
        row["carrier_commune_id"] = found.pk if isinstance(found, Commune) else None
        what = "SIREN" if row["carrier_kind"] == CarrierKind.EPCI else "code INSEE"
        if found is None:
            warnings.append(
                f"{code} : porteur {what} {row['carrier_code']} absent du référentiel — code "
                "conservé tel quel, sans lien (SIREN changé depuis ?)."
            )
        elif isinstance(found, EPCI) and found.name.casefold() != row["name"].casefold():
            warnings.append(
                f"{code} : porteur « {row['name']} » dans la source, « {found.name} » dans le "
                "référentiel (même SIREN)."
            )


# Optional filters of a national file: (features or link rows, warnings) → the kept ones.
FeatureSelect = Callable[[list[dict[str, Any]], list[str]], list[dict[str, Any]]]
LinkSelect = Callable[[list[tuple[int, str, str, int]], list[str]], list[tuple[int, str, str, int]]]


def contracts_import(
    *,
    source: str | Path,
    generation: int,
    apply: bool = False,
    select: FeatureSelect | None = None,
) -> ImportSummary:
    """Import one GeoJSON list of contracts (see the module docstring).

    `select` keeps part of a national file (one département's contracts); it may add warnings.
    """
    if generation not in CODE_PATTERNS:
        raise ImportRefused(f"Génération de contrats inconnue : {generation} (2015 ou 2024).")
    with source_open(source=source) as src:
        summary = ImportSummary(
            kind=f"contracts_{generation}",
            source=src.label,
            sha256=src.sha256,
            generation=generation,
        )
        features = _features(path=src.path, label=src.label)
        if select is not None:
            features = select(features, summary.warnings)
        rows = _contract_rows(features=features, generation=generation, label=src.label)
    with transaction.atomic():
        _carriers_link(rows, summary.warnings)
        existing = {c.code: c for c in Contract.objects.filter(code__in=rows)}
        for code, row in rows.items():
            contract = existing.get(code)
            if contract is None:
                themes = list(DEFAULT_THEMES) if generation == 2024 else []
                Contract.objects.create(code=code, themes=themes, **row)
                summary.added += 1
                continue
            changed = [
                f
                for f in (*IMPORTED_FIELDS, "status")
                if f in row and getattr(contract, f) != row[f]
            ]
            if not changed:
                summary.unchanged += 1
                continue
            for name in changed:
                setattr(contract, name, row[name])
            contract.save(update_fields=[f.removesuffix("_id") for f in changed])
            summary.changed += 1
        absent = sorted(
            Contract.objects.filter(generation=generation)
            .exclude(code__in=rows)
            .values_list("code", flat=True)
        )
        if absent:
            summary.warnings.append(
                f"{len(absent)} contrat(s) absent(s) du fichier, conservé(s) : "
                f"{codes_listed(absent)}."
            )
        if apply:
            import_run_record(summary=summary)
        else:
            transaction.set_rollback(True)
    return summary


def link_rows_read(*, text: str, label: str, national: bool) -> list[tuple[int, str, str, int]]:
    """Rows of the links file; `national` accepts the overseas CVnnn codes and repeated pairs
    (two contracts share a code in the national source), left to the caller to sort out."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"code_cv", "code_qp", "nb_contrats_qp"} - set(reader.fieldnames or [])
    if missing:
        raise ImportRefused(
            f"{label}, ligne 1 : colonne(s) manquante(s) {', '.join(sorted(missing))}."
        )
    rows, seen = [], {}
    for record in reader:
        line = reader.line_num
        code, qpv = (record.get("code_cv") or "").strip(), (record.get("code_qp") or "").strip()
        legacy = national and CODE_PATTERNS[2015].match(code)
        if not (CODE_PATTERNS[2024].match(code) or legacy):
            raise ImportRefused(f"{label}, ligne {line} : code de contrat « {code} » invalide.")
        if not qpv:
            raise ImportRefused(f"{label}, ligne {line} : code QPV vide.")
        try:
            count = int(record.get("nb_contrats_qp") or "")
            if count < 1:
                raise ValueError
        except ValueError as exc:
            raise ImportRefused(
                f"{label}, ligne {line} : nb_contrats_qp « {record.get('nb_contrats_qp')} » "
                "n'est pas un entier positif."
            ) from exc
        if (code, qpv) in seen and not national:
            raise ImportRefused(
                f"{label}, ligne {line} : lien {code} — {qpv} déjà donné ligne {seen[code, qpv]}."
            )
        seen.setdefault((code, qpv), line)
        rows.append((line, code, qpv, count))
    return rows


def contract_links_import(
    *, source: str | Path, apply: bool = False, select: LinkSelect | None = None
) -> ImportSummary:
    """Import the contract × QPV links (2024 contracts and 2024 QPV).

    `select` keeps part of a national file (the links of one département's QPV).
    """
    with source_open(source=source) as src:
        summary = ImportSummary(
            kind="contract_qpv", source=src.label, sha256=src.sha256, generation=2024
        )
        rows = link_rows_read(
            text=text_read(path=src.path, label=src.label),
            label=src.label,
            national=select is not None,  # the national file keeps overseas CVnnn codes
        )
        if select is not None:
            rows = select(rows, summary.warnings)
    with transaction.atomic():
        contracts = {c.code: c for c in Contract.objects.filter(code__in={r[1] for r in rows})}
        qpvs = {
            q.code: q for q in QPV.objects.filter(generation=2024, code__in={r[2] for r in rows})
        }
        unknown_contracts = sorted({r[1] for r in rows} - set(contracts))
        if unknown_contracts:
            summary.warnings.append(
                f"Lignes ignorées : contrat(s) absent(s) du registre "
                f"({codes_listed(unknown_contracts)}) — importez d'abord les contrats."
            )
        rows = [r for r in rows if r[1] in contracts]
        for line, code, qpv, _ in rows:
            if qpv not in qpvs:
                raise ImportRefused(
                    f"{src.label}, ligne {line} : QPV {qpv} (contrat {code}) absent du registre "
                    "(géographie 2024)."
                )
        per_qpv = Counter(r[2] for r in rows)
        declared = defaultdict(set)
        for _, _, qpv, count in rows:
            declared[qpv].add(count)
        for qpv, counts in sorted(declared.items()):
            if counts != {per_qpv[qpv]}:
                summary.warnings.append(
                    f"QPV {qpv} : nb_contrats_qp = {', '.join(map(str, sorted(counts)))} mais "
                    f"{per_qpv[qpv]} contrat(s) dans le fichier (c'est ce décompte qui compte)."
                )
        wanted = {
            (code, qpv): (
                LinkStatus.UNCERTAIN if per_qpv[qpv] > 1 else LinkStatus.CERTAIN,
                per_qpv[qpv],
            )
            for _, code, qpv, _ in rows
        }
        existing = {
            (link.contract.code, link.qpv.code): link
            for link in ContractQPV.objects.filter(contract__in=contracts.values()).select_related(
                "contract", "qpv"
            )
        }
        for key, (status, count) in wanted.items():
            link = existing.get(key)
            if link is None:
                ContractQPV.objects.create(
                    contract=contracts[key[0]],
                    qpv=qpvs[key[1]],
                    link_status=status,
                    source_contract_count=count,
                )
                summary.added += 1
            elif (link.link_status, link.source_contract_count) != (status, count):
                link.link_status, link.source_contract_count = status, count
                link.save(update_fields=["link_status", "source_contract_count"])
                summary.changed += 1
            else:
                summary.unchanged += 1
        stale = [link.pk for key, link in existing.items() if key not in wanted]
        if stale:
            ContractQPV.objects.filter(pk__in=stale).delete()
            summary.removed = len(stale)
        uncertain = sorted({k[1] for k, v in wanted.items() if v[0] == LinkStatus.UNCERTAIN})
        if uncertain:
            summary.warnings.append(
                f"{len(uncertain)} QPV rattaché(s) à plusieurs contrats, rattachement "
                f"incertain : {codes_listed(uncertain)}."
            )
        if apply:
            import_run_record(summary=summary)
        else:
            transaction.set_rollback(True)
    return summary


def contracts_import_files(
    *,
    contracts_2024: str | Path,
    links: str | Path,
    contracts_2015: str | Path,
    apply: bool = False,
) -> list[ImportSummary]:
    """The three files, in order, in one transaction (a dry run keeps nothing)."""
    with import_chain(apply=apply) as summaries:
        summaries += [
            contracts_import(source=contracts_2024, generation=2024, apply=True),
            contract_links_import(source=links, apply=True),
            contracts_import(source=contracts_2015, generation=2015, apply=True),
        ]
    return summaries


def contracts_import_nord(*, data_dir: Path, apply: bool = False) -> list[ImportSummary]:
    """The Nord files of settings.DATA_DIR (PROVENANCE.md §6)."""
    files = {name: Path(data_dir) / rel for name, rel in CONTRACT_FILES.items()}
    return contracts_import_files(
        contracts_2024=files["contracts_2024"],
        links=files["links_2024"],
        contracts_2015=files["contracts_2015"],
        apply=apply,
    )
