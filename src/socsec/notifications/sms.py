"""Sending a text message: the provider interface a gateway's client fits, and the local provider that
records what it would send (the demo's and the tests'). ``SOCSEC_SMS_PROVIDER`` names the class."""

from __future__ import annotations

import re
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import SmsRecord


class ProviderTimeout(Exception):
    """The provider did not answer in time: sent again later."""


class ProviderRefused(Exception):
    """The provider refused the message (a number it does not serve): not sent again by itself."""


class SmsProvider(Protocol):
    def send(self, *, key: str, phone: str, text: str) -> str:
        """Send ``text`` to ``phone`` once per ``key`` (a second call with the same key sends nothing and
        answers the first one's reference). Returns the provider's reference."""
        ...


MOBILE = re.compile(r"^\+861[3-9]\d{9}$|^\+(?!86)\d{8,15}$")  # mainland mobiles, or another country's number


class LocalSmsProvider:
    """Records each message in ``SmsRecord`` (its key unique, as a gateway's idempotency key), refusing a
    number no mobile network would take."""

    def send(self, *, key: str, phone: str, text: str) -> str:
        if not MOBILE.match(phone):
            raise ProviderRefused(f"{phone} is not a mobile number")
        try:
            with transaction.atomic():
                record = SmsRecord.objects.create(key=key, phone=phone, text=text, at=timezone.now())
        except IntegrityError:
            record = SmsRecord.objects.get(key=key)
        return f"local-{record.pk}"


def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(settings.SOCSEC_SMS_PROVIDER)()
    return provider
