"""Every answer under ``/api/`` that is an error is JSON in the API's one shape (``socsec.api.errors``),
whatever made it: ninja's handlers already answer so; this middleware catches the rest, which Django gives
as HTML or text: an unknown path (404), a method an endpoint does not take (405), a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` read outside ninja (413), a refusal of Django's (400, 403) and any failure
(500, logged with an incident id; never a traceback). It goes first in ``MIDDLEWARE`` so that it sees the
answers of the other middleware too. Messages are in the request's language."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from socsec.api.errors import (
    address_refused,
    bad_request,
    body_limit,
    forbidden,
    incident,
    json_response,
    method_not_allowed,
    not_found,
    of_exception,
    too_large,
)

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path == API_PREFIX.rstrip("/")


def nul_in_address(request: HttpRequest) -> str | None:
    """The part of the address (``path`` or a query parameter's name) that holds a NUL character, which
    no database stores (PostgreSQL refuses it in any text), or None."""
    if "\x00" in request.path:
        return "path"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return key.replace("\x00", "") or "query"
    return None


def declared_length(request: HttpRequest) -> int:
    raw = str(request.META.get("CONTENT_LENGTH") or "0")
    return int(raw) if raw.isdigit() else 0


def is_json(response: HttpResponse) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            refused = nul_in_address(request)
            if refused is not None:
                with translation.override(translation.get_language_from_request(request)):
                    return json_response(address_refused(refused), 400)
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400 or is_json(response):
            return response
        with translation.override(translation.get_language_from_request(request)):
            return self.as_json(request, response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api(request):
            return None
        with translation.override(translation.get_language_from_request(request)):
            body, status = of_exception(request, exception)
            return json_response(body, status)

    @staticmethod
    def as_json(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        status = response.status_code
        if status == 404:
            body = not_found()
        elif status == 405:
            allowed = [m.strip() for m in str(response.get("Allow", "")).split(",") if m.strip()]
            body = method_not_allowed(request, allowed)
        elif status == 413 or (status == 400 and declared_length(request) > body_limit()):
            body, status = too_large(), 413
        elif status == 403:
            body = forbidden()
        elif status >= 500:
            body = incident(request)
        else:
            body = bad_request()
        answer = json_response(body, status)
        if "Allow" in response:
            answer["Allow"] = response["Allow"]
        return answer


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler403``: JSON under /api/, the site's page in the reader's language elsewhere."""
    if is_api(request):
        return json_response(forbidden(), 403)
    return render(request, "web/forbidden.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: JSON under /api/, the site's page in the reader's language elsewhere."""
    if is_api(request):
        return json_response(not_found(), 404)
    return render(request, "web/not_found.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: JSON with an incident id under /api/; elsewhere the site's page with the id, drawn
    without the request's context (no session, no user, no database: the fault may be the database's)."""
    if is_api(request):
        return json_response(incident(request), 500)
    incident_id = uuid.uuid4().hex[:16]
    logger.error("incident %s: %s %s failed (page)", incident_id, request.method, request.path)
    with translation.override(translation.get_language_from_request(request)):
        return HttpResponseServerError(render_to_string("web/server_error.html", {"incident": incident_id}))
