"""Errors a user can cause and understand, each with a machine code and a French and English text.

Use cases raise these; `web/errors.py` maps the categories to HTTP status codes in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType
from typing import Generic, TypeVar


class TimebankError(Exception):
    """Base of every refusal: `code` for machines, `message_fr`/`message_en` for people."""

    code: str = "error"

    def __init__(
        self,
        message_fr: str,
        message_en: str,
        *,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(TimebankError):
    """A value breaks a rule of the domain (format, range, consistency)."""

    code = "invalid_input"


class NotFound(TimebankError):
    code = "not_found"


class Conflict(TimebankError):
    """The request clashes with what is already stored (duplicate, wrong state)."""

    code = "conflict"


class NotAuthenticated(TimebankError):
    code = "not_authenticated"


class Forbidden(TimebankError):
    """The caller is known but may not do this, or not for this company."""

    code = "forbidden"


class TooManyAttempts(TimebankError):
    """Too many logins or door requests in a short time; the caller may retry after a while."""

    code = "too_many_attempts"
    retry_after_seconds = 60  # Set by whoever raises it: when a new attempt will be counted.


class ServiceUnavailable(TimebankError):
    """A dependency (database) is down; the caller may retry later."""

    code = "service_unavailable"


E = TypeVar("E", bound=TimebankError)


@dataclass(frozen=True, slots=True)
class Refusal(Generic[E]):
    """One refusal of an area's catalogue (its `refusals.py`), defined once: its machine code,
    the kind of error (which `web/errors.py` maps to a status), its French and English messages
    (templates: `{name}` is filled by `error`) and the field it names by default."""

    code: str
    kind: type[E]
    fr: str
    en: str
    field: str | None = None

    def error(self, *, field: str | EllipsisType | None = ..., **values: object) -> E:
        """The error to raise, its messages filled with `values`; `field` names another field
        than the refusal's own (one row of a list, say), or none."""
        return self.kind(
            self.fr.format(**values),
            self.en.format(**values),
            field=self.field if isinstance(field, EllipsisType) else field,
            code=self.code,
        )
