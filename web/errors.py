"""The one place that maps domain errors to HTTP: status code and the JSON problem shape.

Every refusal reads `{"code", "message", "message_en", "field"}`; pages get a French error page.
A 500 is always a bug, logged with its traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from timebank.errors import (
    TimebankError,
    TooManyAttempts,
)
from web.pages.common import login_redirect, page_context
from web.statuses import status_of

LOGGER = logging.getLogger("timebank.web")


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """Pages get pages; the API (and anything asking for JSON) gets JSON."""
    if request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/schema"):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem(
    request: Request[Any, Any, Any],
    status_code: int,
    *,
    code: str,
    message_fr: str,
    message_en: str,
    field: str | None,
) -> Response[Any]:
    if wants_html(request):
        if status_code == HTTP_401_UNAUTHORIZED:
            return login_redirect(request)
        return Template(
            template_name="error.html",
            context=page_context(request, status_code=status_code, message=message_fr, code=code),
            status_code=status_code,
        )
    return Response(
        content={"code": code, "message": message_fr, "message_en": message_en, "field": field},
        status_code=status_code,
        media_type=MediaType.JSON,
    )


def timebank_error_handler(request: Request[Any, Any, Any], exc: TimebankError) -> Response[Any]:
    response = problem(
        request,
        status_of(exc),
        code=exc.code,
        message_fr=exc.message_fr,
        message_en=exc.message_en,
        field=exc.field,
    )
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


def _field_of(extra: Any) -> str | None:
    if isinstance(extra, list) and extra and isinstance(extra[0], dict):
        key = extra[0].get("key")
        return str(key) if key is not None else None
    return None


# How pydantic and msgspec word a broken `ge`/`le`: in the API schemas, only column ranges.
_OUT_OF_RANGE = re.compile(r"(less|greater) than or equal to|Expected `int` [<>]=")


def _as_path(key: str) -> str:
    """`skills.0.level` → `skills[0].level`, as the use cases name fields."""
    return re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", key)


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    """Malformed body or parameter: Litestar/pydantic found a wrong type or a missing field."""
    field = _field_of(exc.extra)
    detail = ""
    if isinstance(exc.extra, list) and exc.extra and isinstance(exc.extra[0], dict):
        detail = str(exc.extra[0].get("message", ""))[:200]
    if _OUT_OF_RANGE.search(detail):
        bounds = detail.rsplit(" ", 1)[-1]
        return problem(
            request,
            HTTP_422_UNPROCESSABLE_ENTITY,
            code="out_of_range",
            message_fr=f"Nombre hors limites (limite : {bounds}).",
            message_en=f"Number out of range (limit: {bounds}).",
            field=_as_path(field) if field else None,
        )
    where_fr = f" (champ « {field} »)" if field else ""
    where_en = f" (field '{field}')" if field else ""
    return problem(
        request,
        HTTP_400_BAD_REQUEST,
        code="malformed_request",
        message_fr=f"Requête mal formée{where_fr} : {detail or 'valeur invalide'}.",
        message_en=f"Malformed request{where_en}: {detail or 'invalid value'}.",
        field=field,
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotFoundException):
        return problem(
            request,
            HTTP_404_NOT_FOUND,
            code="not_found",
            message_fr="Page ou ressource introuvable.",
            message_en="Page or resource not found.",
            field=None,
        )
    if isinstance(exc, MethodNotAllowedException):
        return problem(
            request,
            exc.status_code,
            code="method_not_allowed",
            message_fr="Méthode non permise.",
            message_en="Method not allowed.",
            field=None,
        )
    if isinstance(exc, NotAuthorizedException):
        return problem(
            request,
            HTTP_401_UNAUTHORIZED,
            code="not_authenticated",
            message_fr="Connexion requise.",
            message_en="Login required.",
            field=None,
        )
    if isinstance(exc, PermissionDeniedException):
        return problem(
            request,
            HTTP_403_FORBIDDEN,
            code="forbidden",
            message_fr="Accès refusé.",
            message_en="Access denied.",
            field=None,
        )
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        return internal_error_handler(request, exc)
    return problem(
        request,
        exc.status_code,
        code="http_error",
        message_fr=str(exc.detail),
        message_en=str(exc.detail),
        field=None,
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    LOGGER.exception("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        code="internal_error",
        message_fr="Erreur interne : elle a été journalisée.",
        message_en="Internal error: it has been logged.",
        field=None,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    TimebankError: timebank_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
