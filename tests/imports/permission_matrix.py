"""The import screen in the permission matrix (picked up by tests/core/test_permission_matrix).

Préfecture only (administrator, agent): ImportRun has no access rule, so every other role is
refused (403, anonymous visitors to the login page). « Appliquer » is checked with a valid body
— the token of a verification of a tiny dispositifs file — and its ImportRun rows read back.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.geography.models import ImportRun
from quartiers.imports.deposits import deposit_create
from quartiers.imports.models import ImportPreview
from tests.bodies import import_apply_body
from tests.core.matrix import NOT_ALLOWED_GET, Case, Write, none, rows
from tests.imports.conftest import DISPOSITIFS_CSV

PREFECTURE_GET = ("login", "403", "403", "403", "200", "200")
# An empty POST is an invalid form (400) for the préfecture.
PREFECTURE_POST_INVALID = ("login", "403", "403", "403", "400", "400")

MATRIX: dict[str, Case] = {
    "imports:index": Case(args=none, get={"-": PREFECTURE_GET}),
    "imports:history": Case(args=none, get={"-": PREFECTURE_GET}),
    "imports:history_export": Case(args=lambda w, _: {"fmt": "csv"}, get={"-": PREFECTURE_GET}),
    "imports:preview": Case(
        args=lambda w, _: {"kind": "dispositifs"},
        get={"-": PREFECTURE_GET},
        post={"-": PREFECTURE_POST_INVALID},
    ),
    "imports:apply": Case(
        args=none,
        get={"-": NOT_ALLOWED_GET},
        post={"-": ("login", "403", "403", "403", "redirect", "redirect")},
        write=Write(
            body=lambda w, _: import_apply_body(w["import_preview"]), state=rows(ImportRun)
        ),
    ),
}


def world_extend(world: dict[str, Any]) -> None:
    """A verified deposit (in the upload-temp directory, purged like any deposit) and its
    verification, not applied yet (each role's POST is rolled back)."""
    deposit = deposit_create(
        kind="dispositifs",
        options={},
        uploads={"fichier": SimpleUploadedFile("dispositifs.csv", DISPOSITIFS_CSV.encode())},
        urls={},
    )
    world["import_preview"] = ImportPreview.objects.create(
        kind=deposit.kind, deposit_key=deposit.key
    )
