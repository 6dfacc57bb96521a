"""manage.py georef INPUT OUTPUT [--generation] [--columns] [--delimiter] [--encoding]
[--format csv|xlsx] [--distances band|exact] [--header-line N] [--machine-names] [--queue]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quartiers.georef.batch import (
    BatchInputError,
    BatchOptions,
    Checkpoint,
    file_georeference,
    part_path,
)
from quartiers.georef.batch.columns import columns_parse
from quartiers.georef.batch.readers import source_inspect
from quartiers.georef.geocoder import GeocoderError
from quartiers.georef.loader import GeorefError


class Command(BaseCommand):
    # A data command: Django's system checks import every URLconf, view and template tag
    # module (WeasyPrint, the API's pydantic schemas…), about 1.5 s a run; `manage.py check`
    # (CI, deployment) runs them.
    requires_system_checks: list[str] = []
    help = (
        "Géoréférence un fichier CSV ou XLSX (adresses, longitude/latitude ou X/Y Lambert-93) : "
        "QPV, statut, distance à la limite, pour chaque ligne."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="Fichier CSV ou XLSX à traiter")
        parser.add_argument(
            "output", nargs="?", help="Fichier de résultat (CSV `;` UTF-8, ou XLSX)"
        )
        parser.add_argument("--generation", type=int, default=None, help="Défaut : 2024")
        parser.add_argument(
            "--columns",
            default="",
            help="Colonnes à utiliser, par exemple « lon=Longitude,lat=Latitude » ou "
            "« address=Adresse » (rôles : lon lat x y address number street postcode city insee)",
        )
        parser.add_argument("--delimiter", default=None, help="; , tab ou | (défaut : détecté)")
        parser.add_argument("--encoding", default=None, help="utf-8, cp1252, latin-1 (détecté)")
        parser.add_argument("--format", choices=["csv", "xlsx"], default=None)
        parser.add_argument(
            "--header-line", type=int, default=1, help="Ligne de l'en-tête (défaut : 1)"
        )
        parser.add_argument(
            "--machine-names",
            action="store_true",
            help="Noms techniques des colonnes ajoutées (qpv_code, status…) au lieu des noms "
            "français (code_qpv, statut…)",
        )
        parser.add_argument(
            "--distances",
            choices=["band", "exact"],
            default="exact",
            help="band : distance donnée jusqu'à la tolérance (10 m), vide au-delà (rapide) ; "
            "exact : distance de chaque point",
        )
        parser.add_argument(
            "--chunk-bytes",
            type=int,
            default=None,
            help="Taille des morceaux lus du CSV, en octets (mémoire, fréquence des reprises)",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="Confier le traitement à la file de tâches (un worker run_huey) au lieu de le "
            "faire ici ; affiche l'identifiant du traitement.",
        )

    def handle(self, *args, **options):
        source = Path(options["input"])
        if not source.exists():
            raise CommandError(f"Fichier introuvable : {source}")
        if not options["output"] and not options["queue"]:
            raise CommandError("Indiquez le fichier de résultat (ou --queue).")
        output = Path(options["output"] or "resultat.csv")
        fmt = options["format"] or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
        try:
            batch = BatchOptions(
                generation=options["generation"],
                columns=columns_parse(text=options["columns"]),
                delimiter=options["delimiter"],
                encoding=options["encoding"],
                output_format=fmt,
                distances=options["distances"],
                block_bytes=options["chunk_bytes"],
                header_line=options["header_line"],
                column_names="machine" if options["machine_names"] else "fr",
            )
            if options["queue"]:
                return self._queue(source, batch)
            info = source_inspect(
                path=source,
                encoding=batch.encoding,
                delimiter=batch.delimiter,
                header_line=batch.header_line,
            )
            for warning in info.warnings:
                self.stderr.write(f"Attention : {warning}")
            bar = ProgressBar(
                total=info.rows_estimate, stream=getattr(self.stderr, "_out", sys.stderr)
            )
            summary = file_georeference(
                source=source, output=output, options=batch, on_chunk=bar.update, info=info
            )
            bar.close(summary.rows)
        except (BatchInputError, GeorefError, GeocoderError) as exc:
            part_path(output).unlink(missing_ok=True)  # never leave a partial result behind
            raise CommandError(f"{source.name} : {exc}") from exc
        for line in summary.lines_fr():
            self.stdout.write(line)
        self.stdout.write(f"Résultat : {output}")

    def _queue(self, source: Path, batch: BatchOptions) -> None:
        from quartiers.georef.jobs.services import job_create

        with source.open("rb") as upload:
            job = job_create(owner=None, upload=upload, original_name=source.name, options=batch)
        self.stdout.write(str(job.id))


class ProgressBar:
    """Rows done / total (estimated), rate and time left, on stderr."""

    def __init__(self, *, total: int, stream) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.started = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def update(self, checkpoint: Checkpoint) -> bool:
        done = checkpoint.rows_done
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        total = max(self.total, done)
        left = (total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / total)
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} lignes "
            f"({rate:,.0f} lignes/s, reste {left:,.0f} s)"
        ).replace(",", " ")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()
        return True

    def close(self, rows: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        end = "\n" if self.tty else ""
        self.stream.write(f"{end}{rows:,} lignes en {elapsed:.1f} s.\n".replace(",", " "))
