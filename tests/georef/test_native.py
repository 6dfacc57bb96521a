"""The C loops (quartiers/georef/native/georef.c) give exactly the numba loops' answers.

numba is the fallback and the reference: parsing, writing and the engine's loops are run both
ways on the same inputs and compared bit for bit (NaN included).
"""

from __future__ import annotations

import numpy as np
import pytest

from quartiers.georef import native
from quartiers.georef.batch import kernels as numba_batch
from quartiers.georef.engine import locate
from quartiers.georef.native import loops
from tests.georef.conftest import crowded_points

pytestmark = pytest.mark.skipif(not native.available(), reason="no C compiler")


@pytest.fixture
def numba_only(monkeypatch):
    """Every loop through numba, as when the C library is unavailable."""
    monkeypatch.setattr(native, "_lib", None)
    monkeypatch.setattr(native, "_tried", True)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _record(rng: np.random.Generator, delimiter: str) -> str:
    cells = ["3.0625", "50.6294", "-3.25", "+3,5", "03.10", ",5", "1e3", "", "=1+2", "@x",
             "\tx", "a;b", 'a"b', "3.2503391234567891", "0." + "0" * 25 + "1", "-", "+",
             "Hénin", "12345678901234567890", "3.", "x\ry", "1.5.5",
             "0000000000000000000003.5", "999999999999999", "1000000000000000"]  # fmt: skip
    weights = np.ones(len(cells))
    weights[:3] = 20
    n = rng.choice([2, 3, 3, 3, 4])
    picks = rng.choice(len(cells), size=n, p=weights / weights.sum())
    return delimiter.join(cells[k] for k in picks)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_parsing_gives_the_numba_answers_on_odd_records(delimiter, final_newline):
    rng = np.random.default_rng(ord(delimiter) + final_newline)
    lines = [_record(rng, delimiter) for _ in range(3000)]
    lines[10] = ""  # a blank line
    newline = "\r\n" if delimiter == ";" else "\n"
    text = newline.join(lines) + (newline if final_newline else "")
    buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    n = len(lines) + 2  # two more records than lines: read past the end as empty records
    results = []
    for parse in (loops.lines_parse, numba_batch.lines_parse):
        out = (np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n), np.empty(n))
        flags = np.empty(n, np.uint8)
        parse(buf, n, ord(delimiter), 3, 1, 2, delimiter != ";", 1000, *out, flags)
        results.append((*out, flags))
    assert all(_same(a, b) for a, b in zip(*results, strict=True))
    flags = results[0][-1]
    assert 0 < flags[: len(lines)].sum() < len(lines)  # both kinds of records were there


def test_writing_gives_the_numba_bytes():
    rng = np.random.default_rng(3)
    n = 5000
    text = "".join(f"{i},x{i % 7},{rng.uniform(-5, 5):.6f}\n" for i in range(n)).encode()
    buf = np.frombuffer(text, dtype=np.uint8)
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

    def table(items):
        offsets = np.concatenate([[0], np.cumsum([len(x) for x in items])]).astype(np.int64)
        return np.frombuffer(b"".join(items), dtype=np.uint8), offsets

    slow_rows = np.array([0, 17, 18, n - 1], dtype=np.int64)
    slow_bytes, slow_off = table([b"lente 0\r\n", b"lente 17\r\n", b"", b"fin\r\n"])
    args = (buf, 44, starts, ends, primary, status, 6, *table(prefixes), distance, lon, lat,
            remark, *table(suffixes), slow_rows, slow_bytes, slow_off)  # fmt: skip
    outputs = []
    for write in (loops.lines_write, numba_batch.lines_write):
        out = np.zeros(len(text) + 120 * n, dtype=np.uint8)
        outputs.append(out[: write(*args, out)].tobytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith(b"lente 0\r\n1;x1;")
    # Too small an output buffer: nothing written past it, an error rather than a crash.
    small = np.zeros(100, dtype=np.uint8)
    assert numba_batch.lines_write(*args, small) == -1
    with pytest.raises(ValueError, match="too small"):
        loops.lines_write(*args, small)


def _locate_both(index, lon, lat, monkeypatch):
    compiled = locate(index, lon, lat, distances="band")
    with monkeypatch.context() as patch:
        patch.setattr(native, "_lib", None)
        patch.setattr(native, "_tried", True)
        reference = locate(index, lon, lat, distances="band")
    for name in ("primary", "status", "distance_m", "nearest", "member_point", "member_poly"):
        assert _same(getattr(compiled, name), getattr(reference, name)), name


def test_engine_loops_give_the_numba_answers(nord_index, nord_contours, monkeypatch):
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(2.0, 4.3, 100_000), rng.uniform(49.9, 51.2, 100_000)
    lon[:3] = [np.nan, np.inf, 3.0]
    _locate_both(nord_index, lon, lat, monkeypatch)
    lon, lat = crowded_points(nord_contours, 100_000, spread_deg=2e-4, seed=7)
    _locate_both(nord_index, lon, lat, monkeypatch)


def test_engine_loops_give_the_numba_answers_over_france(
    france_index, france_contours, monkeypatch
):
    lon, lat = crowded_points(france_contours, 100_000, spread_deg=1e-4, seed=8)
    _locate_both(france_index, lon, lat, monkeypatch)


def test_strided_inputs_are_read_right(nord_index):
    rng = np.random.default_rng(4)
    xy = np.column_stack([rng.uniform(2.9, 3.4, 1000), rng.uniform(50.3, 50.8, 1000)])
    strided = locate(nord_index, xy[:, 0], xy[:, 1])
    contiguous = locate(nord_index, xy[:, 0].copy(), xy[:, 1].copy())
    assert _same(strided.primary, contiguous.primary)
    assert _same(strided.distance_m, contiguous.distance_m)


def test_a_wrong_dtype_is_refused_rather_than_misread():
    with pytest.raises(TypeError):
        loops.status_finalize(
            np.zeros(3), np.zeros(3), np.zeros(3, np.int64), np.zeros(3), 10.0,
            np.zeros(3, np.int8),
        )  # fmt: skip


def test_the_library_builds_from_the_source(tmp_path):
    path = native.build(tmp_path / "georef.so")
    assert path.exists() and path.stat().st_size > 0


def test_without_c_the_numba_loops_are_used(numba_only, nord_index):
    assert not native.available()
    result = locate(nord_index, np.array([3.06]), np.array([50.63]))
    assert len(result) == 1
