# -*- coding: utf-8 -*-
"""The shape of the package, read from the imports alone: a feature
(catalog, access_requests, monitoring, report) imports only ``common`` and
itself, never another feature's modules (they call each other's actions
through ``tk.get_action``); ``common`` imports no feature."""
from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1]
FEATURES = ("catalog", "access_requests", "monitoring", "report")


def _imports(path: pathlib.Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


@pytest.mark.parametrize("package", FEATURES + ("common",))
def test_a_package_imports_no_other_feature(package):
    allowed = {package}
    wrong = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[:2] != ["ckanext", "utt1service"] or len(parts) < 3:
                continue
            if parts[2] in FEATURES and parts[2] not in allowed:
                wrong.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert wrong == []


def test_no_module_only_re_exports():
    """No star imports (the aggregators of the old layout are gone)."""
    stars = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
                for n in ast.walk(ast.parse(path.read_text())))
    ]
    assert stars == []
