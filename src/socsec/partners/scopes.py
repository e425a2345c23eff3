"""The token endpoint's scopes (django-oauth-toolkit's scopes backend): a partner's application may be
granted the scopes of its agreement while the agreement is in force, and nothing else; asking for no
scope gets them all. An application without an agreement gets none."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .catalogue import SCOPES
from .models import Agreement


def agreement_of(application: Any) -> Agreement | None:
    if application is None or getattr(application, "pk", None) is None:
        return None
    return Agreement.objects.select_related("partner").filter(application_id=application.pk).first()


class AgreementScopes:
    def get_all_scopes(self) -> dict[str, str]:
        return {name: str(label) for name, label in SCOPES.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        agreement = agreement_of(application)
        if agreement is None or not agreement.is_valid_on(timezone.localdate()):
            return []
        return list(agreement.scopes)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request)
