"""The contracts of any département from the national files (PROVENANCE.md, A2).

* 2024: ``geom_cv_ctr_2024_national_anct_civille2.geojson`` (448 contracts). Its 56 overseas
  ``CVnnn`` entries are legacy codes of the 2015–2023 generation (the same code, carrier and
  population as in the 2015 file, beside the new ``CN97…`` contract of the same carrier): they
  are imported as 2015 history, never as a 2024 contract.
* the contract × QPV table ``contrats_de_ville_2024_x_qpv2024_france_derived.csv`` is an
  **inference** (a territorial rule, not an official mapping). A QPV is « rattachement
  incertain » when the rule links it to two current contracts or more; the count ignores the
  legacy ``CVnnn`` rows. A contract of another département that covers one of this
  département's QPV (a QPV across a département border) is imported with it.
* 2015: ``geom_cv_ctr_2015_national_anct_civille.geojson`` (434 contracts, history).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from quartiers.contracts.importers import (
    CODE_PATTERNS,
    contract_links_import,
    contracts_import,
    link_rows_read,
)
from quartiers.geography.importers.sources import source_open, text_read
from quartiers.geography.models import QPV
from quartiers.shared.imports import ImportSummary, codes_listed, import_chain

NATIONAL_DIR = Path("contrats_nationaux")
NATIONAL_CONTRACT_FILES = {
    "contracts_2024": NATIONAL_DIR / "geom_cv_ctr_2024_national_anct_civille2.geojson",
    "links_2024": NATIONAL_DIR / "contrats_de_ville_2024_x_qpv2024_france_derived.csv",
    "contracts_2015": NATIONAL_DIR / "geom_cv_ctr_2015_national_anct_civille.geojson",
}
INFERENCE_NOTE = (
    "table contrat × QPV déduite par une règle territoriale (EPCI ou commune porteuse du "
    "contrat), pas une correspondance officielle"
)


def _is_legacy(code: str) -> bool:
    return bool(CODE_PATTERNS[2015].match(code))


class NationalSelection:
    """Which rows of the national files belong to one département (built once, reused)."""

    def __init__(self, *, departement: str) -> None:
        self.departement = departement
        self.qpv_codes = set(
            QPV.objects.filter(generation=2024, departement_code=departement).values_list(
                "code", flat=True
            )
        )
        self.linked_contracts: set[str] = set()

    def links(
        self, rows: list[tuple[int, str, str, int]], warnings: list[str]
    ) -> list[tuple[int, str, str, int]]:
        """This département's QPV links to current contracts, counts without legacy codes."""
        current: dict[str, set[str]] = defaultdict(set)
        for _, code, qpv, _ in rows:
            if not _is_legacy(code):
                current[qpv].add(code)
        kept, seen = [], set()
        for line, code, qpv, _ in rows:
            if qpv in self.qpv_codes and not _is_legacy(code) and (code, qpv) not in seen:
                seen.add((code, qpv))  # CN98701M carries two contracts in the source
                kept.append((line, code, qpv, len(current[qpv])))
        legacy = sorted({r[1] for r in rows if r[2] in self.qpv_codes and _is_legacy(r[1])})
        if legacy:
            warnings.append(
                f"{len(legacy)} code(s) CVnnn de la génération 2015 ignoré(s) dans la table "
                f"(contrats historiques, pas des contrats 2024) : {codes_listed(legacy)}."
            )
        declared = {qpv: n for _, _, qpv, n in rows}
        recounted = sorted({qpv for _, _, qpv, n in kept if n != declared[qpv]})
        if recounted:
            warnings.append(
                f"{len(recounted)} QPV : nb_contrats_qp de la source compte des codes CVnnn "
                f"historiques, recompté sans eux ({codes_listed(recounted)})."
            )
        uncertain = sorted({q for _, _, q, n in kept if n > 1})
        if uncertain:
            warnings.append(
                f"Inférence : {INFERENCE_NOTE} ; {len(uncertain)} QPV du département y sont "
                "rattachés à plusieurs contrats."
            )
        self.linked_contracts = {r[1] for r in kept}
        return kept

    def contracts_2024(self, features: list[dict[str, Any]], warnings: list[str]) -> list[dict]:
        return self._features(features, warnings, generation=2024)

    def contracts_2015(self, features: list[dict[str, Any]], warnings: list[str]) -> list[dict]:
        return self._features(features, warnings, generation=2015)

    def _features(
        self, features: list[dict[str, Any]], warnings: list[str], *, generation: int
    ) -> list[dict[str, Any]]:
        kept: dict[str, dict[str, Any]] = {}
        legacy, duplicates, others = [], [], []
        for feature in features:
            props = (feature or {}).get("properties") or {}
            code = str(props.get("code_cv") or "").strip()
            mine = str(props.get("insee_dep") or "") == self.departement
            if generation == 2024 and _is_legacy(code):
                if mine:
                    legacy.append(code)
                continue
            if not mine and not (generation == 2024 and code in self.linked_contracts):
                continue
            if code in kept:
                duplicates.append(code)
                continue
            if not mine:
                others.append(code)
            kept[code] = feature
        if legacy:
            warnings.append(
                f"{len(legacy)} code(s) CVnnn ignoré(s) : contrats de la génération 2015 "
                f"repris dans la liste 2024, conservés comme historique ({codes_listed(legacy)})."
            )
        if duplicates:
            warnings.append(
                f"Code(s) en double dans la source, première entité retenue : "
                f"{codes_listed(sorted(duplicates))}."
            )
        if others:
            warnings.append(
                f"{len(others)} contrat(s) d'un autre département couvrant un QPV de celui-ci, "
                f"importé(s) : {codes_listed(sorted(others))}."
            )
        return list(kept.values())


def contracts_import_departement(
    *, data_dir: Path, departement: str, apply: bool = False
) -> list[ImportSummary]:
    """Links first (they say which other contracts to bring), in one transaction."""
    files = {name: Path(data_dir) / rel for name, rel in NATIONAL_CONTRACT_FILES.items()}
    selection = NationalSelection(departement=departement)
    with import_chain(apply=apply) as summaries:
        # The links say which contracts of other départements to bring: read them first.
        with source_open(source=files["links_2024"]) as src:
            text = text_read(path=src.path, label=src.label)
            selection.links(link_rows_read(text=text, label=src.label, national=True), [])
        summaries += [
            contracts_import(
                source=files["contracts_2024"],
                generation=2024,
                select=selection.contracts_2024,
                apply=True,
            ),
            contract_links_import(source=files["links_2024"], select=selection.links, apply=True),
            contracts_import(
                source=files["contracts_2015"],
                generation=2015,
                select=selection.contracts_2015,
                apply=True,
            ),
        ]
    return summaries
