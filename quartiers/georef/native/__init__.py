"""The georef engine's compiled loops: the CPython extension ``_georef`` (C sources here:
``engine.c``, ``distances.c``, ``far.c``, ``lines.c``, wrapped by ``_georef.c``), built at
install time by ``pip install -e .`` (setup.py; ``make venv`` runs it). No compiler is ever
called at run time.

Without the extension (not built, or ``GEOREF_NATIVE=0``), the engine runs the same loops in
plain numpy (``fallback.py``), the exact far distances through shapely's STRtree and pyproj;
the CSV fast path is then off (the generic path writes the same bytes). Slower, same answers:
the tests check both against shapely. A missing extension is logged once, as an error."""

from __future__ import annotations

import logging
import os
from types import ModuleType

logger = logging.getLogger(__name__)

extension: ModuleType | None
try:
    from quartiers.georef.native import _georef as extension
except ImportError as exc:  # not built (pip install -e . was not run)
    extension = None
    _missing = f"{exc}"
else:
    _missing = ""
if os.environ.get("GEOREF_NATIVE", "1").strip().lower() in ("0", "false", "no", "off"):
    extension, _missing = None, "GEOREF_NATIVE=0"

_logged = False


def available() -> bool:
    """Whether the compiled extension runs the loops."""
    return extension is not None


def loops() -> ModuleType:
    """The module whose functions run the loops: the extension, else the numpy fallback."""
    global _logged
    if extension is not None:
        return extension
    if not _logged:
        _logged = True
        logger.error(
            "georef: compiled extension unavailable (%s); the numpy fallback is used, several "
            "times slower. Build it with `pip install -e .` (make venv).",
            _missing or "disabled",
        )
    from quartiers.georef.native import fallback

    return fallback
