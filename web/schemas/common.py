"""What every area's schemas share: integers within their columns' range, the base of request
bodies, pages of results, the health answer."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from timebank.pagination import Page
from web.limits import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN

T = TypeVar("T")


# Every integer of a body is bounded by its column (web/limits.py): ids, minutes and counts are
# `integer`, amounts in cents `BigInt`. Beyond → 422 out_of_range, never a database error.
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]


Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """An answer read from a domain record: each field from the record's attribute of the same
    name (or its `validation_alias`), nested records likewise, enums as their values."""

    model_config = ConfigDict(from_attributes=True, validate_by_name=True, validate_by_alias=True)

    @classmethod
    def of(cls, record: object) -> Self:
        return cls.model_validate(record)


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_out(page: Page[Any], items: list[T]) -> PageOut[T]:
    return PageOut[T](items=items, total=page.total, limit=page.limit, offset=page.offset)


class HealthOut(BaseModel):
    status: str
    database: str
