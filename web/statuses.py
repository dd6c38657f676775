"""The HTTP status of each kind of refusal: the error handlers (`web/errors.py`), the pages
that show a refusal beside its field and the catalogue read it here."""

from __future__ import annotations

from litestar.status_codes import (
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from timebank.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceUnavailable,
    TimebankError,
    TooManyAttempts,
)

_STATUS_OF: dict[type[TimebankError], int] = {
    InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    NotFound: HTTP_404_NOT_FOUND,
    Conflict: HTTP_409_CONFLICT,
    NotAuthenticated: HTTP_401_UNAUTHORIZED,
    Forbidden: HTTP_403_FORBIDDEN,
    ServiceUnavailable: HTTP_503_SERVICE_UNAVAILABLE,
    TooManyAttempts: HTTP_429_TOO_MANY_REQUESTS,
}


def status_of_kind(kind: type[TimebankError]) -> int:
    """The status of a kind of refusal (the catalogue lists it beside each refusal)."""
    for base, status in _STATUS_OF.items():
        if issubclass(kind, base):
            return status
    return HTTP_422_UNPROCESSABLE_ENTITY


def status_of(exc: TimebankError) -> int:
    return status_of_kind(type(exc))
