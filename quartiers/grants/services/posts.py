"""Import the adultes-relais and FONJEP posts of `financements_nord/` (PROVENANCE A2).

Files ``adulte-relais-<year>_nord.csv`` and ``postes-fonjep-<year>_nord.csv``: one row per post
and year (``id_poste, raison_sociale, annee, montant, code_cv`` and, when given, ``code_tiers``:
the employer's SIRET). Rows of one post and year are added up (the 2024 and 2025 FONJEP files
split some posts over several rows). Every file is validated before anything is written; the
import is atomic, dry-run by default, and a second run changes nothing.

A year whose total is far below (or above) the other years is reported: the 2025
adulte-relais file carries 2.49 M€ against 8.5–9.9 M€ the years before (one 7,164 € line per
post), probably a partial year.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from quartiers.contracts.models import Contract, ContractQPV
from quartiers.geography.importers.sources import source_open, text_read
from quartiers.geography.importers.summary import import_run_record
from quartiers.grants.models import FundedPost, PostScheme, PostYear
from quartiers.shared.imports import KIND_LABELS, ImportRefused, ImportSummary, codes_listed

KIND_LABELS.setdefault("posts", "Postes adultes-relais et FONJEP")
POSTS_DIR = Path("financements_nord")
FILES = {
    PostScheme.ADULTE_RELAIS: re.compile(r"^adulte-relais-(\d{4})_\w+\.csv$"),
    PostScheme.FONJEP: re.compile(r"^postes-fonjep-(\d{4})_\w+\.csv$"),
}
REQUIRED = ("id_poste", "raison_sociale", "annee", "montant", "code_cv")
SIRET = re.compile(r"^\d{14}$")
# A year below half (or above one and a half times) the median of the others is flagged.
LOW, HIGH = Decimal("0.5"), Decimal("1.5")


@dataclass
class PostRow:
    scheme: str
    post_id: str
    year: int
    amount: Decimal
    contract_code: str
    employer: str
    siret: str
    rows: int = 1


@dataclass
class PostsRead:
    rows: dict[tuple[str, str, int], PostRow] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _amount(raw: str, where: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ImportRefused(f"{where} : montant « {raw} » illisible.") from exc
    if not value.is_finite() or value < 0:
        raise ImportRefused(f"{where} : montant « {raw} » invalide (positif attendu).")
    return value.quantize(Decimal("0.01"))


def _file_read(read: PostsRead, *, path: Path, label: str, scheme: str, year: int) -> None:
    reader = csv.DictReader(io.StringIO(text_read(path=path, label=label), newline=""))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused(f"{label}, ligne 1 : colonne(s) absente(s) : {', '.join(missing)}.")
    not_siret = 0
    for record in reader:
        line = reader.line_num
        where = f"{label}, ligne {line}"
        post_id = (record["id_poste"] or "").strip()
        if not post_id:
            raise ImportRefused(f"{where}, colonne « id_poste » : identifiant vide.")
        if (record["annee"] or "").strip() != str(year):
            raise ImportRefused(
                f"{where}, colonne « annee » : « {record['annee']} » au lieu de {year} "
                "(l'année du nom du fichier)."
            )
        amount = _amount(record["montant"] or "", f"{where}, colonne « montant »")
        siret = (record.get("code_tiers") or "").strip()
        if siret and not SIRET.match(siret):
            not_siret += 1
            siret = ""
        key = (scheme, post_id, year)
        row = read.rows.get(key)
        if row is None:
            read.rows[key] = PostRow(
                scheme=scheme,
                post_id=post_id,
                year=year,
                amount=amount,
                contract_code=(record["code_cv"] or "").strip(),
                employer=(record["raison_sociale"] or "").strip()[:200],
                siret=siret,
            )
        else:
            row.amount += amount
            row.rows += 1
    if not_siret:
        read.warnings.append(
            f"{label} : {not_siret} code(s) tiers ne sont pas des SIRET (14 chiffres) — ignorés."
        )


def posts_files_read(*, directory: Path) -> PostsRead:
    read = PostsRead()
    paths = sorted(Path(directory).glob("*.csv"))
    for path in paths:
        for scheme, pattern in FILES.items():
            match = pattern.match(path.name)
            if match:
                with source_open(source=path) as src:
                    _file_read(
                        read, path=src.path, label=src.label, scheme=scheme, year=int(match[1])
                    )
                    read.sources.append(f"{path.name} ({src.sha256[:12]})")
    if not read.sources:
        raise ImportRefused(
            f"Aucun fichier adulte-relais-AAAA_*.csv ou postes-fonjep-AAAA_*.csv dans {directory}."
        )
    split = sorted({f"{r.post_id} ({r.year})" for r in read.rows.values() if r.rows > 1})
    if split:
        read.warnings.append(
            f"{len(split)} poste(s)-année(s) sur plusieurs lignes, montants additionnés : "
            f"{codes_listed(split)}."
        )
    read.warnings += posts_year_anomalies(totals=_totals(read.rows.values()))
    return read


def _totals(rows: Iterable[PostRow]) -> dict[tuple[str, int], Decimal]:
    totals: dict[tuple[str, int], Decimal] = {}
    for row in rows:
        totals[row.scheme, row.year] = totals.get((row.scheme, row.year), Decimal(0)) + row.amount
    return totals


def posts_year_anomalies(*, totals: dict[tuple[str, int], Decimal]) -> list[str]:
    """French warnings for the years far from the median of the scheme's other years."""
    messages = []
    for scheme in PostScheme:
        years = {y: t for (s, y), t in totals.items() if s == scheme}
        for year, total in sorted(years.items()):
            others = [t for y, t in years.items() if y != year]
            if len(others) < 2:
                continue
            median = Decimal(statistics.median(others))
            if total < median * LOW:
                messages.append(
                    f"{scheme.label} {year} : {total:,.0f} € contre {median:,.0f} € (médiane des "
                    "autres années) — fichier probablement partiel, montants de l'année "
                    "incomplets.".replace(",", " ")
                )
            elif total > median * HIGH:
                messages.append(
                    f"{scheme.label} {year} : {total:,.0f} € contre {median:,.0f} € (médiane des "
                    "autres années) — montant anormalement élevé (lignes en double dans la "
                    "source ?), à vérifier.".replace(",", " ")
                )
    return messages


