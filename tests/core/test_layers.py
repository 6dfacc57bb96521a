"""The layers only point down (docs/architecture.md): the import graph between the apps,
computed from the code (every import, module-level and inside functions, tests/import_graph),
has no back-edge against the declared order, and no two modules import each other."""

from __future__ import annotations

import ast

from tests.import_graph import (
    LAYERS,
    PACKAGE,
    _imported,
    app_edges,
    back_edges,
    module_cycles,
)


def test_every_app_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    declared = {app for layer in LAYERS for app in layer}
    assert apps == declared


def test_no_app_imports_an_app_of_its_own_layer_or_above():
    found = back_edges()
    assert not found, "\n".join(
        f"{a} → {b} : {', '.join(where)}" for (a, b), where in sorted(found.items())
    )


def test_no_two_modules_import_each_other():
    assert module_cycles() == []


def test_the_shared_layer_and_core_import_no_domain_app():
    for source in ("shared", "core"):
        targets = {b for (a, b) in app_edges() if a == source}
        assert targets <= {"shared"}, (source, targets)


def test_the_graph_sees_function_level_and_relative_imports():
    # The oracle: hand-written sources, parsed the way the project's modules are.
    lazy = ast.parse("def f():\n    from quartiers.grants.models import Application\n")
    relative = ast.parse("from ..models import Role\n")
    found = [t for node in ast.walk(lazy) for t in _imported(node, "quartiers.core.x", False)]
    assert "quartiers.grants.models" in found
    node = relative.body[0]
    assert _imported(node, "quartiers.core.oidc.views", False)[0] == "quartiers.core.models"
