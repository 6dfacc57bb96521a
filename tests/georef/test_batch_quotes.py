"""Quoted fields on the compiled fast path: the same output file as the generic path (the csv
module, row by row) on tricky hand-made files, and the C parser read against the csv module
on seeded random records."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from quartiers.georef.batch import BatchOptions, file_georeference
from quartiers.georef.batch import chunks as chunks_module
from quartiers.georef.batch.chunks import block_process, csv_records, rows_process
from quartiers.georef.batch.readers import csv_blocks, source_inspect
from quartiers.georef.batch.results import number_parse
from tests.georef.batch_contexts import two_contexts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled")]

# Tricky records of a ";" file with decimal commas (header: id;nom;adresse;lon;lat).
TRICKY = [
    '1;Structure 1;"12, rue des Lilas";3,0625;50,6294',
    '2;"Le ""Phare""";"rue";3,07;50,63',  # doubled quotes
    '3;"a;b";"rue";3,07;50,63',  # the delimiter inside quotes
    '4;nom;"sur deux\nlignes";3,08;50,64',  # a line end inside quotes
    "",  # a blank line
    "5;nom;rue;3,09",  # too short
    "6;nom;rue;3,09;50,65;de trop",  # too long
    "7;nom;rue;1e400;50,65",
    "8;nom;rue;NaN;50,65",
    "9;nom;rue;;50,65",  # an empty coordinate
    '10;nom;rue;"3,10";"50,66"',  # quoted coordinates
    '11;nom;"rue"x;3,11;50,67',  # text after the closing quote
    '12;"=SOMME(A1)";rue;3,12;50,68',  # a quoted formula
    '13;"-3,5";rue;3,13;50,69',  # a quoted signed number
    '14;no"m;rue;3,14;50,70',  # a quote inside an unquoted field
    '15;"";"";3,15;50,71',  # empty quoted fields
    '16;nom;rue;" 3,16";50,72',  # a quoted coordinate with a space
    "17;nom;rue;50,73;3,17",  # swapped
    '18;"Hénin-Beaumont";"rue";3,18;50,74',
]


def _write(path, records, *, newline="\r\n", bom=True, header="id;nom;adresse;lon;lat"):
    text = newline.join([header, *records]) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _both(tmp_path, source, monkeypatch, **options):
    """(fast output bytes, generic output bytes, fast summary, generic summary)."""
    fast_out, slow_out = tmp_path / "fast.csv", tmp_path / "slow.csv"
    fast = file_georeference(source=source, output=fast_out, options=BatchOptions(**options))
    with monkeypatch.context() as patch:
        patch.setattr(chunks_module, "_coordinates_fast", lambda block, ctx: None)
        slow = file_georeference(source=source, output=slow_out, options=BatchOptions(**options))
    return fast_out.read_bytes(), slow_out.read_bytes(), fast, slow


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("without", [None, 3])  # without the record spanning two lines
def test_tricky_quoted_records_give_the_generic_paths_file(tmp_path, monkeypatch, newline, without):
    records = [r for i, r in enumerate(TRICKY) if i != without]
    source = tmp_path / "tricky.csv"
    _write(source, records * 40, newline=newline)
    fast, slow, fast_summary, slow_summary = _both(tmp_path, source, monkeypatch)
    assert fast == slow
    assert fast_summary.to_dict() == slow_summary.to_dict()
    assert fast_summary.blank_lines == 40
    # By hand: the quoted address is written without its quotes, the doubled quotes as one.
    text = fast.decode("utf-8-sig")
    assert "\r\n1;Structure 1;12, rue des Lilas;3,0625;50,6294;" in text
    assert '\r\n2;"Le ""Phare""";rue;3,07;50,63;' in text
    assert '\r\n3;"a;b";rue;3,07;50,63;' in text
    assert "\r\n10;nom;rue;3,10;50,66;" in text and "\r\n15;;;3,15;50,71;" in text


def test_a_comma_file_with_quoted_commas_gives_the_generic_paths_file(tmp_path, monkeypatch):
    rng = np.random.default_rng(11)
    lines = []
    for i in range(3000):
        lon, lat = f"{rng.uniform(2.9, 3.4):.6f}", f"{rng.uniform(50.3, 50.8):.6f}"
        name = ['"Dupont, Jean"', "Martin", '"a;b"', '"x ""y"""', '""', '"=1+1"'][i % 6]
        lines.append(f'{i},{name},"{lon}",{lat}' if i % 7 == 0 else f"{i},{name},{lon},{lat}")
    source = tmp_path / "comma.csv"
    _write(source, lines, newline="\n", bom=False, header="id,nom,lon,lat")
    fast, slow, fast_summary, slow_summary = _both(tmp_path, source, monkeypatch)
    assert fast == slow
    assert fast_summary.to_dict() == slow_summary.to_dict()
    assert fast.count(b"\r\n") == 3001 and b"\r\n0;Dupont, Jean;" in fast


