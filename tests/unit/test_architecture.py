"""Dependency direction: web → timebank → {ledger, matching, contracts}, checked on the imports.

An allow-list: an AST scan of every module of each top-level package finds what it imports, and
each import must be the standard library, the package itself or a package listed for it below.
The pure cores import no project package above them and no web or ORM library; `timebank`
never imports `litestar` or `web`; `web` never imports `piccolo` or `timebank.db.tables`. Every
third-party package listed is a direct dependency in `pyproject.toml`, not one that happens to
come with another.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROJECT_PACKAGES = frozenset({"ledger", "matching", "contracts", "timebank", "web"})

# What each top-level package may import besides the standard library and itself.
ALLOWED: dict[str, frozenset[str]] = {
    "ledger": frozenset(),
    "matching": frozenset({"numpy", "orjson", "ortools"}),
    "contracts": frozenset({"facturx", "jinja2", "markdown", "weasyprint"}),
    "timebank": frozenset(
        {
            "ledger",
            "matching",
            "contracts",
            "aiosqlite",
            "apscheduler",
            "argon2",
            "asyncpg",
            "holidays",
            "icalendar",
            "openpyxl",
            "orjson",
            "piccolo",
            "stdnum",
        }
    ),
    "web": frozenset(
        {
            "timebank",
            "ledger",
            "contracts",
            "limits",
            "litestar",
            "markupsafe",
            "pydantic",
            "uvicorn",
        }
    ),
}

# Modules of an allowed package that stay out of reach all the same.
FORBIDDEN_MODULES: dict[str, tuple[str, ...]] = {"web": ("timebank.db.tables",)}

# The distribution of an import name, where the two differ.
DISTRIBUTION_OF = {"argon2": "argon2-cffi", "stdnum": "python-stdnum", "facturx": "factur-x"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def declared_dependencies() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for requirement in project["dependencies"]:
        match = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert match, requirement
        names.add(match.group(0).lower().replace("_", "-"))
    return names


def offences(package: str, root: Path) -> list[str]:
    """Each import of `root/package`'s modules that its allow-list does not admit."""
    allowed = ALLOWED[package] | {package, "__future__"}
    forbidden = FORBIDDEN_MODULES.get(package, ())
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            top = module.split(".")[0]
            if top in sys.stdlib_module_names:
                continue
            if top not in allowed or any(
                module == f or module.startswith(f + ".") for f in forbidden
            ):
                found.append(f"{path.relative_to(root)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_it_is_allowed(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"package {package} has no module"
    assert offences(package, ROOT) == []


def test_the_cores_import_no_project_package_above_them() -> None:
    assert not ALLOWED["ledger"] & PROJECT_PACKAGES
    assert not ALLOWED["matching"] & PROJECT_PACKAGES
    assert not ALLOWED["contracts"] & PROJECT_PACKAGES
    assert "web" not in ALLOWED["timebank"] and "litestar" not in ALLOWED["timebank"]
    assert "piccolo" not in ALLOWED["web"]


def test_every_allowed_library_is_a_declared_dependency() -> None:
    declared = declared_dependencies()
    libraries = set().union(*ALLOWED.values()) - PROJECT_PACKAGES
    missing = sorted(
        name for name in libraries if DISTRIBUTION_OF.get(name, name).lower() not in declared
    )
    assert missing == []


def test_an_import_outside_the_list_is_reported(tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "x.py").write_text(
        "import json\nimport piccolo.table\nfrom ledger import model\nfrom . import y\n"
    )
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "y.py").write_text(
        "from timebank.people import use_cases\nfrom timebank.db.tables import X\n"
    )
    assert offences("ledger", tmp_path) == ["ledger/x.py imports piccolo.table"]
    assert offences("web", tmp_path) == ["web/y.py imports timebank.db.tables"]


# The large-instance path is reached through its package's entry point alone; only its own
# modules and the tests of its parts look inside it.
LARGE_PATH_INSIDE = (
    "matching/large/",
    "tests/unit/matching/test_large.py",
    "tests/unit/matching/test_beside.py",
    "tests/unit/matching/test_entropic.py",
)


def reaches_inside(imported: set[str], names: dict[str, set[str]]) -> bool:
    """Whether a module's imports go past `matching.large`'s entry point."""
    return any(m.startswith("matching.large.") for m in imported) or bool(
        names.get("matching.large", set()) - {"greedy_objective", "solve_large"}
    )


def imported_names(path: Path) -> dict[str, set[str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.setdefault(node.module, set()).update(alias.name for alias in node.names)
    return names


def test_the_large_matching_path_is_reached_through_its_entry_point_alone() -> None:
    outside = [
        path
        for folder in ("bench", "matching", "tests", "timebank", "web")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not str(path.relative_to(ROOT)).startswith(LARGE_PATH_INSIDE)
    ]
    assert len(outside) > 100
    reaching = [
        str(path.relative_to(ROOT))
        for path in outside
        if reaches_inside(imported_modules(path), imported_names(path))
    ]
    assert reaching == []
    assert reaches_inside({"matching.large.problem"}, {})
    assert reaches_inside({"matching.large"}, {"matching.large": {"problem"}})
    assert not reaches_inside({"matching.large"}, {"matching.large": {"solve_large"}})
