"""Dependency direction: web → timebank → {ledger, matching, contracts}, checked on the imports.

An AST scan of every module: the pure cores import no project package above them and no web or
ORM library; `timebank` never imports `litestar` or `web`; `web` never imports `piccolo` or
`timebank.db.tables`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "ledger": (
        "timebank",
        "web",
        "matching",
        "contracts",
        "piccolo",
        "litestar",
        "pydantic",
        "jinja2",
        "ortools",
        "apscheduler",
    ),
    "matching": (
        "timebank",
        "web",
        "ledger",
        "contracts",
        "piccolo",
        "litestar",
        "pydantic",
        "jinja2",
        "apscheduler",
    ),
    "contracts": ("timebank", "web", "matching", "piccolo", "litestar", "apscheduler"),
    "timebank": ("web", "litestar"),
    "web": ("piccolo", "timebank.db.tables", "asyncpg", "aiosqlite"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_dependency_direction(package: str) -> None:
    files = list((ROOT / package).rglob("*.py"))
    assert files, f"package {package} has no module"
    offences = []
    for path in files:
        for module in imported_modules(path):
            for forbidden in FORBIDDEN[package]:
                if module == forbidden or module.startswith(forbidden + "."):
                    offences.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offences == []
