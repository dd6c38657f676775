"""The catalogue of refusals: every area's `refusals.py` read into one list, each refusal with
the HTTP status its kind gets. `python -m web.catalogue` writes `docs/refusals.md` from it (a
test keeps the page current); the OpenAPI schema lists each operation's codes from it."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler

import timebank
from timebank.errors import Refusal
from web.auth import ANONYMOUS
from web.openapi_refusals import CODES_FILE, PACKAGES, handlers_of
from web.statuses import status_of_kind

ROOT: Final = Path(__file__).resolve().parents[1]
PAGE: Final = ROOT / "docs" / "refusals.md"
# The shared refusals first, the pages' and API's own last.
SHARED_MODULE: Final = "timebank.refusals"
WEB_MODULE: Final = "web.refusals"


@dataclass(frozen=True, slots=True)
class Listed:
    """One refusal as the catalogue lists it: where it is defined, by which name."""

    module: str
    name: str
    refusal: Refusal[Any]
    status: int

    @property
    def area(self) -> str:
        if self.module == SHARED_MODULE:
            return "shared"
        if self.module == WEB_MODULE:
            return "web"
        return self.module.split(".")[1]


def refusal_modules() -> list[str]:
    """Every catalogue module: the shared one, each area's, the web's."""
    areas = sorted(
        f"timebank.{info.name}.refusals"
        for info in pkgutil.iter_modules(timebank.__path__)
        if info.ispkg and (Path(timebank.__path__[0]) / info.name / "refusals.py").exists()
    )
    return [SHARED_MODULE, *areas, WEB_MODULE]


def catalogue() -> list[Listed]:
    """Each refusal once, under the module that defines it (an area's alias of a shared
    refusal is the shared one), in the order of the modules and of their definitions."""
    seen: set[int] = set()
    listed: list[Listed] = []
    for module_name in refusal_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            found: list[tuple[str, Refusal[Any]]] = []
            if isinstance(value, Refusal):
                found.append((name, value))
            elif isinstance(value, dict):
                found.extend(
                    (f"{name}[{key}]", item)
                    for key, item in value.items()
                    if isinstance(item, Refusal)
                )
            for entry_name, refusal in found:
                if id(refusal) in seen:
                    continue
                seen.add(id(refusal))
                listed.append(
                    Listed(module_name, entry_name, refusal, status_of_kind(refusal.kind))
                )
    return listed


# ---- which refusals each operation can answer ------------------------------------------
#
# Found in the code itself: from each route handler, every function it calls (in `timebank/`
# and `web/`, through imports, `self.` and the repositories of a unit of work), and every
# catalogue entry those functions name. An over-approximation (a branch never taken still
# counts), never an under one for the code it can follow.

Key = tuple[str, str]  # (module, qualified name of a function or method)
# Every request passes through these (who asks, the form's CSRF token, integers in range).
_EVERY_REQUEST: Final = (("web.limits", "refuse_out_of_range_integers"),)
_SIGNED_IN: Final = (("web.auth", "auth_middleware"),)


@dataclass
class _Function:
    refusals: set[Key]
    calls: set[Key]


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(tree: ast.Module) -> dict[str, tuple[str, str | None]]:
    """Each imported name: (module, None) for a module, (module, name) for a name in one."""
    found: dict[str, tuple[str, str | None]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                found[alias.asname or alias.name] = (
                    (target, None) if _is_module(target) else (node.module, alias.name)
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = (alias.name, None)
    return found


def _repositories() -> dict[str, Key]:
    """The unit of work's repositories: attribute name → (module, class), the class the
    service builds them with (`Repositories(...)`), not the protocol a field may be typed by."""
    path = ROOT / "timebank" / "db" / "unit_of_work.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imports(tree)
    found: dict[str, Key] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "Repositories"
        ):
            for keyword in node.keywords:
                built = keyword.value
                if keyword.arg and isinstance(built, ast.Call) and isinstance(built.func, ast.Name):
                    source = imported.get(built.func.id)
                    if source is not None and source[1] is not None:
                        found[keyword.arg] = (source[0], source[1])
    return found


def _index() -> dict[Key, _Function]:
    repositories = _repositories()
    trees = {
        _module_of(path): ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    returns = _returned_classes(trees)
    index: dict[Key, _Function] = {}
    for module, tree in trees.items():
        imported = _imports(tree)
        local = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for alias, (source, name) in imported.items():
            # A name a module imports (a package re-exporting its modules' names, say)
            # leads where it comes from.
            if name is not None:
                index[(module, alias)] = _Function(set(), {(source, name)})
        for owner, function in _functions(tree):
            read = _read_function(function, module, owner, imported, local, repositories)
            read.calls |= _methods_of_returned(function, module, imported, returns)
            index[(module, f"{owner}{function.name}")] = read
    return index


def _returned_classes(trees: dict[str, ast.Module]) -> dict[Key, Key]:
    """Each top-level function that returns a class of its own module: (module, function) →
    (module, class), so that a method called on what it returned can be followed."""
    found: dict[Key, Key] = {}
    for module, tree in trees.items():
        classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
        for node in tree.body:
            if (
                isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and isinstance(node.returns, ast.Name)
                and node.returns.id in classes
            ):
                found[(module, node.name)] = (module, node.returns.id)
    return found


def _methods_of_returned(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    module: str,
    imported: dict[str, tuple[str, str | None]],
    returns: dict[Key, Key],
) -> set[Key]:
    """The methods called on what an imported function returned, directly
    (`throttle_of(request).admit(...)`) or through a name it was given
    (`throttle = throttle_of(request)`, then `throttle.login_attempt(...)`)."""

    def returned(value: ast.expr) -> Key | None:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            source = imported.get(value.func.id)
            if source is not None and source[1] is not None:
                return returns.get((source[0], source[1]))
            return returns.get((module, value.func.id))
        return None

    named: dict[str, Key] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, cls = node.targets[0], returned(node.value)
            if isinstance(target, ast.Name) and cls is not None:
                named[target.id] = cls
    calls: set[Key] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Attribute):
            value = node.value
            cls = named.get(value.id) if isinstance(value, ast.Name) else returned(value)
            if cls is not None:
                calls.add((cls[0], f"{cls[1]}.{node.attr}"))
    return calls


def _functions(
    tree: ast.Module,
) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append(("", node))
        elif isinstance(node, ast.ClassDef):
            found.extend(
                (f"{node.name}.", item)
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return found


def _read_function(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
    module: str,
    owner: str,
    imported: dict[str, tuple[str, str | None]],
    local: set[str],
    repositories: dict[str, Key],
) -> _Function:
    read = _Function(set(), set())
    for node in ast.walk(function):
        if isinstance(node, ast.Name):
            if node.id in local:
                read.calls.add((module, node.id))
            elif node.id in imported and imported[node.id][1] is not None:
                source, name = imported[node.id]
                read.calls.add((source, str(name)))
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            base = node.value.id
            if base in imported and imported[base][1] is None:
                source = imported[base][0]
                if source.endswith("refusals"):
                    read.refusals.add((source, node.attr))
                else:
                    read.calls.add((source, node.attr))
            elif base == "self" and owner:
                read.calls.add((module, f"{owner}{node.attr}"))
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr in repositories
        ):
            repository_module, repository_class = repositories[node.value.attr]
            read.calls.add((repository_module, f"{repository_class}.{node.attr}"))
    return read


def _reached(start: Key, index: dict[Key, _Function], memo: dict[Key, set[Key]]) -> set[Key]:
    """The catalogue entries named by `start` and everything it calls."""
    found: set[Key] = set()
    seen: set[Key] = set()
    stack = [start]
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        if key in memo:
            found |= memo[key]
            continue
        function = index.get(key)
        if function is None:
            continue
        found |= function.refusals
        stack.extend(function.calls)
    memo[start] = found
    return found


def _refusals_named(keys: set[Key]) -> list[Refusal[Any]]:
    found: list[Refusal[Any]] = []
    for module_name, name in sorted(keys):
        value = getattr(importlib.import_module(module_name), name, None)
        if isinstance(value, Refusal):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(item for item in value.values() if isinstance(item, Refusal))
    return found


def operation_codes(handlers: list[tuple[str, str, bool]]) -> dict[str, dict[str, list[str]]]:
    """For each handler (module, qualified name, anonymous): its codes by HTTP status."""
    index = _index()
    memo: dict[Key, set[Key]] = {}
    codes: dict[str, dict[str, list[str]]] = {}
    for module, qualname, anonymous in handlers:
        starts = [(module, qualname), *_EVERY_REQUEST, *(() if anonymous else _SIGNED_IN)]
        keys: set[Key] = set()
        for start in starts:
            keys |= _reached(start, index, memo)
        by_status: dict[str, set[str]] = {}
        for refusal in _refusals_named(keys):
            by_status.setdefault(str(status_of_kind(refusal.kind)), set()).add(refusal.code)
        codes[f"{module}.{qualname}"] = {
            status: sorted(values) for status, values in sorted(by_status.items())
        }
    return codes


def _anonymous(handler: HTTPRouteHandler) -> bool:
    return bool(handler.opt.get("public") and handler.opt.get(ANONYMOUS))


def codes_by_operation(app: Litestar) -> dict[str, dict[str, list[str]]]:
    """Each operation's codes by status, found in the code (what `refusal_codes.json` holds)."""
    handlers = {
        (handler.fn.__module__, handler.fn.__qualname__, _anonymous(handler))
        for handler, _ in handlers_of(app)
        if handler.include_in_schema
    }
    return operation_codes(sorted(handlers))


