"""The pages' answer to a refusal of the access layer (``socsec.accounts.access``), given once here as the
API's is in ``socsec.api.base``: an object that is absent or not the reader's shows the not-found page
(404); a role that may not do something gets Django's 403. Other errors are left to Django."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socsec.core.errors import Forbidden, NotFound

from .common import error_text


class AccessRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return render(request, "web/not_found.html", status=404)
        if isinstance(exception, Forbidden):
            raise PermissionDenied(error_text(exception)) from exception
        return None
