"""The one shape of every error the API answers, whatever raised it: a domain error, a validation error,
ninja, Django (unknown path, wrong method, body too large, CSRF) or a failure (500).

``code`` is a stable machine word; ``message`` a sentence for a person, in the request's language where
the error is the API's own (domain errors keep their services' words); ``field`` names the input at fault
(``body``, ``person.name``, ...); ``details`` is data for a program (the fields at fault, the limit
exceeded, the incident id). ``field`` and ``details`` are absent where there is nothing to say.

The answers to failures outside a service are built here, once, for the exception handlers of
``socsec.api.base`` and for ``socsec.api.middleware`` (what Django answers before or around ninja)."""

from __future__ import annotations

import json
import logging
import uuid
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Schema

from socsec.core.db import is_locked

logger = logging.getLogger("socsec.api")


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] | list[Any] | None = None


class ApiErrorCode(StrEnum):
    """The codes of the errors the API gives itself (domain errors carry their apps' codes)."""

    INVALID = "invalid"
    MALFORMED = "malformed"
    BAD_REQUEST = "bad_request"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    CSRF_FAILED = "csrf_failed"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    TOO_LARGE = "too_large"
    HTTP_ERROR = "http_error"
    INTERNAL_ERROR = "internal_error"
    DATABASE_BUSY = "database_busy"


def error_body(
    code: StrEnum | str, message: str, *, field: str | None = None, details: dict[str, Any] | list[Any] | None = None
) -> dict[str, Any]:
    """``field`` and ``details`` are left out when there is none (as every answer has always done)."""
    body: dict[str, Any] = {"code": str(code), "message": message}
    if field is not None:
        body["field"] = field
    if details is not None:
        body["details"] = details
    return body


def json_response(body: dict[str, Any], status: int) -> HttpResponse:
    """A JSON answer that can always be written: text a client sent that UTF-8 cannot hold (a lone
    surrogate quoted back in a message) is written as its ``\\uXXXX`` escape instead of failing."""
    text = json.dumps(body, ensure_ascii=False, default=str)
    return HttpResponse(
        text.encode("utf-8", "backslashreplace"), status=status, content_type="application/json; charset=utf-8"
    )


def body_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def too_large() -> dict[str, Any]:
    limit = body_limit()
    return error_body(
        ApiErrorCode.TOO_LARGE,
        _("The request is too large: at most %(limit)s bytes are accepted.") % {"limit": f"{limit:,}"},
        field="body",
        details={"limit_bytes": limit},
    )


def malformed() -> dict[str, Any]:
    return error_body(ApiErrorCode.MALFORMED, _("The request body is not valid JSON."), field="body")


def not_found() -> dict[str, Any]:
    return error_body(ApiErrorCode.NOT_FOUND, _("There is nothing at this address."))


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> dict[str, Any]:
    return error_body(
        ApiErrorCode.METHOD_NOT_ALLOWED,
        _("%(method)s is not allowed here; use %(allowed)s.")
        % {"method": request.method, "allowed": ", ".join(allowed) or "-"},
        details={"allowed": allowed},
    )


def csrf_failed() -> dict[str, Any]:
    return error_body(
        ApiErrorCode.CSRF_FAILED,
        _("The CSRF check failed: a logged-in page must send its CSRF token (or use a Bearer token)."),
    )


def forbidden() -> dict[str, Any]:
    return error_body(ApiErrorCode.FORBIDDEN, _("You may not do this."))


def bad_request() -> dict[str, Any]:
    return error_body(ApiErrorCode.BAD_REQUEST, _("The request was refused as malformed."))


def address_refused(field: str) -> dict[str, Any]:
    return error_body(
        ApiErrorCode.BAD_REQUEST, _("The address holds a NUL character, which is not accepted."), field=field
    )


def unauthenticated() -> dict[str, Any]:
    return error_body(ApiErrorCode.UNAUTHENTICATED, _("Log in, or send 'Authorization: Bearer <token>'."))


def incident(request: HttpRequest, exc: BaseException | None = None) -> dict[str, Any]:
    """A failure: logged with a new incident id (and the traceback, when there is an exception); the
    client gets the id to quote, never the traceback."""
    incident_id = uuid.uuid4().hex[:16]
    logger.error("incident %s: %s %s failed", incident_id, request.method, request.path, exc_info=exc if exc else None)
    return error_body(
        ApiErrorCode.INTERNAL_ERROR,
        _("Something went wrong on our side. Nothing more was done; quote incident %(incident)s if it persists.")
        % {"incident": incident_id},
        details={"incident": incident_id},
    )


def of_exception(request: HttpRequest, exc: Exception) -> tuple[dict[str, Any], int]:
    """The answer to an exception no domain handler took: Django's own refusals keep their meaning (a body
    over the limit is 413, a suspicious request 400, a refusal 403, an absence 404); a write that found the
    database locked is a 503; the rest is a 500."""
    if isinstance(exc, RequestDataTooBig):
        return too_large(), 413
    if isinstance(exc, (SuspiciousOperation, MultiPartParserError)):  # e.g. multipart without a boundary
        return bad_request(), 400
    if isinstance(exc, PermissionDenied):
        return forbidden(), 403
    if isinstance(exc, Http404):
        return not_found(), 404
    if is_locked(exc):  # SQLite: a batch job holds the write lock past the busy timeout
        return database_busy(), 503
    return incident(request, exc), 500


def database_busy() -> dict[str, Any]:
    return error_body(
        ApiErrorCode.DATABASE_BUSY,
        _(
            "The database is busy with a batch job and could not take this change. "
            "Nothing was done; try again in a minute."
        ),
    )
