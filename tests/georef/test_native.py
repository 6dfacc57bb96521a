"""The compiled extension (quartiers.georef.native._georef) and its numpy fallback, each checked
against independent oracles: shapely on the source contours for the engine, Python's csv rules
and float() for the CSV loops. A corrupt index (the disk cache) raises, never crashes.

Without the extension the compiled cases skip, except in CI (CI=true) where they fail.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
import shapely

from quartiers.georef import native
from quartiers.georef.batch.results import fixed
from quartiers.georef.contours import LAMBERT93, WGS84, transformer
from quartiers.georef.engine import (
    STATUS_IN,
    STATUS_INVALID,
    STATUS_OUT,
    STATUS_UNCERTAIN,
    locate,
)
from quartiers.georef.index_cache import index_load, index_problem, index_save
from tests.georef.conftest import crowded_points, exact_memberships

TIE_M = 1e-6  # distances closer than this are ties for the oracle


def test_the_extension_is_built_by_the_install(compiled):
    assert compiled.__file__.endswith(".so")
    assert native.available() and native.loops() is compiled


# --- the engine against shapely ---------------------------------------------------------------


class _Oracle:
    """Nord contours in Lambert-93, measured by shapely (GEOS), independent of the index."""

    def __init__(self, contours):
        self.codes = np.array([code for code, _ in contours])
        self.contours = contours
        to_l93 = transformer(WGS84, LAMBERT93)
        self.project = lambda lon, lat: np.column_stack(to_l93.transform(lon, lat))
        boundaries = shapely.boundary([geom for _, geom in contours])
        self.boundaries = shapely.transform(boundaries, lambda xy: self.project(xy[:, 0], xy[:, 1]))
        self.tree = shapely.STRtree(self.boundaries)

    def nearest(self, lon, lat):
        """Distance to the nearest boundary and the codes of the polygons at that distance."""
        points = shapely.points(self.project(lon, lat))
        (point, found), _ = self.tree.query_nearest(points, return_distance=True, all_matches=True)
        best = np.full(len(lon), np.inf)
        dist = shapely.distance(self.boundaries[found], points[point])
        np.minimum.at(best, point, dist)
        ties: list[set[str]] = [set() for _ in range(len(lon))]
        for i, g, value in zip(point.tolist(), found.tolist(), dist.tolist(), strict=True):
            if value <= best[i] + TIE_M:
                ties[i].add(str(self.codes[g]))
        return best, ties

    def depth(self, code, lon, lat):
        (p,) = np.flatnonzero(self.codes == code)
        return shapely.distance(self.boundaries[p], shapely.points(self.project([lon], [lat])))[0]


@pytest.fixture(scope="module")
def oracle(nord_contours):
    return _Oracle(nord_contours)


def _points(nord_contours, n):
    rng = np.random.default_rng(31)
    lon, lat = crowded_points(nord_contours, n, spread_deg=2e-4, seed=32)
    ulon, ulat = rng.uniform(2.3, 4.1, n), rng.uniform(50.0, 51.05, n)
    geoms = dict(nord_contours)
    overlap = shapely.intersection(geoms["QN05950M"], geoms["QN05954M"])  # a 5 m² sliver
    (area,) = [g for g in shapely.get_parts(overlap) if g.geom_type == "Polygon"]
    box = area.bounds
    olon, olat = rng.uniform(box[0], box[2], 500), rng.uniform(box[1], box[3], 500)
    lon, lat = np.concatenate([lon, ulon, olon]), np.concatenate([lat, ulat, olat])
    lon[:4], lat[:4] = [np.nan, np.inf, 3.0, 3.06], [50.6, 50.6, np.nan, 50.63]
    return lon, lat


def test_engine_answers_are_shapely_answers(backend, nord_index, nord_contours, oracle):
    lon, lat = _points(nord_contours, 6000)
    result = locate(nord_index, lon, lat, distances="band")
    valid = np.isfinite(lon) & np.isfinite(lat)
    members = exact_memberships(nord_contours, lon, lat)
    best, ties = oracle.nearest(lon[valid], lat[valid])
    band = nord_index.band_m
    for i, k in zip(np.flatnonzero(valid).tolist(), range(len(best)), strict=True):
        primary = result.codes[result.primary[i]] if result.primary[i] >= 0 else None
        assert set(result.containing(i)) == members[i], i
        if len(members[i]) == 1:
            assert primary in members[i]
        elif len(members[i]) > 1:
            depths = {code: oracle.depth(code, lon[i], lat[i]) for code in members[i]}
            deepest = max(depths.values())
            assert depths[primary] >= deepest - TIE_M, (i, depths, primary)
        if best[k] <= band - TIE_M:
            assert result.distance_m[i] == pytest.approx(best[k], abs=TIE_M), i
            assert result.codes[result.nearest[i]] in ties[k], i
        elif best[k] > band + TIE_M:
            assert np.isnan(result.distance_m[i]) and result.nearest[i] == -1, i
        if abs(best[k] - band) > TIE_M:
            expected = (
                STATUS_UNCERTAIN if best[k] <= band else (STATUS_IN if members[i] else STATUS_OUT)
            )
            assert result.status[i] == expected, i
    assert (result.status[~valid] == STATUS_INVALID).all()
    assert sum(len(m) > 1 for m in members) > 5  # overlaps were tested


def test_exact_distances_are_shapely_distances(backend, nord_index, nord_contours, oracle):
    rng = np.random.default_rng(5)
    lon = np.concatenate([rng.uniform(2.3, 4.1, 3000), rng.uniform(-1.0, 7.0, 200)])
    lat = np.concatenate([rng.uniform(50.0, 51.05, 3000), rng.uniform(47.0, 53.0, 200)])
    result = locate(nord_index, lon, lat, distances="exact")
    best, ties = oracle.nearest(lon, lat)
    np.testing.assert_allclose(result.distance_m, best, rtol=0, atol=TIE_M)
    assert all(result.codes[p] in tie for p, tie in zip(result.nearest, ties, strict=True))


def test_overseas_memberships_are_shapely_memberships(backend, france_index, france_contours):
    lon, lat = crowded_points(france_contours, 20_000, spread_deg=1e-4, seed=12)
    result = locate(france_index, lon, lat)
    members = exact_memberships(france_contours, lon, lat)
    assert [set(result.containing(i)) for i in range(len(lon))] == members


def test_strided_inputs_are_read_right(backend, nord_index, nord_contours):
    rng = np.random.default_rng(4)
    xy = np.column_stack([rng.uniform(2.9, 3.4, 2000), rng.uniform(50.3, 50.8, 2000)])
    result = locate(nord_index, xy[:, 0], xy[:, 1])
    assert [set(result.containing(i)) for i in range(2000)] == exact_memberships(
        nord_contours, xy[:, 0], xy[:, 1]
    )


# --- a corrupt index raises ------------------------------------------------------------------


def _corrupted(index, what):
    arrays = {
        "l0": lambda a: np.where(a >= 0, len(index.l1) + 3, a).astype(np.int32),
        "l1": lambda a: np.where(a >= 0, len(index.l2) + 3, a).astype(np.int32),
        "l2 high": lambda a: np.where(a > 0, len(index.codes) + 7, a).astype(np.int32),
        "l2 low": lambda a: np.where(a < 0, -len(index.cand_start) - 7, a).astype(np.int32),
        "cand_seg_hi": lambda a: a + 10**9,
        "cell_seg": lambda a: a + len(index.segments.x),
    }
    name = what.split()[0]
    return dataclasses.replace(index, **{name: arrays[what](getattr(index, name))})


@pytest.mark.parametrize("what", ["l0", "l1", "l2 high", "l2 low", "cand_seg_hi", "cell_seg"])
def test_a_corrupt_index_raises_instead_of_reading_out_of_bounds(
    backend, nord_index, nord_contours, what
):
    bad = _corrupted(nord_index, what)
    lon, lat = crowded_points(nord_contours, 2000, spread_deg=1e-4, seed=3)
    assert index_problem(bad) is not None
    with pytest.raises(ValueError, match="corrupt georef index"):
        locate(bad, lon, lat)


@pytest.mark.parametrize("what", ["l1", "l2 low", "cand_seg_hi", "cell_seg"])
def test_a_corrupt_index_file_is_refused_on_load(tmp_path, nord_index, nord_contours, what):
    assert index_problem(nord_index) is None
    path = tmp_path / "index-2024-x.npz"
    index_save(_corrupted(nord_index, what), path)
    with pytest.raises(ValueError, match="corrupt index"):
        index_load(path, contours=nord_contours)


# --- the CSV loops against Python's reading and writing --------------------------------------

_NUMBER = re.compile(r"([+-]?)(\d*)(?:([.,])(\d*))?")


def _plain_value(field: str, delimiter: str) -> float | None:
    """The value of a field the fast path may parse, per its rules (None: a slow record)."""
    match = _NUMBER.fullmatch(field)
    if not match or (match[3] == "," and delimiter == ","):
        return None
    digits = match[2] + (match[4] or "")
    if not digits or int(digits) >= 10**15 or len(match[4] or "") > 22:
        return None
    return float(field.replace(",", "."))


def _expected_record(record: str, delimiter: str, nfields: int) -> tuple[float, float] | None:
    """(lon, lat) of a record the fast path handles, None for a slow one."""
    if not record or '"' in record or "\r" in record or (delimiter != ";" and ";" in record):
        return None
    fields = record.split(delimiter)
    if len(fields) != nfields or any(f[:1] in ("=", "@", "\t") for f in fields):
        return None
    if fields[0][:1] in ("+", "-") and not re.fullmatch(r"[+-][0-9.,]*", fields[0]):
        return None
    lon, lat = (_plain_value(f, delimiter) for f in fields[1:3])
    return None if lon is None or lat is None else (lon, lat)


def _record(rng: np.random.Generator, delimiter: str) -> str:
    cells = ["3.0625", "50.6294", "-3.25", "+3,5", "03.10", ",5", "1e3", "", "=1+2", "@x",
             "\tx", "a;b", 'a"b', "3.2503391234567891", "0." + "0" * 25 + "1", "-", "+",
             "Hénin", "12345678901234567890", "3.", "x\ry", "1.5.5", "+12", "-x",
             "0000000000000000000003.5", "999999999999999", "1000000000000000"]  # fmt: skip
    weights = np.ones(len(cells))
    weights[:3] = 20
    n = rng.choice([2, 3, 3, 3, 4])
    picks = rng.choice(len(cells), size=n, p=weights / weights.sum())
    return delimiter.join(cells[k] for k in picks)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_parsing_gives_pythons_values_and_flags_the_odd_records(compiled, delimiter, final_newline):
    rng = np.random.default_rng(ord(delimiter) + final_newline)
    lines = [_record(rng, delimiter) for _ in range(3000)]
    lines[10] = ""  # a blank line
    newline = "\r\n" if delimiter == ";" else "\n"
    text = newline.join(lines) + (newline if final_newline else "")
    data = text.encode("utf-8")
    n = len(lines) + 2  # two more records than lines: read past the end as empty records
    starts, ends = np.empty(n, np.int64), np.empty(n, np.int64)
    lon, lat, flags = np.empty(n), np.empty(n), np.empty(n, np.uint8)
    buf = np.frombuffer(data, dtype=np.uint8)
    compiled.lines_parse(
        buf, n, ord(delimiter), 3, 1, 2, delimiter != ";", 1000, starts, ends, lon, lat, flags
    )
    position = 0
    for row, line in enumerate(lines):
        size = len(line.encode("utf-8"))
        expected = _expected_record(line, delimiter, 3)
        assert bool(flags[row]) == (expected is None), (row, line)
        if expected is not None:
            assert (starts[row] - 1000, ends[row] - 1000) == (position, position + size)
            assert (lon[row], lat[row]) == expected, line
        position += size + len(newline.encode())
    assert flags[len(lines) :].all()
    assert 0 < flags[: len(lines)].sum() < len(lines)  # both kinds of records were there


def test_writing_gives_the_bytes_python_writes(compiled):
    rng = np.random.default_rng(3)
    n = 5000
    text = "".join(f"{i},x{i % 7},{rng.uniform(-5, 5):.6f}\n" for i in range(n)).encode()
    ends = np.array([i for i, c in enumerate(text) if c == 10], dtype=np.int64)
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    primary = rng.integers(-1, 5, n).astype(np.int32)
    status = rng.integers(0, 6, n).astype(np.int8)
    distance = np.where(rng.random(n) < 0.5, np.nan, rng.uniform(-1e4, 1e4, n))
    distance[:4] = [0.05, 0.15, 0.25, -0.05]  # half-even rounding
    lon = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(-180, 180, n))
    lat = rng.uniform(-90, 90, n)
    lat[4:8] = [1e-7, -5e-7, 2.5e-6, 123456789.1234565]
    remark = rng.integers(0, 3, n).astype(np.int8)
    prefixes = [f";Q{k};nom {k};statut;;".encode() for k in range(6 * 6)]
    suffixes = [b";2024;\r\n", "; remarque é\r\n".encode(), b";;\r\n"]
    slow = {0: b"lente 0\r\n", 17: b"lente 17\r\n", 18: b"", n - 1: b"fin\r\n"}

    def table(items):
        offsets = np.concatenate([[0], np.cumsum([len(x) for x in items])]).astype(np.int64)
        return np.frombuffer(b"".join(items), dtype=np.uint8), offsets

    flags = np.zeros(n, np.uint8)
    args = (np.frombuffer(text, np.uint8), 44, starts, ends, flags, primary, status, 6,
            *table(prefixes),
            distance, lon, lat, remark, *table(suffixes), np.array(sorted(slow), np.int64),
            *table([slow[k] for k in sorted(slow)]))  # fmt: skip
    out = np.zeros(len(text) + 120 * n, dtype=np.uint8)
    written = out[: compiled.lines_write(*args, out)].tobytes()
    expected = []
    for row in range(n):
        if row in slow:
            expected.append(slow[row])
            continue
        fields = text[starts[row] : ends[row]].replace(b",", b";")
        numbers = f"{fixed(distance[row], 1)};;{fixed(lon[row], 6)};{fixed(lat[row], 6)}"
        key = (primary[row] + 1) * 6 + status[row]
        expected += [fields, prefixes[key], numbers.encode(), suffixes[remark[row]]]
    assert written == b"".join(expected)
    with pytest.raises(ValueError, match="too small"):
        compiled.lines_write(*args, np.zeros(100, dtype=np.uint8))
    bad_rows = (*args[:2], starts, ends + len(text), *args[4:])
    with pytest.raises(ValueError, match="out of range"):
        compiled.lines_write(*bad_rows, out)


def test_a_wrong_dtype_or_layout_is_refused_rather_than_misread(compiled):
    ok = (np.zeros(3), np.zeros(3), np.zeros(3, np.int32), np.zeros(3), 10.0, np.zeros(3, np.int8))
    compiled.status_finalize(*ok)
    with pytest.raises(TypeError, match="dtype"):
        compiled.status_finalize(*ok[:2], np.zeros(3, np.int64), *ok[3:])
    with pytest.raises(TypeError, match="C-contiguous"):
        compiled.status_finalize(np.zeros(6)[::2], *ok[1:])
    with pytest.raises(ValueError, match="lengths"):
        compiled.status_finalize(np.zeros(4), *ok[1:])


def test_without_the_extension_the_fallback_runs_and_says_so(monkeypatch, caplog, nord_index):
    monkeypatch.setattr(native, "extension", None)
    monkeypatch.setattr(native, "_logged", False)
    result = locate(nord_index, np.array([3.06, 0.0]), np.array([50.63, 0.0]))
    assert result.status.tolist()[1] == STATUS_OUT
    assert "compiled extension unavailable" in caplog.text
