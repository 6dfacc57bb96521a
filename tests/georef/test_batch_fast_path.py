"""The compiled fast path of coordinate files writes exactly what the generic path writes."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from quartiers.georef.batch import BatchOptions, file_georeference
from quartiers.georef.batch.chunks import block_process, csv_records, rows_process
from quartiers.georef.batch.readers import csv_blocks, source_inspect
from quartiers.georef.batch.results import FORMULA_PREFIXES, positions_locate
from quartiers.georef.contours import WGS84
from quartiers.shared.exports import FORMULA_PREFIXES as EXPORT_PREFIXES
from tests.georef.batch_contexts import two_contexts

pytestmark = pytest.mark.django_db


def _nord_points(data_dir) -> list[tuple[str, str]]:
    path = data_dir / "adresses" / "adresses_nord_geocoder_tester.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["lon"], row["lat"]) for row in csv.DictReader(handle)]


def _odd(value: str, rng: np.random.Generator, delimiter: str) -> str:
    """The same coordinate written in one of the ways files really hold them, or broken."""
    comma = delimiter != ","
    variants = [
        value,
        value.rstrip("0"),
        "0" + value,
        "+" + value,
        value + "0000000000000",  # more than 15 significant digits
        value.replace(".", ",") if comma else value,
        "-" + value,
        "",
        "1e1",
        "=" + value,
        value + ".5",
        "@x",
        value[:3],
        "." + value.split(".")[-1],
    ]
    weights = np.array([20, 3, 1, 1, 1, 4, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)
    return variants[rng.choice(len(variants), p=weights / weights.sum())]


@pytest.mark.usefixtures("compiled")
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_fast_path_equals_the_generic_path_on_odd_records(tmp_path, data_dir, delimiter):
    rng = np.random.default_rng(ord(delimiter))
    others = ["", "n", "-", "+33", "-3.25", "=SOMME(A1)", "\tx", "Hénin-Beaumont", "a;b", "@"]
    lines = [delimiter.join(["id", "nom", "lon", "lat"])]
    points = _nord_points(data_dir)
    for i in range(4000):
        lon, lat = points[i % len(points)]
        if i % 50 == 7:
            lon, lat = lat, lon  # swapped
        fields = [str(i), others[rng.integers(len(others))], _odd(lon, rng, delimiter)]
        fields.append(_odd(lat, rng, delimiter))
        if i % 97 == 3:
            fields = fields[:3]  # too short
        elif i % 89 == 5:
            fields.append("de trop")  # too long
        lines.append(delimiter.join(fields) if i % 301 else "")  # some blank lines
    newline = "\r\n" if delimiter in ";|" else "\n"
    source = tmp_path / "f.csv"
    source.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    info = source_inspect(path=source, delimiter=delimiter)
    fast_ctx, slow_ctx = two_contexts(info, delimiter=delimiter, distances="band")
    block = next(csv_blocks(info=info))
    fast, n_fast = block_process(block, fast_ctx)
    slow, n_slow = rows_process(csv_records(block, delimiter, slow_ctx.summary), slow_ctx)
    assert n_fast == n_slow > 3900
    assert b"".join(bytes(piece) for piece in fast) == slow
    assert fast_ctx.summary.to_dict() == slow_ctx.summary.to_dict()
    assert slow_ctx.summary.by_status["invalid"] > 100  # the odd values were really there


def test_reused_output_buffers_leave_the_bytes_unchanged(tmp_path, data_dir):
    """Blocks of 4 MiB (each split on two threads, buffers handed back and reused) and a
    single block write the same file."""
    rng = np.random.default_rng(5)
    lon = rng.uniform(2.9, 3.4, 400_000)
    lat = rng.uniform(50.3, 50.8, 400_000)
    source = tmp_path / "points.csv"
    source.write_text(
        "id,lon,lat\n"
        + "".join(f"{i},{x:.6f},{y:.6f}\n" for i, (x, y) in enumerate(zip(lon, lat, strict=True))),
        encoding="utf-8",
    )
    outputs = []
    for block_bytes in (4 << 20, 64 << 20):
        output = tmp_path / f"out_{block_bytes}.csv"
        file_georeference(
            source=source, output=output, options=BatchOptions(block_bytes=block_bytes)
        )
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\r\n") == 400_001


def test_formula_prefixes_are_the_exports_ones():
    assert FORMULA_PREFIXES == EXPORT_PREFIXES


def test_positions_all_in_metropolitan_france_skip_the_checks_with_the_same_answers():
    rng = np.random.default_rng(9)
    x, y = rng.uniform(2.9, 3.4, 50_000), rng.uniform(50.3, 50.8, 50_000)
    quick = positions_locate(x=x, y=y, crs=WGS84, generation=2024, distances="band")
    # A score (without match types) changes nothing but goes through every check.
    checked = positions_locate(
        x=x, y=y, crs=WGS84, generation=2024, distances="band", score=np.full(len(x), np.nan)
    )
    for name in ("primary", "status", "distance", "lon", "lat", "remark", "score"):
        assert np.array_equal(getattr(quick, name), getattr(checked, name), equal_nan=True), name
