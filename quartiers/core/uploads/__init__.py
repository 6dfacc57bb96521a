"""Uploads that cannot hurt the server or the data (docs/imports.md): the bounded upload
handler and per-route limits (handler.py), the private upload-temp directory and its purge
(tempfiles.py), XLSX guards (xlsx.py), CSV reading with French errors (csvsafe.py)."""

from quartiers.core.uploads.xlsx import (
    UnsafeUploadError,
    xlsx_max_uncompressed,
    xlsx_safety_check,
)

__all__ = ["UnsafeUploadError", "xlsx_max_uncompressed", "xlsx_safety_check"]
