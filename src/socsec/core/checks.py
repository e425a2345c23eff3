"""System checks of the deployment (``manage check --deploy``): the personal data must not be encrypted
with the fixed development keys when DEBUG is off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from .crypto import development_keys_in

DEVELOPMENT_KEYS = "socsec.E001"


@checks.register(checks.Tags.security, deploy=True)
def development_keys_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """An error (``check --deploy`` fails) when a field key is the development one and DEBUG is off. Only
    under ``--deploy``: the tests and the demo run without DEBUG and with the development keys."""
    if settings.DEBUG:
        return []
    names = development_keys_in(settings.SOCSEC_FIELD_KEYS)
    if not names:
        return []
    return [
        checks.Error(
            f"{' and '.join(names)}: the fixed development key is in use (the variable is not set), so the "
            "personal data encrypted at rest is protected by nothing.",
            hint="Set each to the base64 of 32 random bytes "
            '(python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"), '
            "or run with SOCSEC_PROFILE=production, which requires them.",
            id=DEVELOPMENT_KEYS,
        )
    ]
