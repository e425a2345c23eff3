"""System checks of the deployment (``manage check --deploy``): the personal data must not be encrypted
with the fixed development keys when DEBUG is off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from socsec.deployment import COLLECTION_ACCOUNT_VARIABLES, DEMO_COLLECTION_ACCOUNT

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


DEMO_PAYMENTS = "socsec.E002"
DEMO_COLLECTION_ACCOUNT_ID = "socsec.E003"


@checks.register(checks.Tags.security)
def production_payments_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """An error in the production profile when the local (demo) payment provider is registered or chosen:
    it signs its own "paid", so every contribution paid through it would be free."""
    if settings.SOCSEC_PROFILE != "production":
        return []
    if "local" not in settings.SOCSEC_PAYMENT_PROVIDERS and settings.SOCSEC_PAYMENT_PROVIDER != "local":
        return []
    return [
        checks.Error(
            "SOCSEC_PAYMENT_PROVIDER: the local (demo) payment provider is in use in the production profile, "
            "so contributions would be booked without any money being paid.",
            hint="Register a real provider in SOCSEC_PAYMENT_PROVIDERS and choose it with SOCSEC_PAYMENT_PROVIDER.",
            id=DEMO_PAYMENTS,
        )
    ]


@checks.register(checks.Tags.security)
def production_collection_account_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """An error in the production profile when the collection account invoices print is the demo's, in
    part or whole: platforms would pay real money into a made-up account."""
    if settings.SOCSEC_PROFILE != "production":
        return []
    demo = [
        COLLECTION_ACCOUNT_VARIABLES[key]
        for key, value in DEMO_COLLECTION_ACCOUNT.items()
        if settings.SOCSEC_COLLECTION_ACCOUNT.get(key, value) == value
    ]
    if not demo:
        return []
    return [
        checks.Error(
            f"{', '.join(demo)}: the demo's collection account is in use, so invoices would send platforms' "
            "payments to a made-up account.",
            hint="Set each to the agency's collection account as the bank holds it.",
            id=DEMO_COLLECTION_ACCOUNT_ID,
        )
    ]
