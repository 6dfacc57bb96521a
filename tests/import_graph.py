"""The import graph between the apps of `quartiers`, computed from the code (ast).

Every `import` and `from … import` counts, at module level and inside functions (a lazy
import is still a dependency). `python -m tests.import_graph` prints the back-edges against
`LAYERS` and the lines per app; `tests/core/test_layers.py` fails on any back-edge.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quartiers"

# Bottom to top: an app imports only apps of lower layers (never one of its own layer, never
# one above). Interfaces (portal, api) sit on top.
LAYERS: list[tuple[str, ...]] = [
    ("shared",),  # no domain knowledge
    ("core",),  # users, roles, the access policy's registry, audit, page cache
    ("geography",),  # the registry of territories and its importers
    ("georef",),  # points and addresses → QPV
    ("contracts",),  # contracts, actions, the territory of a délégué or partner
    ("organisation",),  # délégués, CONCERTO commitments
    ("indicators",),  # statistics (a contract's scorecard)
    ("programmes", "grants"),  # measures and their indicators; funding files
    # interfaces over every domain (« À traiter », the import screen)
    ("portal", "api", "worklist", "imports"),
]


def layer_of(app: str) -> int:
    for level, apps in enumerate(LAYERS):
        if app in apps:
            return level
    raise KeyError(f"app {app!r} has no layer in LAYERS")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            prefix = ".".join(base)
            target = f"{prefix}.{node.module}" if node.module else prefix
        else:
            target = node.module or ""
        return [target, *(f"{target}.{alias.name}" for alias in node.names)]
    return []


def app_edges() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → the 'file:line' of each import making that edge."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        source_app = module.split(".")[1] if module.count(".") else None
        if source_app is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            targets = _imported(node, module, path.name == "__init__.py")
            apps = {t.split(".")[1] for t in targets if t.startswith("quartiers.") and t.count(".")}
            for target_app in apps:
                if target_app != source_app and (PACKAGE / target_app).is_dir():
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    edges[(source_app, target_app)].append(where)
    return edges


def back_edges() -> dict[tuple[str, str], list[str]]:
    """The edges that point up or sideways in `LAYERS`."""
    return {(a, b): where for (a, b), where in app_edges().items() if layer_of(b) >= layer_of(a)}


def cycles() -> list[tuple[str, str]]:
    edges = app_edges()
    return sorted((a, b) for (a, b) in edges if a < b and (b, a) in edges)


def lines_per_app() -> dict[str, int]:
    counts = {}
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        counts[folder.name] = sum(
            len(f.read_text(encoding="utf-8").splitlines()) for f in folder.rglob("*.py")
        )
    return counts


def main() -> None:
    found = back_edges()
    print(f"{len(found)} back-edge(s) against LAYERS")
    for (a, b), where in sorted(found.items()):
        print(f"  {a} -> {b}: {len(where)} import(s), e.g. {', '.join(where[:3])}")
    print("app pairs importing each other:", cycles() or "none")
    print("lines per app:")
    for app, count in lines_per_app().items():
        print(f"  {app} {count}")


if __name__ == "__main__":
    main()


def module_edges() -> dict[str, set[str]]:
    """Module → the project modules it imports (a `from package import name` counts for the
    module `package.name` when it is one, else for `package`)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for target in _imported(node, module, path.name == "__init__.py"):
                if target in modules and target != module:
                    edges[module].add(target)
    return edges


def module_cycles() -> list[tuple[str, str]]:
    """Pairs of modules importing each other."""
    edges = module_edges()
    return sorted((a, b) for a in edges for b in edges[a] if a < b and a in edges.get(b, ()))
