"""The REST API's one NinjaAPI instance and what every endpoint shares: authentication (which puts the
request's ``Principal`` where ``socsec.accounts.access.principal_of`` finds it), the JSON renderer and the
error handlers. The domain routers live in their own modules and are mounted in ``socsec.api.app``.

Organisations authenticate with ``Authorization: Bearer <token>``; people with their session.
Errors are ``{"code", "message", "field"?, "details"?}`` (``socsec.api.errors.ErrorOut``), mapped once here;
what Django answers around ninja (unknown path, body too large, failures) is made JSON by
``socsec.api.middleware``."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from socsec.accounts.models import User
from socsec.accounts.permissions import Principal
from socsec.accounts.tokens import token_authenticate, token_require_scope
from socsec.api.errors import (
    ApiErrorCode,
    csrf_failed,
    error_body,
    malformed,
    not_found,
    of_exception,
    unauthenticated,
)
from socsec.api.parsing import BodyRefused, StrictJSONParser
from socsec.api.responses import error_codes, row_error_codes
from socsec.core.errors import DomainError


class TokenAuth(HttpBearer):
    """A live token (not expired, not revoked) with the scope of the operation (else 403 ``scope_missing``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = token_authenticate(token)
        if found is None:
            return None
        token_require_scope(found, request)
        return Principal.of_token(found)


class UserSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return Principal.of_user(user)
        return None


class Utf8JSONRenderer(JSONRenderer):
    """Names and places in Chinese stay readable in the JSON (UTF-8, not \\u escapes). Text UTF-8 cannot
    hold (a lone surrogate) is written as its escape rather than failing the answer."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        text = super().render(request, data, response_status=response_status)
        return text.encode("utf-8", "backslashreplace") if isinstance(text, str) else text


class SocSecAPI(NinjaAPI):
    """An operation's id is its function's name (``send_order_batch``, ``list_invoices``): generated
    clients name their methods after it, so view functions have unique names that say what they do.
    ``ErrorOut.code`` is published as the enum of every code the API answers with, and the keys of an
    order batch's ``error_counts`` as the enum of the codes of its rows."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" in schemas:
            schemas["ErrorCode"] = {
                "title": "ErrorCode",
                "description": "A stable machine word naming the error.",
                "type": "string",
                "enum": error_codes(),
            }
            schemas["ErrorOut"]["properties"]["code"] = {"$ref": "#/components/schemas/ErrorCode"}
        if "OrderBatchOut" in schemas:
            schemas["OrderRowErrorCode"] = {
                "title": "OrderRowErrorCode",
                "description": "Why a row of an order batch was refused: the code of a row of its error report.",
                "type": "string",
                "enum": row_error_codes(),
            }
            counts = schemas["OrderBatchOut"]["properties"]["error_counts"]
            counts["propertyNames"] = {"$ref": "#/components/schemas/OrderRowErrorCode"}
        return schema


api = SocSecAPI(
    title="SocSec API",
    version="1",
    description="Registry, engagements and coverage for workers in new forms of employment.",
    auth=[TokenAuth(), UserSessionAuth()],
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
    parser=StrictJSONParser(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = error_body(exc.code, exc.message, field=exc.field, details=exc.details or None)
    response = api.create_response(request, body, status=exc.status)
    retry_after = (exc.details or {}).get("retry_after")
    if isinstance(retry_after, int):  # try again in so many seconds (a request still running, say)
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "payload", "query", "path")]
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        fields.setdefault(".".join(loc) or "body", []).append(message)
    first = next(iter(fields))
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    body = error_body(ApiErrorCode.INVALID, message, field=first, details={"fields": fields})
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own 4xx: a body that cannot be parsed (not JSON, or text that is refused anywhere in it),
    a failed CSRF check, ..."""
    if isinstance(exc.__cause__, BodyRefused):
        refused = exc.__cause__
        fields = {refused.field: [refused.reason]}
        message = f"{refused.field}: {refused.reason}"
        body = error_body(ApiErrorCode.INVALID, message, field=refused.field, details={"fields": fields})
        return api.create_response(request, body, status=422)
    if exc.status_code == 400 and "parse request body" in str(exc):
        return api.create_response(request, malformed(), status=400)
    if exc.status_code == 403 and "CSRF" in str(exc):
        return api.create_response(request, csrf_failed(), status=403)
    return api.create_response(request, error_body(ApiErrorCode.HTTP_ERROR, str(exc)), status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, unauthenticated(), status=401)


@api.exception_handler(Http404)
def absent(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, not_found(), status=404)


@api.exception_handler(Exception)
def failure(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: Django's refusals (body too large, suspicious) keep their status; a failure is a 500
    with an incident id, logged with its traceback."""
    body, status = of_exception(request, exc)
    return api.create_response(request, body, status=status)
