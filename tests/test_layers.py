"""The layers of docs/architecture.md hold: imports point one way, and an import inside a function says why.

The layer order itself is the import-linter contract in pyproject.toml (``[tool.importlinter]``).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from django.db.migrations.loader import MigrationLoader
from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
MARK = "# local import:"


def _config() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]


def _packages() -> list[str]:
    return _config()["root_packages"]


def _layer_of() -> dict[str, int]:
    """Package -> its layer's depth in the contract (0 = the top)."""
    (contract,) = [c for c in _config()["contracts"] if c["type"] == "layers"]
    return {
        package.strip(): depth
        for depth, layer in enumerate(contract["layers"])
        for package in layer.replace(":", "|").split("|")
    }


def _function_imports_without_reason(path: Path) -> list[str]:
    """``file:line`` of each import inside a function that carries no ``# local import: <why>`` comment,
    on its line or above it (a comment, of one line or more, above a run of imports covers the run)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines), filename=str(path))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if MARK in lines[node.lineno - 1]:
                continue
            above = node.lineno - 2
            while above >= 0 and not lines[above].strip().startswith(MARK) and _in_run(lines[above]):
                above -= 1
            if above >= 0 and lines[above].strip().startswith(MARK):
                continue
            found.append(node.lineno)
    return [f"{path.relative_to(ROOT)}:{line}" for line in sorted(set(found))]


def _in_run(line: str) -> bool:
    """A line that may stand between an import and the comment explaining it: an import, a blank, a comment."""
    text = line.strip()
    return not text or text.startswith(("import ", "from ", "#"))


def test_each_package_imports_only_from_the_layers_below_it():
    configure()  # import-linter's readers of pyproject.toml (what its command line sets up)
    assert lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True), (
        "a package imports from a layer above it: see the report above and docs/architecture.md"
    )


def test_migrations_depend_only_on_the_app_itself_and_the_layers_below_it():
    """A foreign key upwards would tie an app's migrations to an app above it (as RoleAssignment's company
    once tied accounts to csr), which the import contract cannot see: models name each other by string."""
    layer = _layer_of()
    upwards = [
        f"{app}.{name} -> {dependency}.{dependency_name}"
        for (app, name), migration in sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items())
        if app in layer
        for dependency, dependency_name in migration.dependencies
        if dependency in layer and dependency != app and layer[dependency] <= layer[app]
    ]
    assert upwards == []


def test_every_import_inside_a_function_says_why():
    missing = [
        place
        for package in _packages()
        for path in sorted((ROOT / package).rglob("*.py"))
        for place in _function_imports_without_reason(path)
    ]
    assert missing == [], "imports inside functions without '# local import: <why>' (move them to the top):\n" + (
        "\n".join(missing)
    )


def test_the_check_sees_an_import_inside_a_function_and_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    module = tmp_path / "module.py"
    module.write_text(
        "import os\n\n\ndef bare():\n    import json\n\n\n"
        "def explained():\n    # local import: a cycle with Django's app registry,\n    # over two lines\n    from . import a\n\n"
        "    import b\n    import c  # local import: the same\n\n\ndef unexplained():\n    x = 1\n    import d\n",
        encoding="utf-8",
    )
    assert _function_imports_without_reason(module) == ["module.py:5", "module.py:19"]
