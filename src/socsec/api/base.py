"""The REST API's one NinjaAPI instance and what every endpoint shares: authentication (which puts the
request's ``Principal`` where ``socsec.accounts.access.principal_of`` finds it), the JSON renderer and the
error handlers. The domain routers live in their own modules and are mounted in ``socsec.api.app``.

Organisations authenticate with ``Authorization: Bearer <token>``; people with their session.
Errors are ``{"code", "message", "field"?, "details"?}`` with a 4xx status, mapped once here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from socsec.accounts.models import User
from socsec.accounts.permissions import Principal
from socsec.accounts.services import token_authenticate
from socsec.api.responses import error_codes
from socsec.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = token_authenticate(token)
        return Principal.of_token(found) if found else None


class UserSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return Principal.of_user(user)
        return None


class Utf8JSONRenderer(JSONRenderer):
    """Names and places in Chinese stay readable in the JSON (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


class SocSecAPI(NinjaAPI):
    """An operation's id is its function's name (``send_order_batch``, ``list_invoices``): generated
    clients name their methods after it, so view functions have unique names that say what they do.
    ``ErrorOut.code`` is published as the enum of every code the API answers with."""

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
        return schema


api = SocSecAPI(
    title="SocSec API",
    version="1",
    description="Registry, engagements and coverage for workers in new forms of employment.",
    auth=[TokenAuth(), UserSessionAuth()],
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "body", []).append(str(err.get("msg", "invalid")))
    first = next(iter(fields))
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return api.create_response(
        request,
        {"code": "invalid", "message": message, "field": first, "details": {"fields": fields}},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own 4xx, e.g. a body that is not JSON."""
    body: dict[str, Any] = {"code": "http_error", "message": str(exc)}
    if exc.status_code == 400 and "parse request body" in str(exc):
        body = {"code": "malformed", "message": "The request body is not valid JSON.", "field": "body"}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Log in, or send 'Authorization: Bearer <token>'."},
        status=401,
    )
