"""An address file geocoded through the Géoplateforme protocol (local server over the real
addok): every row not plainly in or out says why, and the job's progress moves during the
geocoding (a checkpoint per chunk, not one at the end)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from quartiers.georef.batch import BatchOptions, file_georeference

pytestmark = pytest.mark.django_db


def _rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_address_rows_say_why_they_are_uncertain_or_not_geocoded(tmp_path, settings, geoplateforme):
    settings.GEOCODER_URL = geoplateforme.base_url
    source = tmp_path / "adresses.csv"
    source.write_text(
        "adresse\n"
        "19 Rue Denis Cordonnier 59580 Aniche\n"  # a house number of a QPV
        "Rue Denis Cordonnier 59580 Aniche\n"  # the street only
        "zzzz qqqq wwww\n"  # nothing
        "Rue de la Gare\n",  # many towns: a weak score, a second candidate as good
        encoding="utf-8",
    )
    output = tmp_path / "resultat.csv"
    summary = file_georeference(source=source, output=output, options=BatchOptions())
    house, street, nothing, ambiguous = _rows(output)
    assert (house["code_qpv"], house["statut"], house["remarque"]) == ("QN05934M", "en QPV", "")
    assert street["statut"] == "incertain"
    assert "adresse trouvée seulement au niveau de la voie" in street["remarque"]
    assert (nothing["statut"], nothing["remarque"]) == (
        "non géocodée",
        "adresse non trouvée par le géocodeur",
    )
    assert ambiguous["statut"] == "incertain"
    assert "deuxième candidat proche" in ambiguous["remarque"]
    assert summary.error_count == 0  # doubts are not input errors
    assert "/search/csv" in {path for _, path, _ in geoplateforme.log}


def test_progress_moves_while_an_address_file_is_geocoded(
    tmp_path, settings, data_dir, geoplateforme
):
    settings.GEOCODER_URL = geoplateforme.base_url
    with (data_dir / "adresses" / "adresses_nord_equipements_combined.csv").open() as handle:
        rows = list(csv.DictReader(handle))[:200]
    source = tmp_path / "adresses.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["adresse", "code_postal"])
        writer.writerows([r["adresse"], r["code_postal"]] for r in rows)
    done: list[int] = []
    file_georeference(
        source=source,
        output=tmp_path / "r.csv",
        options=BatchOptions(),
        on_chunk=lambda checkpoint: done.append(checkpoint.rows_done),
    )
    assert done[0] == 0 and done[-1] == 200
    assert len(done) >= 10  # about 20 chunks: the bar moves 5 % at a time
    assert done == sorted(done)
