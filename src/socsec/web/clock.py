"""A warning on the officers' pages while the application's clock and the database's disagree by more than
allowed (``SOCSEC_CLOCK_SKEW_SECONDS``): dates and deadlines they see may be wrong. Checked at most once
a minute per process."""

from __future__ import annotations

import time

from django.http import HttpRequest
from django.utils.translation import gettext as _

from socsec.core.clock import clock_skew, max_skew

STAFF_ROLES = ("OFFICER", "SUPERVISOR", "AUDITOR")
CHECK_EVERY_SECONDS = 60
_last: dict[str, float] = {"checked": -CHECK_EVERY_SECONDS, "skew": 0.0}


def clock_warning(request: HttpRequest) -> dict[str, str]:
    """Context processor: ``clock_warning`` is a sentence for officers while the clocks disagree, else ''."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", "") not in STAFF_ROLES:
        return {"clock_warning": ""}
    now = time.monotonic()
    if now - _last["checked"] >= CHECK_EVERY_SECONDS:
        _last["skew"], _last["checked"] = clock_skew().total_seconds(), now
    if abs(_last["skew"]) <= max_skew().total_seconds():
        return {"clock_warning": ""}
    return {
        "clock_warning": _(
            "The application's clock and the database's differ by %(seconds)d seconds: dates and deadlines "
            "shown may be wrong, and batch runs are refused until the clocks are set right."
        )
        % {"seconds": abs(_last["skew"])}
    }
