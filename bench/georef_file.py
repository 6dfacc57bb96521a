"""Benchmark: georeference a generated CSV (id, lon, lat) end to end, next to the floor.

    .venv/bin/python bench/georef_file.py                            # 1 M rows, 3 rounds
    .venv/bin/python bench/georef_file.py --rows 10000000 --rounds 5 # the target: 10 M rows

Each phase is a whole process, timed from its start to its exit (wall), with its CPU time (user
+ system, all threads) and peak RSS from the kernel's accounting of that child (wait4); on a
shared machine the CPU time is the steadier figure. The phases run in alternating rounds (the
order flips every round) so that a change of load hits both; the load average is printed.

* ``floor``: the fastest plain read + write of the same file in pure Python: 16 MiB blocks cut
  on the last line end, lines split and written back with CRLF ends (the least any per-line
  file job does), in a process that imports nothing else;
* ``job``: the real command, ``manage.py georef INPUT OUTPUT`` (read, detect, parse, assign
  with the engine, write every input column + the 10 result columns, ≈ 2.6× the input bytes),
  on the Nord QPV 2024 imported into a dedicated SQLite database (var/bench/, created on first
  run); its output is checked (one line per row, plus the header);
* ``floor-wide`` (reference, ``--wide``): the floor writing each line with a constant 42-byte
  tail the size of the job's result cells (``;;;hors QPV;;;;3,060000;50,630000;2024;``): as
  many bytes as the job writes;
* ``csv-copy`` (reference, ``--csv-copy``): csv.reader → csv.writer, the usual Python copy.

Before each phase the bench pauses (``--settle``, 3 s): on a virtual machine whose free pages
go back to the host (virtio-balloon free page reporting, as here), memory freed moments ago —
the previous phase's output file, 270 or 700 MB — is still backed and cheap to touch again,
while older free memory costs a host page fault per 4 KiB on first touch (writing 700 MB to a
new file: 0.2 s of system time right after a 700 MB file was deleted, 1.4–1.8 s otherwise).
Without the pause a phase would inherit the previous phase's freed pages; with it every phase
starts from the same state.

Every child runs with the same environment; byte-compiled modules are cached under
var/bench/pycache (what any install does: this sandbox sets PYTHONDONTWRITEBYTECODE, which would
make the job recompile the project's modules at every start), and one untimed job on a
two-row file warms that cache (and builds the compiled loops on a fresh checkout).

Points: uniform in the Nord's bounding box (about 0.4 % of them fall in a QPV). Ratios: the
median over rounds of job / floor of the same round, and min(job) / min(floor) (best of N).
The last line reads ``job_vs_floor=<median ratio>`` (target: ≤ 1.5, peak RSS < 1 GB).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
NORD_BOX = (2.06, 4.24, 49.96, 51.09)


def generate(path: Path, rows: int, seed: int = 2024) -> None:
    import numpy as np  # here only: the floor's process imports nothing but the standard library

    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("id,lon,lat\n")
        step = 1_000_000
        for begin in range(0, rows, step):
            n = min(step, rows - begin)
            lon = rng.uniform(NORD_BOX[0], NORD_BOX[1], n)
            lat = rng.uniform(NORD_BOX[2], NORD_BOX[3], n)
            ids = range(begin, begin + n)
            handle.write(
                "".join(
                    f"{i},{x:.6f},{y:.6f}\n"
                    for i, x, y in zip(ids, lon.tolist(), lat.tolist(), strict=True)
                )
            )


WIDE_TAIL = b";;;hors QPV;;;;3,060000;50,630000;2024;\r\n"


def _copy_lines(source: Path, target: Path, line_end: bytes) -> int:
    """16 MiB blocks cut on the last line end, each line written back followed by line_end."""
    rows = 0
    pending = b""
    with source.open("rb") as src, target.open("wb") as dst:
        dst.write(b"\xef\xbb\xbf")
        while True:
            chunk = src.read(16 << 20)
            data = pending + chunk
            if not data:
                break
            cut = data.rfind(b"\n") + 1 if chunk else len(data)
            block, pending = data[:cut], data[cut:]
            lines = block.split(b"\n")
            if lines and lines[-1] == b"":
                lines.pop()
            rows += len(lines)
            dst.write(line_end.join(lines) + line_end)
    return rows - 1


def phase_floor(source: Path, target: Path) -> int:
    return _copy_lines(source, target, b"\r\n")


def phase_floor_wide(source: Path, target: Path) -> int:
    return _copy_lines(source, target, WIDE_TAIL)


def phase_csv_copy(source: Path, target: Path) -> int:
    rows = 0
    with source.open(newline="") as src, target.open("w", newline="") as dst:
        writer = csv.writer(dst, delimiter=";", lineterminator="\r\n")
        for row in csv.reader(src):
            writer.writerow(row)
            rows += 1
    return rows - 1


PHASES = {"floor": phase_floor, "floor-wide": phase_floor_wide, "csv-copy": phase_csv_copy}


def database_prepare(env: dict[str, str]) -> None:
    marker = BENCH_DIR / "db.ready"
    if marker.exists():
        return
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    nord = Path(env.get("QUARTIERS_DATA_DIR", ROOT.parent / "shared" / "data"))
    qpv = nord / "qpv" / "qpv2024_nord.geojson"
    subprocess.run(
        [*manage, "import_qpv", str(qpv), "--generation", "2024", "--apply"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    marker.touch()


def command(phase: str, source: Path, target: Path) -> list[str]:
    if phase == "job":
        return [sys.executable, str(ROOT / "manage.py"), "georef", str(source), str(target)]
    return [sys.executable, __file__, "--phase", phase, str(source), str(target)]


def run_child(phase: str, source: Path, target: Path, env: dict[str, str]) -> dict:
    target.unlink(missing_ok=True)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command(phase, source, target), env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{stderr[-2000:]}")
    if phase == "job":  # "N lignes traitées." first; check the output has every row once
        rows = int(stdout.split()[0])
        with target.open("rb") as handle:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(16 << 20), b""))
        if lines != rows + 1:
            raise SystemExit(f"job output has {lines} lines for {rows} rows")
    else:
        rows = int(stdout.split()[0])
    target.unlink(missing_ok=True)
    return {
        "rows": rows,
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }


def child_env() -> dict[str, str]:
    env = {**os.environ, "SQLITE_PATH": str(BENCH_DIR / "db.sqlite3"), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BENCH_DIR / "pycache")
    return env


def warm_up(env: dict[str, str]) -> None:
    tiny = BENCH_DIR / "warm_up.csv"
    tiny.write_text("id,lon,lat\n1,3.06,50.63\n2,3.10,50.70\n", encoding="utf-8")
    run_child("job", tiny, BENCH_DIR / "warm_up_out.csv", env)


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each phase")
    parser.add_argument("--wide", action="store_true", help="also run floor-wide (reference)")
    parser.add_argument("--csv-copy", action="store_true", help="also run csv-copy (slow)")
    parser.add_argument(
        "--settle",
        type=float,
        default=3.0,
        help="seconds of pause before each phase (see the module's docstring)",
    )
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    if args.phase:  # child process
        print(PHASES[args.phase](Path(args.paths[0]), Path(args.paths[1])))
        return
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = child_env()
    database_prepare(env)
    source = BENCH_DIR / f"points_{args.rows}.csv"
    if not source.exists():
        t = time.perf_counter()
        generate(source, args.rows)
        print(f"generated {source.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    warm_up(env)
    phases = ["floor", "job"]
    phases += ["floor-wide"] if args.wide else []
    phases += ["csv-copy"] if args.csv_copy else []
    size_mb = source.stat().st_size / 1e6
    print(f"input: {args.rows:,} rows, {size_mb:.0f} MB; {os.cpu_count()} CPUs; load {load()}")
    results: dict[str, list[dict]] = {phase: [] for phase in phases}
    for round_ in range(args.rounds):
        order = phases if round_ % 2 == 0 else phases[::-1]
        line = []
        for phase in order:
            time.sleep(args.settle)
            r = run_child(phase, source, BENCH_DIR / f"out_{phase}.csv", env)
            results[phase].append(r)
            line.append(f"{phase} {r['wall']:.2f}s (cpu {r['cpu']:.2f})")
        ratio = results["job"][-1]["wall"] / results["floor"][-1]["wall"]
        print(f"round {round_ + 1}: {', '.join(line)}; job/floor {ratio:.2f}; load {load()}")
    for phase, runs in results.items():
        best = min(runs, key=lambda r: r["wall"])
        walls = [r["wall"] for r in runs]
        rows = best["rows"]
        print(
            f"{phase:10s} rows={rows:,} best={best['wall']:.2f}s "
            f"median={statistics.median(walls):.2f}s "
            f"rate={rows / best['wall'] / 1e6:.2f}M rows/s (best) "
            f"cpu={best['cpu']:.2f}s (user {best['user']:.2f} sys {best['sys']:.2f}; "
            f"median {statistics.median(r['cpu'] for r in runs):.2f}s) "
            f"peak_rss={max(r['rss_mb'] for r in runs):.0f}MB"
        )
    pairs = list(zip(results["job"], results["floor"], strict=True))
    median_ratio = statistics.median(j["wall"] / f["wall"] for j, f in pairs)
    best_ratio = min(r["wall"] for r in results["job"]) / min(r["wall"] for r in results["floor"])
    cpu_ratio = statistics.median(j["cpu"] / f["cpu"] for j, f in pairs)
    print(f"load at the end {load()}")
    print(f"job_cpu_vs_floor_cpu={cpu_ratio:.2f} (median of rounds)")
    if "floor-wide" in results:
        wides = zip(results["job"], results["floor-wide"], strict=True)
        wide = statistics.median(j["wall"] / w["wall"] for j, w in wides)
        print(f"job_vs_floor_wide={wide:.2f}")
    print(f"job_vs_floor_best_of_{args.rounds}={best_ratio:.2f}")
    print(f"job_vs_floor={median_ratio:.2f}")


if __name__ == "__main__":
    main()
