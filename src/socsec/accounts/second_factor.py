"""The second factor (TOTP, django-otp) that agency staff (officers, supervisors, auditors) need: a staff
session reaches staff pages and the API only once a confirmed device has verified a code in it. Workers
and platform users are not asked.

- ``device_start`` gives a staff user a new, unconfirmed device (dropping any earlier one): the enrolment
  page and ``socsec otp enrol`` show its ``otpauth://`` URI and secret.
- ``device_confirm`` checks a code from it and confirms it; ``device_verify`` checks a code from the
  confirmed device at login. Both mark the session verified (``django_otp.login``).
- ``device_reset`` removes a user's devices (a lost phone): they enrol again at their next login.
The audit entries never hold the device's key."""

from __future__ import annotations

import copy
from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from socsec.audit.services import Actor, audit_record

from .errors import AccountErrorCode
from .models import User
from .permissions import STAFF_ROLES

DEVICE_NAME = "TOTP"


def needs_second_factor(user: User) -> bool:
    return user.role in STAFF_ROLES


def _as_audited(device: TOTPDevice) -> TOTPDevice:
    shown = copy.copy(device)
    shown.key = ""
    return shown


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def device_secret(device: TOTPDevice) -> str:
    """The key in base32, as authenticator apps take it typed in."""
    return b32encode(device.bin_key).decode()


def device_start(*, actor: Actor, user: User) -> TOTPDevice:
    """A new unconfirmed device for the user; their earlier devices are removed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        audit_record(actor=actor, action="otp.enrol", instance=_as_audited(device))
    return device


def device_reset(*, actor: Actor, user: User) -> int:
    """Removes the user's devices; how many there were."""
    with transaction.atomic():
        devices = list(TOTPDevice.objects.filter(user=user))
        for device in devices:
            audit_record(actor=actor, action="otp.reset", instance=_as_audited(device))
        TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).delete()
    return len(devices)


def device_confirm(*, request: HttpRequest, user: User, code: str) -> bool:
    """Confirms the user's pending device when ``code`` is its current one, and verifies the session."""
    device = pending_device(user)
    if device is None or not device.verify_token(code.strip()):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            actor=Actor(label=f"user:{user.username}", user_id=user.pk),
            action="otp.confirm",
            instance=_as_audited(device),
        )
    otp_login(request, device)
    return True


def device_verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """Verifies the session when ``code`` is the current one of the user's confirmed device."""
    device = confirmed_device(user)
    if device is None or not device.verify_token(code.strip()):
        return False
    otp_login(request, device)
    return True


# Pages a staff user reaches before the second factor: logging in and out, the factor's own pages, the
# language switch, static files and the health check.
_OPEN_PREFIXES = ("/login/", "/logout/", "/otp/", "/i18n/", "/static/", "/healthz")


class SecondFactorMiddleware:
    """Runs after django-otp's ``OTPMiddleware`` (which sets ``user.is_verified``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.is_authenticated
            and needs_second_factor(user)
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, user: User) -> HttpResponse:
        if request.path.startswith("/api/"):
            body = {
                "code": AccountErrorCode.SECOND_FACTOR_REQUIRED.value,
                "message": "Staff sessions need the second factor: verify a code at /otp/verify/ first.",
            }
            return JsonResponse(body, status=403)
        page = "web:otp_verify" if confirmed_device(user) is not None else "web:otp_enrol"
        return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
