"""`python -m quartiers.georef.native`: says which loops run (exit 1 without the extension)."""

import sys

from quartiers.georef import native

if native.extension is not None:
    print(f"extension compilée : {native.extension.__file__}")
else:
    print("extension compilée absente : lancez `pip install -e .` (make venv)", file=sys.stderr)
    sys.exit(1)
