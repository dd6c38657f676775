"""The catalogue of refusals: every area's `refusals.py` read into one list, each refusal with
the HTTP status its kind gets. `python -m web.catalogue` writes `docs/refusals.md` from it (a
test keeps the page current); the OpenAPI schema lists each operation's codes from it."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import timebank
from timebank.errors import Refusal
from web.errors import status_of_kind

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


def main() -> None:
    PAGE.write_text(markdown(catalogue()), encoding="utf-8")
    print(f"{PAGE.relative_to(ROOT)} written")


if __name__ == "__main__":
    main()
