"""Every package the product imports when a module loads is a main dependency (pyproject.toml) or one of
theirs: the demo installs without the test tools, which had brought httpx along while the agencies'
transport imported it, so ``./scripts/demo`` failed on a fresh machine."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _with_theirs(names: set[str]) -> set[str]:
    """The distributions and everything installed that they require (without their extras), transitively."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        try:
            required = requires(name) or []
        except PackageNotFoundError:  # not installed here (another platform's): it provides no import
            continue
        for requirement in required:
            if "extra ==" not in requirement:
                todo.append(_name(requirement))
    return found


def _module_level_imports(path: Path) -> set[str]:
    """The top-level packages a module imports as it loads (not inside functions, not for type checking)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    body = [n for n in tree.body if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
    for node in body:
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_products_imports_come_with_its_main_dependencies():
    declared = {_name(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    installed = _with_theirs(declared)
    by_package = packages_distributions()
    missing = {}
    for path in sorted((ROOT / "src" / "socsec").rglob("*.py")):
        for package in _module_level_imports(path) - set(sys.stdlib_module_names) - {"socsec", "__future__"}:
            distributions = {d.lower().replace("_", "-") for d in by_package.get(package, [])}
            if not distributions & installed:
                missing.setdefault(package, str(path.relative_to(ROOT)))
    assert missing == {}
