"""Import of a Dauphin-style extract (CSV, columns in docs/grants.md): dry-run by default,
atomic, French errors naming file, line and column; an ImportRun row when applied."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from quartiers.contracts.choices import Theme
from quartiers.contracts.models import Contract
from quartiers.core.access import Perm, access_require
from quartiers.core.uploads.csvsafe import CsvReadError, csv_rows
from quartiers.geography.importers.summary import import_run_record
from quartiers.geography.models import QPV
from quartiers.grants.access import Steering
from quartiers.grants.choices import (
    FUND_FUNDER,
    AidForm,
    ApplicationStatus,
    BudgetSide,
    Fund,
    ObjectKind,
    PeriodKind,
    RequestKind,
)
from quartiers.grants.identifiers import rna_check, siret_check
from quartiers.grants.models import Application, Association, BudgetLine, CallForProjects
from quartiers.grants.services.applications import reference_next
from quartiers.grants.services.money import amount_parse
from quartiers.shared.imports import ImportRefused, ImportSummary

if TYPE_CHECKING:
    from typing_extensions import Buffer

COLUMNS = (
    "numero_dossier",
    "annee",
    "code_contrat",
    "siret",
    "rna",
    "nom_association",
    "intitule_action",
    "thematique",
    "credits",
    "cout_total",
    "montant_demande",
    "montant_accorde",
    "statut",
    "qpv",
)
OPTIONAL = ("rna", "montant_accorde", "qpv")  # columns present, values may be empty
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)
IMPORTABLE_STATUSES = (
    ApplicationStatus.FILED,
    ApplicationStatus.REVIEW,
    ApplicationStatus.DELEGATE_OPINION,
    ApplicationStatus.COMMITTEE,
    ApplicationStatus.GRANTED,
    ApplicationStatus.REFUSED,
)


class _RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


@dataclass
class DauphinRow:
    number: str
    year: int
    contract: Contract
    siret: str
    rna: str
    association_name: str
    title: str
    theme: str
    fund: str
    total_cost: Decimal
    requested: Decimal
    granted: Decimal | None
    status: str
    qpv_codes: list[str]


def _amount(row: dict[str, str], column: str, *, optional: bool = False) -> Decimal | None:
    text = (row.get(column) or "").strip()
    if not text and optional:
        return None
    try:
        return amount_parse(text)
    except ValueError as exc:
        raise _RowError(column, f"montant illisible « {text} » (ex. 12 500,00)") from exc


def _row_parse(row: dict[str, str], contracts: dict[str, Contract]) -> DauphinRow:
    for column in REQUIRED:
        if not (row.get(column) or "").strip():
            raise _RowError(column, "valeur manquante")
    try:
        year = int(row["annee"])
    except ValueError as exc:
        raise _RowError("annee", f"année illisible « {row['annee']} »") from exc
    contract = contracts.get(row["code_contrat"].strip())
    if contract is None:
        raise _RowError("code_contrat", f"contrat inconnu « {row['code_contrat']} »")
    try:
        siret = siret_check(row["siret"])
    except ValidationError as exc:
        raise _RowError("siret", " ".join(exc.messages)) from exc
    try:
        rna = rna_check(row.get("rna") or "")
    except ValidationError as exc:
        raise _RowError("rna", " ".join(exc.messages)) from exc
    theme = row["thematique"].strip()
    if theme not in Theme.values:
        raise _RowError(
            "thematique", f"thématique inconnue « {theme} » ({', '.join(Theme.values)})"
        )
    fund = row["credits"].strip()
    if fund not in Fund.values:
        raise _RowError("credits", f"crédits inconnus « {fund} » (bop147 ou fonds_vert)")
    status = row["statut"].strip()
    if status not in IMPORTABLE_STATUSES:
        raise _RowError(
            "statut", f"statut « {status} » non importable ({', '.join(IMPORTABLE_STATUSES)})"
        )
    total = cast(Decimal, _amount(row, "cout_total"))  # not optional: never None
    requested = cast(Decimal, _amount(row, "montant_demande"))
    granted = _amount(row, "montant_accorde", optional=True)
    if requested > total:
        raise _RowError("montant_demande", "montant demandé supérieur au coût total de l'action")
    if status == ApplicationStatus.GRANTED and not granted:
        raise _RowError("montant_accorde", "montant accordé manquant pour une demande accordée")
    if granted is not None and granted > requested:
        raise _RowError("montant_accorde", "montant accordé supérieur au montant demandé")
    codes = [c.strip() for c in (row.get("qpv") or "").split("|") if c.strip()]
    return DauphinRow(
        number=row["numero_dossier"].strip(),
        year=year,
        contract=contract,
        siret=siret,
        rna=rna,
        association_name=row["nom_association"].strip(),
        title=row["intitule_action"].strip(),
        theme=theme,
        fund=fund,
        total_cost=total,
        requested=requested,
        granted=granted,
        status=status,
        qpv_codes=codes,
    )


def _row_apply(parsed: DauphinRow, qpvs: dict[str, QPV], summary: ImportSummary) -> None:
    association, _ = Association.objects.get_or_create(
        siret=parsed.siret,
        defaults={
            "name": parsed.association_name,
            "siren": parsed.siret[:9],
            "rna_number": parsed.rna,
        },
    )
    call, created = CallForProjects.objects.get_or_create(
        contract=parsed.contract,
        year=parsed.year,
        defaults={
            "title": f"Appel à projets {parsed.year} — {parsed.contract.name}",
            "opens_on": date(parsed.year - 1, 10, 1),
            "pre_application_deadline": date(parsed.year - 1, 11, 30),
        },
    )
    if created:
        summary.warnings.append(
            f"Appel à projets {parsed.year} créé pour le contrat {parsed.contract.code}."
        )
    values: dict[str, Any] = {
        "association": association,
        "call": call,
        "status": parsed.status,
        "fund": parsed.fund,
        "aid_form": AidForm.CASH,
        "request_kind": RequestKind.FIRST,
        "object_kind": ObjectKind.ACTION,
        "period_kind": PeriodKind.ANNUAL,
        "action_title": parsed.title,
        "action_description": "Importé de Dauphin.",
        "objectives": "—",
        "target_public": "—",
        "theme": parsed.theme,
        "starts_on": date(parsed.year, 1, 1),
        "ends_on": date(parsed.year, 12, 31),
        "amount_granted": parsed.granted,
    }
    application = Application.objects.filter(dauphin_number=parsed.number).first()
    if application is None:
        application = Application.objects.create(
            dauphin_number=parsed.number, reference=reference_next(call=call), **values
        )
        summary.added += 1
    elif any(getattr(application, k) != v for k, v in values.items()):
        for key, value in values.items():
            setattr(application, key, value)
        application.save()
        summary.changed += 1
    else:
        summary.unchanged += 1
    application.qpvs.set([qpvs[c] for c in parsed.qpv_codes])
    application.budget_lines.all().delete()
    other = parsed.total_cost - parsed.requested
    lines = [
        BudgetLine(
            application=application,
            side=BudgetSide.EXPENSE,
            account="60",
            label="Coût total de l'action (extrait Dauphin)",
            amount=parsed.total_cost,
        ),
        BudgetLine(
            application=application,
            side=BudgetSide.INCOME,
            account="74",
            funder=FUND_FUNDER[Fund(parsed.fund)],
            label="Demande à l'État (extrait Dauphin)",
            amount=parsed.requested,
        ),
    ]
    if other:
        lines.append(
            BudgetLine(
                application=application,
                side=BudgetSide.INCOME,
                account="75",
                label="Autres produits (extrait Dauphin)",
                amount=other,
            )
        )
    BudgetLine.objects.bulk_create(lines)


class _Hashing(io.RawIOBase):
    """A binary file read once, hashed as it is read (the parse and the SHA-256 share a pass)."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Buffer) -> int:
        count: int = self._handle.readinto(buffer)  # type: ignore[attr-defined]
        self.digest.update(memoryview(buffer)[:count])
        return count

    def hexdigest(self) -> str:
        while chunk := self._handle.read(1 << 20):  # an unread end (never parsed)
            self.digest.update(chunk)
        return self.digest.hexdigest()


