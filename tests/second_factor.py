"""Staff logins in tests go through the real second factor: a confirmed TOTP device, and codes computed
from its key as an authenticator app computes them."""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from socsec.accounts.models import User
from socsec.accounts.second_factor import needs_second_factor


def device_of(user: User) -> TOTPDevice:
    """The user's confirmed device, made when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code the device's authenticator app shows at ``at`` (now by default)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def verify_session(client: Client, user: User) -> None:
    """Marks the client's session as verified by the staff user's device (what the verify page does)."""
    if not needs_second_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
    session.save()
