"""The only upload handler of the app (settings.FILE_UPLOAD_HANDLERS): every uploaded file is
streamed, 64 KiB at a time, to a temporary file of the private upload-temp directory (never
kept in memory), and the upload is stopped as soon as a file passes the limit of its route.

The limit is ``request.upload_max_bytes`` — set from the view's ``@upload_limit`` by
RequestSizeLimitMiddleware (or by the API's authentication) before the body is read — else
the largest limit of the app. A file past it is dropped at once (its partial temporary file
deleted), the rest of the body is read and discarded without being kept, and
``request.upload_refused`` holds the French message that the view shows (upload_refusal()).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from quartiers.core.uploads.sizes import size_text
from quartiers.core.uploads.tempfiles import upload_temp_file


class PrivateTemporaryUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile in UPLOAD_TEMP_DIR, named after its process (tempfiles.py)."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None):
        _, ext = os.path.splitext(name or "")
        file = upload_temp_file(suffix=".upload" + ext.lower())
        UploadedFile.__init__(self, file, name, content_type, size, charset, content_type_extra)


def request_max_bytes() -> int:
    """The largest request body accepted on a route without its own limit: the largest upload
    limit of the app plus room for the form's other fields (REQUEST_MAX_BYTES overrides)."""
    configured = getattr(settings, "REQUEST_MAX_BYTES", 0)
    if configured:
        return int(configured)
    limits = [int(getattr(settings, name, 0)) for name in ROUTE_LIMIT_SETTINGS]
    return max([*limits, 512 * 1024 * 1024]) + 1024 * 1024


# Every per-route limit (bytes of one file), see docs/imports.md.
ROUTE_LIMIT_SETTINGS = (
    "GEOREF_MAX_UPLOAD_BYTES",
    "BENEFICIARIES_MAX_UPLOAD_BYTES",
    "DAUPHIN_MAX_UPLOAD_BYTES",
    "CONTRACT_DOCUMENT_MAX_BYTES",
    "IMPORT_MAX_UPLOAD_BYTES",
)


def too_large_text(size: int | None, limit: int) -> str:
    what = f" ({size_text(size)})" if size is not None else f" (plus de {size_text(limit)})"
    return (
        f"Fichier trop volumineux{what} : la limite est de {size_text(limit)} par fichier. "
        "Découpez-le en plusieurs fichiers. Rien n'a été enregistré."
    )


class BoundedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = int(getattr(self.request, "upload_max_bytes", 0) or request_max_bytes())
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.file = PrivateTemporaryUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()  # deletes the partial temporary file
            if self.request is not None:
                self.request.upload_refused = too_large_text(None, self.limit)
            raise StopUpload(connection_reset=False)  # the rest is read and discarded
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self) -> None:
        if hasattr(self, "file"):
            self.file.close()


def upload_refusal(request: HttpRequest) -> str:
    """The French message of an upload stopped while it was read ("" when none was)."""
    if request.method == "POST":
        request.FILES  # noqa: B018 (parses the body if nothing did yet)
    return getattr(request, "upload_refused", "")


def upload_limit(setting: str) -> Callable:
    """Declares the upload limit of a view: the name of the setting giving the bytes of one
    file (read at each request, so that tests and deployments can change it)."""

    def decorate(view: Callable) -> Callable:
        view.upload_limit_setting = setting
        return view

    return decorate
