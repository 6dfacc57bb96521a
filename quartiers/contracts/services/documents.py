"""Contract documents: PDF only (checked by content, not by name), size-limited."""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from quartiers.contracts.models import Contract, ContractDocument
from quartiers.core.access import Perm, access_require
from quartiers.core.audit import AuditAction, audit_record

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class DocumentRefused(Exception):
    """An upload that is not an acceptable PDF; French message."""


def document_max_bytes() -> int:
    return int(getattr(settings, "CONTRACT_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def document_check(*, uploaded: UploadedFile[Any]) -> str:
    """Validate the upload and return its SHA-256."""
    limit = document_max_bytes()
    if uploaded.size is None or uploaded.size == 0:
        raise DocumentRefused("Le fichier est vide.")
    if uploaded.size > limit:
        raise DocumentRefused(
            f"Fichier trop volumineux : {uploaded.size / 1024 / 1024:.1f} Mo pour "
            f"{limit / 1024 / 1024:.0f} Mo au plus."
        )
    if not (uploaded.name or "").lower().endswith(".pdf"):
        raise DocumentRefused("Seuls les documents PDF (extension .pdf) sont acceptés.")
    uploaded.seek(0)
    head = uploaded.read(1024)
    if not head.startswith(PDF_MAGIC):
        raise DocumentRefused(
            "Ce fichier n'est pas un PDF valide (signature %PDF absente) : seuls les "
            "documents PDF sont acceptés."
        )
    uploaded.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def document_upload(
    *, contract: Contract, user: Any, title: str, uploaded: UploadedFile[Any]
) -> ContractDocument:
    access_require(user, Perm.EDIT, contract)
    sha256 = document_check(uploaded=uploaded)
    name = cast(str, uploaded.name)  # a .pdf name (document_check)
    title = title.strip() or name
    with transaction.atomic():
        document = ContractDocument(
            contract=contract,
            title=title,
            size=cast(int, uploaded.size),
            sha256=sha256,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        document.file.save(name, uploaded, save=False)
        document.save()
        audit_record(
            obj=document,
            user=user,
            action=AuditAction.CREATE,
            changes={"title": {"label": "Document", "before": None, "after": title}},
            note=f"Contrat {contract.code} — {uploaded.size} octets, SHA-256 {sha256[:12]}…",
        )
    return document
