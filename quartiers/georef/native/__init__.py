"""The compiled loops in C (``georef.c``), built with the system C compiler and loaded with ctypes.

Why not only numba: a process pays about 0.3 s to import numba and 0.45–0.6 s more on its
first call (numba's typing and lowering registries), even when every kernel loads from its
cache; a CLI job on a file of a few million rows takes about as long as that. The same loops
in C load in a millisecond. numba stays the fallback (no C compiler, a read-only install, or
``GEOREF_NATIVE=0``) and the reference the tests compare these with.

The shared library is built on first use (about 0.5 s, once per source version) into
``__pycache__`` next to this file (``GEOREF_NATIVE_DIR`` elsewhere), under a name holding the
hash of the source and flags, and renamed into place atomically (concurrent builds are safe).
``python -m quartiers.georef.native`` builds it ahead of time (``make venv`` does). ctypes
releases the GIL during each call, so callers may run halves of a block on two threads.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("georef.c")
# -ffp-contract=off: no fused multiply-add, so the arithmetic is numba's, bit for bit.
CFLAGS = ("-O2", "-std=c11", "-fPIC", "-shared", "-ffp-contract=off", "-fno-math-errno")

_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_tried = False

_P = ctypes.c_void_p
_I = ctypes.c_int64
_D = ctypes.c_double
_SIGNATURES = {
    "grid_lookup": (_I, [_P, _P, _I, _D, _D, _D, _I, _I, _P, _I, _I, _P, _P, _P]),
    "status_finalize": (None, [_P, _P, _P, _P, _I, _D, _P]),
    "pair_distance_near": (None, [_P, _P, _I, _P, _P, _P, _P, _P, _P]),
    "pairs_reduce": (None, [_P, _I, _P, _P, _P, _P, _P, _D, _P, _P, _P, _P, _P, _P, _P]),
    "lines_parse": (None, [_P, _I, _I, _I, _I, _I, _I, _I, _I, _P, _P, _P, _P, _P]),
    "lines_write": (_I, [_P, _I, _I, _P, _P, _P, _P, _I, _P, _P, _P, _P, _P, _P, _P, _P, _P,
                         _I, _P, _P, _P, _I]),
}  # fmt: skip


def library() -> ctypes.CDLL | None:
    """The loaded library, built if needed; None when C is unavailable or turned off."""
    global _lib, _tried
    if _tried:
        return _lib
    with _lock:
        if not _tried:
            _lib = _load()
            _tried = True
    return _lib


def available() -> bool:
    return library() is not None


def _library_path() -> Path:
    source = SOURCE.read_bytes()
    compiler = _compiler() or ""
    key = hashlib.sha256(source + repr((CFLAGS, compiler)).encode()).hexdigest()[:16]
    folder = Path(os.environ.get("GEOREF_NATIVE_DIR") or SOURCE.parent / "__pycache__")
    return folder / f"georef-{key}.{platform.machine()}.so"


def _compiler() -> str | None:
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


def build(target: Path | None = None) -> Path:
    """Compile georef.c into ``target`` (default: the cached library's path)."""
    target = target or _library_path()
    compiler = _compiler()
    if compiler is None:
        raise RuntimeError("no C compiler (cc) found")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".georef-", suffix=".so", dir=target.parent)
    os.close(fd)
    try:
        subprocess.run(
            [compiler, *CFLAGS, "-o", tmp, str(SOURCE), "-lm"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    for old in target.parent.glob(f"georef-*.{platform.machine()}.so"):
        if old != target:  # an older version of the source (a process may still map it: fine)
            old.unlink(missing_ok=True)
    return target


def _load() -> ctypes.CDLL | None:
    if os.environ.get("GEOREF_NATIVE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        path = _library_path()
        if not path.exists():
            build(path)
        lib = ctypes.CDLL(str(path))
        for name, (restype, argtypes) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        return lib
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        logger.warning(
            "georef: compiled C loops unavailable (%s %s), numba is used instead",
            exc,
            detail.decode(errors="replace")[:500],
        )
        return None


def ptr(array: np.ndarray, dtype: type | np.dtype, *, out: bool = False) -> int:
    """The address of a C-contiguous array of ``dtype`` (checked: C would read anything)."""
    if not isinstance(array, np.ndarray) or array.dtype != dtype:
        found = getattr(array, "dtype", type(array))
        raise TypeError(f"expected an array of {np.dtype(dtype)}, got {found}")
    if not array.flags.c_contiguous or (out and not array.flags.writeable):
        raise ValueError("expected a C-contiguous (and, for outputs, writable) array")
    return array.__array_interface__["data"][0]
