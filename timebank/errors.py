"""Errors a user can cause and understand, each with a machine code and a French and English text.

Use cases raise these; `web/errors.py` maps the categories to HTTP status codes in one place.
"""

from __future__ import annotations


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

    def __init__(self, message_fr: str, message_en: str, *, retry_after_seconds: int) -> None:
        super().__init__(message_fr, message_en)
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(TimebankError):
    """A dependency (database) is down; the caller may retry later."""

    code = "service_unavailable"


def not_found(
    entity_fr: str, entity_en: str, entity_id: object, *, field: str | None = None
) -> NotFound:
    """A NotFound naming what was looked for."""
    return NotFound(
        f"{entity_fr} introuvable : {entity_id}.",
        f"{entity_en} not found: {entity_id}.",
        field=field,
        code=f"{entity_en.lower().replace(' ', '_')}_not_found",
    )


def forbidden() -> Forbidden:
    return Forbidden(
        "Vous n'avez pas le droit de faire cela pour cette entreprise.",
        "You are not allowed to do this for this company.",
    )
