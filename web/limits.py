"""The integer ranges of the database columns, checked at the edge so that no id or count too
large for its column reaches a query (PostgreSQL `integer` and SQLite refuse them with a 500).

Bodies declare their bounds in `web/schemas.py` (`Int32`, `Int64`); path and query parameters
typed `int` are checked here once for every route, API and pages alike.
"""

from __future__ import annotations

import re
from typing import Any, Final

from litestar import Request
from litestar.typing import FieldDefinition

from timebank.errors import InvalidInput
from web import refusals

# Ids (`Serial`), minutes, counts: PostgreSQL `integer`.
INT32_MIN: Final = -(2**31)
INT32_MAX: Final = 2**31 - 1
# Amounts in cents and ledger figures: `BigInt`.
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
# Longer than any int32 written in decimal, sign included: refused before `int()` reads it.
INT32_TEXT_LENGTH_MAX: Final = 11
_INTEGER: Final = re.compile(r"[+-]?[0-9]+")


def out_of_range(field: str) -> InvalidInput:
    return refusals.OUT_OF_RANGE.error(int32_min=INT32_MIN, int32_max=INT32_MAX, field=field)


def _is_int(field: FieldDefinition) -> bool:
    if field.annotation is int:
        return True
    return field.is_optional and any(inner.annotation is int for inner in field.inner_types)


def _outside_int32(raw: str) -> bool:
    text = raw.strip()
    if _INTEGER.fullmatch(text) is None:
        return False  # Not a whole number: the handler's own parsing refuses it.
    return len(text) > INT32_TEXT_LENGTH_MAX or not INT32_MIN <= int(text) <= INT32_MAX


async def refuse_out_of_range_integers(request: Request[Any, Any, Any]) -> None:
    """Before every handler: an int path or query parameter outside int32 → 422 out_of_range.

    Every id is a `Serial` and every integer parameter an id, a count or a year, so one bound
    serves all routes.
    """
    for name, value in request.path_params.items():
        if isinstance(value, int) and not INT32_MIN <= value <= INT32_MAX:
            raise out_of_range(name)
    if not request.scope["query_string"]:
        return  # Most reads: no query, nothing more to check.
    parameters = request.route_handler.parsed_fn_signature.parameters
    query = request.query_params
    for name in query:
        field = parameters.get(name)
        if field is not None and _is_int(field):
            for raw in query.getall(name):
                if _outside_int32(raw):
                    raise out_of_range(name)
