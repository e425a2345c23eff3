"""Payment providers: how a worker's payment of their own contribution reaches the agency's account. A
provider starts a payment (a reference, and where to send the person to pay) and later tells the outcome by
a signed callback, which ``verify_callback`` checks. ``LocalProvider`` plays a provider for the demo and
the tests (its page is ``web.provider``); a bank, UnionPay or wallet gateway is another class with the same
``code``, ``start`` and ``verify_callback``, named in ``settings.SOCSEC_PAYMENT_PROVIDERS``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from socsec.contributions.models import RejectedCallback
from socsec.core.errors import NotFound

SIGNATURE_HEADER = "X-Payment-Signature"
PAID, CANCELLED = "PAID", "CANCELLED"


@dataclass(frozen=True)
class PaymentStart:
    """The provider's reference of a payment it opened, and where to send the person to pay it."""

    reference: str
    redirect_url: str


@dataclass(frozen=True)
class CallbackMessage:
    """A verified callback: the payment, PAID or CANCELLED, the amount the provider took, and the nonce
    that makes the message unique."""

    reference: str
    outcome: str
    amount_cents: int
    nonce: str


class CallbackRejected(Exception):
    """A callback that cannot be trusted or read; ``reason`` is a ``RejectedCallback.Reason``."""

    def __init__(self, reason: str, *, reference: str = "", nonce: str = "") -> None:
        super().__init__(reason)
        self.reason, self.reference, self.nonce = reason, reference, nonce


class PaymentProvider(Protocol):
    code: str

    def start(self, *, amount_cents: int, description: str) -> PaymentStart:
        """Opens a payment of the amount with the provider."""
        ...

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> CallbackMessage:
        """The callback's message, once its signature and freshness are checked; CallbackRejected otherwise."""
        ...


def _signature(key: str, body: bytes) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


class LocalProvider:
    """A provider on this server, for the demo and the tests: its page shows the amount with "pay" and
    "cancel", and posts the outcome as a callback signed with HMAC-SHA256 over the body, with the key of
    ``settings.SOCSEC_PAYMENT_LOCAL_KEY``, a timestamp and a nonce."""

    code = "local"

    def __init__(self, key: str | None = None) -> None:
        self.key = key if key is not None else settings.SOCSEC_PAYMENT_LOCAL_KEY

    def start(self, *, amount_cents: int, description: str) -> PaymentStart:
        reference = f"LOCAL-{secrets.token_hex(8).upper()}"
        return PaymentStart(reference, settings.SOCSEC_PAYMENT_LOCAL_PAGE.format(reference=reference))

    def callback(
        self, *, reference: str, outcome: str, amount_cents: int, now: dt.datetime
    ) -> tuple[bytes, dict[str, str]]:
        """The body and headers of the callback the provider sends for an outcome (the local page's)."""
        message = {
            "reference": reference,
            "outcome": outcome,
            "amount_cents": amount_cents,
            "timestamp": int(now.timestamp()),
            "nonce": secrets.token_hex(16),
        }
        body = json.dumps(message, sort_keys=True).encode()
        return body, {SIGNATURE_HEADER: _signature(self.key, body)}

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> CallbackMessage:
        given = headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), _signature(self.key, body).encode()):
            raise CallbackRejected(RejectedCallback.Reason.BAD_SIGNATURE, reference=_peek(body))
        try:
            data = json.loads(body)
            message = CallbackMessage(
                reference=str(data["reference"])[:64],
                outcome=str(data["outcome"]),
                amount_cents=int(data["amount_cents"]),
                nonce=str(data["nonce"])[:64],
            )
            timestamp = int(data["timestamp"])
        except (ValueError, KeyError, TypeError):
            raise CallbackRejected(RejectedCallback.Reason.MALFORMED) from None
        if message.outcome not in (PAID, CANCELLED) or not message.nonce:
            raise CallbackRejected(RejectedCallback.Reason.MALFORMED, reference=message.reference)
        if abs(now.timestamp() - timestamp) > settings.SOCSEC_PAYMENT_CALLBACK_MAX_AGE_SECONDS:
            raise CallbackRejected(RejectedCallback.Reason.STALE, reference=message.reference, nonce=message.nonce)
        return message


def _peek(body: bytes) -> str:
    """The reference an untrusted body names, for the record of its rejection only."""
    try:
        data = json.loads(body)
        return str(data.get("reference", ""))[:64] if isinstance(data, dict) else ""
    except ValueError:
        return ""


def payment_provider(code: str | None = None) -> PaymentProvider:
    """The provider of that code (of ``settings.SOCSEC_PAYMENT_PROVIDERS``), or the one new payments use."""
    code = code or settings.SOCSEC_PAYMENT_PROVIDER
    if not code:
        raise NotFound("paying here is not available: no payment provider is set up", field="provider")
    path = settings.SOCSEC_PAYMENT_PROVIDERS.get(code)
    if path is None:
        raise NotFound("no payment provider “%(code)s”", field="provider", params={"code": code})
    provider: PaymentProvider = import_string(path)()
    return provider