def dauphin_max_rows() -> int:
    return int(settings.DAUPHIN_MAX_ROWS)


def _rows_parse(lines: Iterator[str], name: str) -> list[DauphinRow]:
    """Parse every row (streamed, at most DAUPHIN_MAX_ROWS), refused at the first error."""
    records = csv_rows(lines, delimiter=";")
    first = next(records, None)
    header = [c.strip() for c in first[1]] if first else []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(f"{name}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}.")
    contracts = {c.code: c for c in Contract.objects.all()}
    qpvs = set(QPV.objects.of_generation(2024).values_list("code", flat=True))
    limit = dauphin_max_rows()
    parsed: list[DauphinRow] = []
    seen: set[Any] = set()
    records = csv_rows(lines, delimiter=";", first_line=2, header=header)
    for line_number, fields in records:
        if not fields:
            continue
        if len(parsed) >= limit:
            raise ImportRefused(
                f"{name}, ligne {line_number} : plus de {limit} dossiers ; la limite est de "
                f"{limit} lignes par extrait et la lecture s'est arrêtée là. Découpez "
                "l'extrait (par année ou par contrat)."
            )
        row = dict(zip(header, fields, strict=False))
        try:
            item = _row_parse(row, contracts)
            unknown = [c for c in item.qpv_codes if c not in qpvs]
            if unknown:
                raise _RowError("qpv", f"QPV inconnu(s) : {', '.join(unknown)}")
            if item.number in seen:
                raise _RowError(
                    "numero_dossier", f"dossier {item.number} en double dans le fichier"
                )
        except _RowError as exc:
            raise ImportRefused(
                f"{name}, ligne {line_number}, colonne « {exc.column} » : {exc}."
            ) from exc
        seen.add(item.number)
        parsed.append(item)
    return parsed


def dauphin_import(
    *, path: Path, apply: bool = False, name: str = "", user: Any = None
) -> ImportSummary:
    """Read the extract once (streamed: a row limit, never the whole file in memory), refuse
    it at the first error (file, line, column), else apply. The préfecture only (`user` None:
    the system, a management command)."""
    access_require(user, Perm.EDIT, Steering)
    path = Path(path)
    name = name or path.name
    with path.open("rb", buffering=0) as raw:
        hashing = _Hashing(raw)
        text = io.TextIOWrapper(io.BufferedReader(hashing), encoding="utf-8-sig", newline="")
        try:
            parsed = _rows_parse(iter(text), name)
        except UnicodeDecodeError as exc:
            raise ImportRefused(f"{name} : le fichier doit être encodé en UTF-8.") from exc
        except CsvReadError as exc:
            raise ImportRefused(f"{name}, {exc}") from exc
        sha256 = hashing.hexdigest()
    summary = ImportSummary(kind="grants_dauphin", source=name, sha256=sha256)
    qpvs = {q.code: q for q in QPV.objects.of_generation(2024)}
    with transaction.atomic():
        sid = transaction.savepoint()
        for item in parsed:
            _row_apply(item, qpvs, summary)
        if apply:
            transaction.savepoint_commit(sid)
            import_run_record(summary=summary)
        else:
            transaction.savepoint_rollback(sid)
    return summary
