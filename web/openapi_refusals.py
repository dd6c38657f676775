"""Each API operation's refusals in its OpenAPI responses, read from `refusal_codes.json`:
the codes each operation can answer by status, as `python -m web.catalogue` found them in the
code (`web/catalogue.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

CODES_FILE: Final = Path(__file__).resolve().parent / "refusal_codes.json"
# The packages whose handlers and functions the catalogue reads.
PACKAGES: Final = ("timebank", "web")


@dataclass(frozen=True, slots=True)
class RefusalBody:
    """What a refused request answers (`web/errors.py`), as the OpenAPI schema shows it."""

    code: str
    message: str
    message_en: str
    field: str | None


def handlers_of(app: Litestar) -> list[tuple[HTTPRouteHandler, str]]:
    """The app's HTTP handlers, each with its key (module and qualified name)."""
    return [
        (handler, f"{handler.fn.__module__}.{handler.fn.__qualname__}")
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if isinstance(handler, HTTPRouteHandler)
        and handler.fn.__module__.startswith(tuple(f"{p}." for p in PACKAGES))
    ]


def document_refusals(app: Litestar) -> None:
    """Each API operation's refusals in its OpenAPI responses: the codes it can answer, by
    status, read from `refusal_codes.json` (written by `python -m web.catalogue`)."""
    if not CODES_FILE.exists():
        return
    codes: dict[str, dict[str, list[str]]] = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    for handler, key in handlers_of(app):
        by_status = codes.get(key)
        if not by_status or not handler.include_in_schema:
            continue
        handler.responses = {
            **(handler.responses or {}),
            **{
                int(status): ResponseSpec(
                    data_container=RefusalBody,
                    generate_examples=False,
                    description="Refus possibles / refusals (docs/refusals.md): "
                    + ", ".join(f"`{code}`" for code in found),
                )
                for status, found in by_status.items()
            },
        }
