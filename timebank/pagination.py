"""Pages of results: every list is bounded by PAGE_SIZE_MAX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from timebank import rules

PAGE_SIZE_DEFAULT: Final = 50
PAGE_SIZE_MAX: Final = 200
OFFSET_MAX: Final = 1_000_000

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = PAGE_SIZE_DEFAULT
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    total: int
    limit: int
    offset: int


def page_request(limit: int, offset: int) -> PageRequest:
    """Check the bounds of a page request."""
    rules.integer_range(limit, field="limit", low=1, high=PAGE_SIZE_MAX)
    rules.integer_range(offset, field="offset", low=0, high=OFFSET_MAX)
    return PageRequest(limit=limit, offset=offset)