def posts_import(*, directory: Path, apply: bool = False) -> ImportSummary:
    """Validate every file, then write posts and their years (see the module docstring)."""
    read = posts_files_read(directory=directory)
    summary = ImportSummary(kind="posts", source=f"{directory} : " + ", ".join(read.sources))
    summary.warnings = read.warnings
    with transaction.atomic():
        contracts = dict(Contract.objects.values_list("code", "id"))
        single_qpv = _single_qpv_of_contracts()
        unknown = sorted({r.contract_code for r in read.rows.values()} - set(contracts))
        if unknown:
            summary.warnings.append(
                f"{len(unknown)} code(s) de contrat absent(s) du registre, gardés tels quels : "
                f"{codes_listed(unknown)}."
            )
        posts = {(p.scheme, p.post_id): p for p in FundedPost.objects.all()}
        latest: dict[tuple[str, str], PostRow] = {}
        for row in sorted(read.rows.values(), key=lambda r: r.year):
            latest[row.scheme, row.post_id] = row
        for key, row in latest.items():
            post = posts.get(key)
            qpv_id = single_qpv.get(row.contract_code)
            if post is None:
                posts[key] = FundedPost.objects.create(
                    scheme=row.scheme,
                    post_id=row.post_id,
                    employer_name=row.employer,
                    employer_siret=row.siret,
                    qpv_id=qpv_id,
                )
            elif (post.employer_name, post.employer_siret) != (row.employer, row.siret) or (
                post.qpv_id is None and qpv_id
            ):
                post.employer_name, post.employer_siret = row.employer, row.siret
                post.qpv_id = post.qpv_id or qpv_id
                post.save(update_fields=["employer_name", "employer_siret", "qpv"])
        _years_write(summary, read, posts, contracts)
        if apply:
            import_run_record(summary=summary)
        else:
            transaction.set_rollback(True)
    return summary


def _single_qpv_of_contracts() -> dict[str, int]:
    """Contract code → its QPV id, for the 2024 contracts linked to exactly one QPV."""
    links: dict[str, list[int]] = {}
    for code, qpv_id in ContractQPV.objects.values_list("contract__code", "qpv_id"):
        links.setdefault(code, []).append(qpv_id)
    return {code: ids[0] for code, ids in links.items() if len(ids) == 1}


def _years_write(
    summary: ImportSummary, read: PostsRead, posts: dict[Any, Any], contracts: dict[Any, Any]
) -> None:
    existing = {
        (y.post.scheme, y.post.post_id, y.year): y for y in PostYear.objects.select_related("post")
    }
    for key, row in read.rows.items():
        values = {
            "amount": row.amount,
            "contract_id": contracts.get(row.contract_code),
            "contract_code": row.contract_code,
            "source_rows": row.rows,
        }
        year = existing.get(key)
        if year is None:
            PostYear.objects.create(post=posts[key[0], key[1]], year=row.year, **values)
            summary.added += 1
        elif any(getattr(year, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(year, name, value)
            year.save()
            summary.changed += 1
        else:
            summary.unchanged += 1
    covered = {(r.scheme, r.year) for r in read.rows.values()}
    stale = [
        y.pk for key, y in existing.items() if (key[0], key[2]) in covered and key not in read.rows
    ]
    if stale:
        PostYear.objects.filter(pk__in=stale).delete()
        summary.removed = len(stale)