def _cell(text: str | None) -> str:
    return "" if text is None else text.replace("|", "\\|").replace("\n", " ")


def markdown(listed: list[Listed]) -> str:
    """The catalogue as the docs page: one table per area."""
    lines = [
        "# Refusals",
        "",
        "Every refusal the service can answer, generated from the catalogues in the code (each",
        "area's `refusals.py`, the shared `timebank/refusals.py` and the pages' `web/refusals.py`)",
        "by `python -m web.catalogue`; `tests/unit/test_refusal_catalogue.py` fails when this page",
        "and the code disagree. The API answers each with its status and",
        '`{"code": …, "message": …, "message_en": …, "field": …}`; a page shows the French',
        "message beside the field. `{name}` in a message is filled with the request's values. The",
        "OpenAPI schema (`/schema`) lists under each operation the codes it can answer.",
        "",
        f"{len(listed)} refusals, {len({item.refusal.code for item in listed})} codes.",
    ]
    area = None
    for item in listed:
        if item.area != area:
            area = item.area
            lines += [
                "",
                f"## {area} — `{item.module.replace('.', '/')}.py`",
                "",
                "| code | status | field | message | message (en) | name |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
        refusal = item.refusal
        lines.append(
            f"| `{refusal.code}` | {item.status} | {_cell(refusal.field)} | {_cell(refusal.fr)} "
            f"| {_cell(refusal.en)} | `{item.name}` |"
        )
    return "\n".join(lines) + "\n"


def codes_json(codes: dict[str, dict[str, list[str]]]) -> str:
    return json.dumps(codes, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    from web.app import create_app

    PAGE.write_text(markdown(catalogue()), encoding="utf-8")
    codes = codes_by_operation(create_app(manage_database=False))
    CODES_FILE.write_text(codes_json(codes), encoding="utf-8")
    print(f"{PAGE.relative_to(ROOT)} and {CODES_FILE.relative_to(ROOT)} written")


if __name__ == "__main__":
    main()
