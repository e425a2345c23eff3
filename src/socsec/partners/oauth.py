"""The OAuth2 validator of the partner API's token endpoint: django-oauth-toolkit's, which also refuses a
client whose agreement is not in force and names a scope outside the agreement, each with its reason (the
token view keeps every refusal: ``socsec.api.partner_token``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.oauth2.rfc6749.errors import InvalidClientError, InvalidScopeError

from .scopes import agreement_of


class AgreementValidator(OAuth2Validator):  # type: ignore[misc]  # django-oauth-toolkit ships no types
    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        agreement = agreement_of(request.client)
        if agreement is None:
            raise InvalidClientError(description="this client is not a partner under an agreement", request=request)
        today = timezone.localdate()
        if not agreement.is_valid_on(today):
            raise InvalidClientError(
                description=(
                    f"agreement {agreement.reference} is in force from {agreement.valid_from.isoformat()} "
                    f"to {agreement.valid_until.isoformat()}; today is {today.isoformat()}"
                ),
                request=request,
            )
        return True

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        agreement = agreement_of(client)
        allowed = set(agreement.scopes) if agreement is not None else set()
        outside = sorted(set(scopes) - allowed)
        if outside:
            reference = agreement.reference if agreement is not None else "-"
            raise InvalidScopeError(
                description=f"scope {' '.join(outside)} is outside agreement {reference}", request=request
            )
        return True