def test_a_lambert93_file_with_quotes_gives_the_generic_paths_file(tmp_path, monkeypatch):
    rng = np.random.default_rng(12)
    lines = [
        f'{i};"{i % 200 + 1}, rue des Lilas";{x:.2f};{y:.2f}'.replace(".", ",")
        for i, (x, y) in enumerate(
            zip(rng.uniform(650e3, 760e3, 3000), rng.uniform(6.98e6, 7.11e6, 3000), strict=True)
        )
    ]
    source = tmp_path / "l93.csv"
    _write(source, lines, header="id;adresse;X;Y")
    fast, slow, fast_summary, slow_summary = _both(tmp_path, source, monkeypatch)
    assert fast == slow
    assert fast_summary.to_dict() == slow_summary.to_dict()
    assert fast_summary.by_status.get("invalid", 0) == 0


# --- seeded random records: the C parser against the csv module -------------------------------

_PIECES = ['"', '""', ";", ",", "3", "50", ",5", ".25", "-", "=", " ", "é", "a", "\r", "\n"]


def _random_field(rng: np.random.Generator, wild: bool) -> str:
    """A coordinate, a quoted field or a jumble; unless ``wild``, every quote is well formed
    (quoted fields hold only doubled quotes, no line end; an unquoted field never starts with
    a quote nor holds a ";") and there is no line end or CR."""
    pieces = _PIECES if wild else _PIECES[:-2]
    kind = rng.integers(6)
    if kind == 0:
        return f"{rng.uniform(2.9, 3.4):.6f}".replace(".", ",")
    if kind == 1:
        inner = "".join(rng.choice(pieces[1:], rng.integers(0, 4)).tolist())
        return f'"{inner}"'
    if not wild:  # one field: no ";" (quoted fields above hold some)
        pieces = [piece for piece in pieces if piece != ";"]
    text = "".join(rng.choice(pieces, rng.integers(0, 5)).tolist())
    return text if wild or not text.startswith('"') else "a" + text


def _random_file(rng: np.random.Generator, rows: int, *, wild: bool = True) -> str:
    lines = []
    for _ in range(rows):
        fields = [_random_field(rng, wild) for _ in range(rng.choice([3, 4, 4, 4, 4, 5]))]
        if rng.random() < 0.6:  # mostly valid coordinates, quoted or not
            lon, lat = f"{rng.uniform(2.9, 3.4):.6f}", f"{rng.uniform(50.3, 50.8):.6f}"
            fields[2:4] = [lon.replace(".", ","), f'"{lat}"' if rng.random() < 0.2 else lat]
        lines.append(";".join(fields))
    return "\r\n".join(["id;nom;lon;lat", *lines]) + "\r\n"


@pytest.mark.parametrize("seed", range(6))
def test_random_quoted_records_give_the_generic_paths_bytes(tmp_path, seed):
    rng = np.random.default_rng(seed)
    source = tmp_path / "random.csv"
    wild = seed % 2 == 1  # broken quotes, line ends and CRs: the block may go generic
    source.write_bytes(_random_file(rng, 2000, wild=wild).encode("utf-8"))
    info = source_inspect(path=source, delimiter=";")
    fast_ctx, slow_ctx = two_contexts(info, delimiter=";", distances="exact")
    block = next(csv_blocks(info=info))
    try:
        slow, n_slow = rows_process(csv_records(block, ";", slow_ctx.summary), slow_ctx)
    except Exception as exc:  # an unreadable record: the fast path must say the same
        with pytest.raises(type(exc), match=str(exc)[:40]):
            block_process(block, fast_ctx)
        return
    fast, n_fast = block_process(block, fast_ctx)
    assert wild or isinstance(fast, list)  # the compiled path wrote it
    data = fast if isinstance(fast, bytes) else b"".join(bytes(piece) for piece in fast)
    assert (data, n_fast) == (slow, n_slow)
    assert fast_ctx.summary.to_dict() == slow_ctx.summary.to_dict()


@pytest.mark.parametrize("seed", range(4))
def test_the_c_parser_reads_what_the_csv_module_reads(compiled, seed):
    """Records one per line (a quoted line end is left out here): a record the parser does not
    flag slow has the csv module's field count and coordinate values, and is flagged QUOTED
    exactly when it holds a quote."""
    rng = np.random.default_rng(100 + seed)
    lines = _random_file(rng, 3000, wild=False).split("\r\n")[1:-1]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    n = len(lines)
    starts, ends = np.empty(n, np.int64), np.empty(n, np.int64)
    lon, lat, flags = np.empty(n), np.empty(n), np.empty(n, np.uint8)
    generic = compiled.lines_parse(
        np.frombuffer(data, np.uint8), n, 59, 4, 2, 3, False, 0, starts, ends, lon, lat, flags
    )
    assert generic == 0
    checked = 0
    for row, line in enumerate(lines):
        assert data[starts[row] : ends[row]].decode("utf-8") == line
        if flags[row] == 1:
            continue
        fields = next(csv.reader([line], delimiter=";"))
        assert len(fields) == 4, line
        assert (lon[row], lat[row]) == (number_parse(fields[2]), number_parse(fields[3])), line
        assert (flags[row] == 2) == ('"' in line), line
        assert ";".join(fields) == line.replace('"', ""), line  # what lines_write copies
        checked += 1
    assert checked > 500 and (flags == 2).sum() > 50 and (flags == 1).sum() > 100
