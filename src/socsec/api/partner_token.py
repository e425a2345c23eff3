"""The partner API's token endpoint: django-oauth-toolkit's, client credentials only, which keeps every
refused request with its reason (an unknown client, a wrong secret, an agreement not in force, a scope
outside the agreement) in the partners' refusals."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse
from oauth2_provider.models import get_application_model
from oauth2_provider.views import TokenView

from socsec.partners.refusals import refusal_record
from socsec.partners.scopes import agreement_of


def _client_id(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return str(request.POST.get("client_id", ""))


class PartnerTokenView(TokenView):  # type: ignore[misc]  # django-oauth-toolkit ships no types
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().post(request, *args, **kwargs)
        if response.status_code >= 400:
            try:
                body = json.loads(response.content or b"{}")
            except ValueError:
                body = {}
            client_id = _client_id(request)
            application = get_application_model().objects.filter(client_id=client_id).first() if client_id else None
            agreement = agreement_of(application)
            refusal_record(
                action="oauth.token",
                code=str(body.get("error", "refused")),
                message=str(body.get("error_description") or body.get("error") or "refused"),
                agreement=agreement,
                client_id=client_id,
            )
        return response
