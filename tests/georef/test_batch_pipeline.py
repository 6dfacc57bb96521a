"""The file pipeline on real Nord points: results, output format, bad rows, summary."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from quartiers.georef.batch import BatchInputError, BatchOptions, file_georeference, part_path
from quartiers.georef.batch.chunks import block_process, csv_records, rows_process
from quartiers.georef.batch.readers import csv_blocks, source_inspect
from quartiers.georef.batch.results import RESULT_COLUMNS, qpv_names
from quartiers.georef.batch.summary import Summary, summary_chart_svg
from quartiers.georef.loader import GeorefError, points_locate
from tests.georef.batch_contexts import two_contexts

pytestmark = pytest.mark.django_db

ANICHE = ("3.250339", "50.323376")  # 19 rue Denis Cordonnier, Aniche: in QN05934M


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))


def _run(tmp_path: Path, text: str, **options) -> tuple[list[list[str]], Summary]:
    source = tmp_path / "entree.csv"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "sortie.csv"
    summary = file_georeference(
        source=source, output=output, options=BatchOptions(column_names="machine", **options)
    )
    return _read(output), summary


def test_nord_addresses_get_the_engines_answer_for_every_row(tmp_path, data_dir):
    source = data_dir / "adresses" / "adresses_nord_geocoder_tester.csv"
    output = tmp_path / "sortie.csv"
    summary = file_georeference(
        source=source, output=output, options=BatchOptions(column_names="machine")
    )
    rows = _read(output)
    header, body = rows[0], rows[1:]
    with source.open(encoding="utf-8", newline="") as handle:
        original = list(csv.reader(handle))
    assert len(body) == len(original) - 1 == 1122
    assert [r[: len(original[0])] for r in body] == original[1:]  # input columns unchanged
    lon = np.array([float(r[original[0].index("lon")]) for r in original[1:]])
    lat = np.array([float(r[original[0].index("lat")]) for r in original[1:]])
    expected = points_locate(lon=lon, lat=lat, distances="exact").primary_codes()
    code = header.index("qpv_code")
    assert [r[code] or None for r in body] == list(expected)
    in_a_qpv = sum(1 for c in expected if c)
    assert sum(1 for r in body if r[code]) == in_a_qpv
    assert summary.by_status["in"] + summary.by_status["uncertain"] >= in_a_qpv - 0
    assert sum(summary.in_by_qpv.values()) == summary.by_status["in"]
    assert summary.rows == 1122 == sum(summary.by_status.values())
    # The shared data's PROVENANCE counts 129 of these points in a Nord QPV.
    assert in_a_qpv == 129


def test_output_has_input_columns_then_result_columns(tmp_path):
    rows, _ = _run(tmp_path, f"id,lon,lat\n1,{ANICHE[0]},{ANICHE[1]}\n")
    assert rows[0] == ["id", "lon", "lat", "qpv_code", "qpv_name", "status", "score",
                       "distance_m", "geocoded_label", "lon_georef", "lat_georef", "generation",
                       "remark"]  # fmt: skip
    assert rows[1][:6] == ["1", ANICHE[0], ANICHE[1], "QN05934M",
                           "Quartier Prioritaire d'Aniche", "en QPV"]  # fmt: skip
    assert rows[1][9:12] == ["3,250339", "50,323376", "2024"]


def test_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path):
    text = (
        "nom;lon;lat;note\n"
        f'"=HYPERLINK(""http://x"";""clic"")";{ANICHE[0]};{ANICHE[1]};+33 6 00\n'
        f"@SUM(A1);-1.5;{ANICHE[1]};-12,5\n"
    )
    rows, _ = _run(tmp_path, text)
    assert rows[1][0] == '\'=HYPERLINK("http://x";"clic")'
    assert rows[1][3] == "'+33 6 00"
    assert rows[2][0] == "'@SUM(A1)"
    assert rows[2][1:4] == ["-1.5", ANICHE[1], "-12,5"]  # plain numbers stay numbers


def test_bad_rows_are_reported_with_line_and_column(tmp_path):
    text = (
        "id,lon,lat\n"
        f"1,{ANICHE[0]},{ANICHE[1]}\n"
        "2,trois,50.3\n"
        "\n"
        "4,3.25,\n"
        f"5,{ANICHE[1]},{ANICHE[0]}\n"  # swapped
        "6,-73.57,45.50\n"  # Montréal
        f"7,{ANICHE[0]}\n"
    )
    rows, summary = _run(tmp_path, text)
    status = rows[0].index("status")
    remark = rows[0].index("remark")
    by_id = {r[0]: r for r in rows[1:]}
    assert list(by_id) == ["1", "2", "4", "5", "6", "7"]  # the blank line is skipped
    assert by_id["2"][status] == "invalide"
    assert by_id["2"][remark] == "ligne 3, colonne « lon » : « trois » n'est pas un nombre"
    assert by_id["4"][remark] == "ligne 5, colonne « lat » : vide"
    assert by_id["5"][status] == "en QPV"
    assert by_id["5"][remark].startswith("longitude et latitude inversées")
    assert by_id["6"][status] == "hors zone"
    assert by_id["7"][remark] == "ligne 8, colonne « lat » : valeur absente (ligne trop courte)"
    assert summary.by_status == {"out": 0, "in": 2, "uncertain": 0, "invalid": 3,
                                 "not_geocoded": 0, "outside": 1}  # fmt: skip
    assert summary.swapped == 1
    assert summary.error_count == 3
    assert summary.errors[0].startswith("ligne 3, colonne « lon »")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fast_and_generic_paths_write_the_same_bytes(tmp_path, data_dir, newline):
    lines = ["id,nom,lon,lat"]
    rng = np.random.default_rng(7)
    for i in range(3000):
        lon, lat = rng.uniform(2.9, 3.4), rng.uniform(50.3, 50.8)
        lines.append(f"{i},n{i},{lon:.6f},{lat:.{i % 7}f}")
    lines += [
        "3000,=1+2,3.25,50.32",  # formula: neutralised
        "3001,a;b,3.25,50.32",  # needs quoting once ";" separated
        "3002,x,50.32,3.25",  # swapped
        "",  # blank line
        "3003,x,-1,2",  # outside France
        "3004,x,3.2503391234567891,50.3",  # more than 15 digits
        "3005,x,1e0,50.3",  # exponent
        "3006,-,+3.25,50.32",  # signs
    ]
    source = tmp_path / "f.csv"
    source.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    info = source_inspect(path=source)
    fast_ctx, slow_ctx = two_contexts(info, delimiter=",", distances="band")
    block = next(csv_blocks(info=info))
    fast, n_fast = block_process(block, fast_ctx)
    slow, n_slow = rows_process(csv_records(block, ",", slow_ctx.summary), slow_ctx)
    assert n_fast == n_slow == 3007
    # Without the compiled extension the block takes the generic path: bytes, not pieces.
    fast_bytes = fast if isinstance(fast, bytes) else b"".join(bytes(piece) for piece in fast)
    assert fast_bytes == slow
    assert fast_ctx.summary.to_dict() == slow_ctx.summary.to_dict()


def test_lambert93_columns_are_converted(tmp_path):
    rows, _ = _run(tmp_path, "X;Y\n717850.8;7025093.3\n")  # Aniche, EPSG:2154
    header = rows[0]
    assert rows[1][header.index("qpv_code")] == "QN05934M"
    assert rows[1][header.index("lon")].startswith("3,25")


def test_xlsx_output_keeps_text_as_text_and_numbers_as_numbers(tmp_path):
    source = tmp_path / "entree.csv"
    source.write_text(f"nom,lon,lat\n=1+1,{ANICHE[0]},{ANICHE[1]}\n", encoding="utf-8")
    output = tmp_path / "sortie.xlsx"
    file_georeference(
        source=source,
        output=output,
        options=BatchOptions(output_format="xlsx", column_names="machine"),
    )
    sheet = load_workbook(output, read_only=True).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["nom", "lon", "lat", "qpv_code"]
    assert rows[1][0] == "'=1+1"
    assert rows[1][3] == "QN05934M"
    assert rows[1][rows[0].index("lon_georef")] == pytest.approx(3.250339)
    assert not part_path(output).exists()


def test_xlsx_input_is_georeferenced(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["id", "latitude", "longitude"])
    workbook.active.append([1, float(ANICHE[1]), float(ANICHE[0])])
    workbook.active.append([2, None, None])
    source = tmp_path / "entree.xlsx"
    workbook.save(source)
    output = tmp_path / "sortie.csv"
    summary = file_georeference(
        source=source, output=output, options=BatchOptions(column_names="machine")
    )
    rows = _read(output)
    assert rows[1][:4] == ["1", ANICHE[1], ANICHE[0], "QN05934M"]
    assert rows[2][rows[0].index("remark")] == "ligne 3, colonne « longitude » : vide"
    assert summary.rows == 2


def test_unknown_generation_is_refused_in_french(tmp_path):
    with pytest.raises(GeorefError, match="Géographie prioritaire 2015 inconnue"):
        _run(tmp_path, f"lon,lat\n{ANICHE[0]},{ANICHE[1]}\n", generation=2015)


def test_a_failure_leaves_no_result_offered_as_complete(tmp_path):
    head = "id,lon,lat\n" + "".join(f"{i},3.0,50.6\n" for i in range(100_000))
    source = tmp_path / "entree.csv"
    source.write_bytes(head.encode() + "x,3.0,50.6,Hénin\n".encode("cp1252"))
    output = tmp_path / "sortie.csv"
    with pytest.raises(BatchInputError, match="ligne 100002"):
        file_georeference(source=source, output=output, options=BatchOptions(block_bytes=1 << 16))
    assert not output.exists()  # only the .part file, which a job resumes or discards


def test_summary_counts_and_chart(tmp_path, data_dir):
    source = data_dir / "adresses" / "adresses_nord_geocoder_tester.csv"
    summary = file_georeference(
        source=source, output=tmp_path / "s.csv", options=BatchOptions(column_names="machine")
    )
    _, names = qpv_names(generation=2024)
    svg = summary_chart_svg(summary=summary, names=names)
    top = max(summary.in_by_qpv, key=summary.in_by_qpv.get)
    assert svg.startswith("<svg") and top in svg and "Hors QPV" in svg
    assert "1122 lignes traitées." in summary.lines_fr()
    restored = Summary.from_dict(summary.to_dict())
    assert restored.to_dict() == summary.to_dict()
    assert set(RESULT_COLUMNS) >= {"qpv_code", "status", "distance_m"}
