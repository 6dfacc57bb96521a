"""Benchmark: peak memory (RSS) of the web process per upload size, against an idle process
of the same run.

Usage: .venv/bin/python bench/uploads.py [--sizes 1 10 50 200]

Each case runs in a fresh child process that does what the beneficiaries' upload route does:
Django's multipart parser reads a real multipart body from a file (a WSGI input stream, as
gunicorn hands it over) through the app's upload handler with the route's limit
(BENEFICIARIES_MAX_UPLOAD_BYTES), then the file is read once (beneficiaries.py: rows kept as
numbers only). CSV of coordinates of 1/10/50/200 MB, and a zip-bomb-like XLSX (a 4 MB workbook
whose shared strings unpack to 175 MB). The baseline is a child that only starts Django. The
outputs are checked: the rows parsed (counted independently when the file is written), or the
French refusal naming the limit. Last line: ``worst_ratio=<peak RSS / idle RSS>``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROW = b"3.0760;50.6150\n"
BOUNDARY = b"----bench"


def _csv(path: Path, megabytes: int) -> int:
    rows = megabytes * 1_000_000 // len(ROW)
    with path.open("wb") as handle:
        handle.write(b"lon;lat\n")
        block = ROW * 10_000
        for _ in range(rows // 10_000):
            handle.write(block)
        handle.write(ROW * (rows % 10_000))
    return rows


def _xlsx_bomb(path: Path, unpacked_mb: int = 175) -> None:
    """A workbook of one column whose shared strings table unpacks to ``unpacked_mb`` MB."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["adresse"])
    workbook.active.append(["1 rue de Lille"])
    workbook.save(path)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part,
    ):
        part.write(b"<sst>")
        written, i = 0, 0
        while written < unpacked_mb * 1_000_000:
            chunk = b"".join(
                f"<si><t>{n} rue {n * 7919 % 100_003} Lille</t></si>".encode()
                for n in range(i, i + 10_000)
            )
            part.write(chunk)
            written, i = written + len(chunk), i + 10_000
        part.write(b"</sst>")


def _multipart(source: Path, name: str, target: Path) -> None:
    with target.open("wb") as out, source.open("rb") as data:
        out.write(b"--" + BOUNDARY + b"\r\n")
        out.write(f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode())
        out.write(b"Content-Type: application/octet-stream\r\n\r\n")
        while chunk := data.read(1 << 20):
            out.write(chunk)
        out.write(b"\r\n--" + BOUNDARY + b"--\r\n")


def child(body: str, name: str) -> None:
    """One upload in this process; prints JSON {peak_kb, rows | refused}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result: dict = {}
    if body:
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIRequest

        from quartiers.core.uploads.handler import upload_refusal
        from quartiers.georef.batch.columns import columns_detect
        from quartiers.georef.batch.errors import BatchInputError
        from quartiers.grants.services.beneficiaries import _rows_collect, _table_open
        from quartiers.grants.services.errors import GrantRefused

        size = Path(body).stat().st_size
        with open(body, "rb") as stream:
            request = WSGIRequest({
                "REQUEST_METHOD": "POST", "PATH_INFO": "/", "wsgi.input": stream,
                "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY.decode()}",
                "CONTENT_LENGTH": str(size), "SERVER_NAME": "bench", "SERVER_PORT": "80",
            })  # fmt: skip
            request.upload_max_bytes = int(settings.BENEFICIARIES_MAX_UPLOAD_BYTES)
            refused = upload_refusal(request)
        if refused:
            result["refused"] = refused
        else:
            upload = request.FILES["file"]
            try:
                with _table_open(Path(upload.temporary_file_path())) as (header, records):
                    rows = _rows_collect(records, columns_detect(header=header), name=name)
                result["rows"] = rows.count
            except (GrantRefused, BatchInputError) as exc:
                result["refused"] = str(exc)
            finally:
                upload.close()
    result["peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def _run(body: Path | None, name: str, env: dict[str, str]) -> tuple[dict, float]:
    started = time.monotonic()
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(body or ""), name],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1]), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        env = {**os.environ, "UPLOAD_TEMP_DIR": str(folder / "upload-tmp"),
               "BENEFICIARIES_MAX_ROWS": "100000000"}  # fmt: skip
        limit = 30 * 1024 * 1024
        idle, _ = _run(None, "", env)
        print(f"idle process: peak RSS {idle['peak_kb'] / 1024:.0f} MB (baseline)")
        worst = 1.0
        cases = [(f"{mb} MB CSV", mb) for mb in args.sizes] + [("XLSX, 175 MB strings", 0)]
        for label, mb in cases:
            source = folder / ("b.csv" if mb else "b.xlsx")
            rows = _csv(source, mb) if mb else (_xlsx_bomb(source) or 0)
            body = folder / "body"
            _multipart(source, source.name, body)
            source.unlink()
            result, seconds = _run(body, source.name, env)
            body.unlink()
            ratio = result["peak_kb"] / idle["peak_kb"]
            worst = max(worst, ratio)
            if mb and mb * 1_000_000 <= limit:
                assert result.get("rows") == rows, (label, result)
                outcome = f"{result['rows']} rows parsed"
            else:
                text = result.get("refused", "")
                assert "la limite est de 31,5 Mo" in text or "sharedStrings" in text, text
                outcome = "refused: " + text[:70]
            print(
                f"{label:>22}: peak RSS {result['peak_kb'] / 1024:6.0f} MB, "
                f"x{ratio:.2f} idle, {seconds:5.1f} s, {outcome}"
            )
        assert not list((folder / "upload-tmp").iterdir()), "temporary uploads left behind"
        print(f"worst_ratio={worst:.2f}")


if __name__ == "__main__":
    main()
