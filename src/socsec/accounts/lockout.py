"""Login lockout (django-axes' database handler, ``AXES_HANDLER``) with a failure limit per lockout
parameter set. django-axes compares one limit (``AXES_FAILURE_LIMIT``) with the largest count over the
sets in ``AXES_LOCKOUT_PARAMETERS``; here each set's count is first divided by its multiple
(``LOGIN_FAILURE_MULTIPLES``, in the same order), so a username from one address locks after the limit, a
username from any addresses after 3 times it and an address over any usernames after 10 times it.

A successful login clears only the failures of that username from that address: clearing the address's
or the username's would let a spraying client reset its own count with one account it knows."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        multiples: list[int] = settings.LOGIN_FAILURE_MULTIPLES
        attempts_list = self.get_user_attempts(request, credentials)
        if len(multiples) != len(attempts_list):
            raise ValueError("LOGIN_FAILURE_MULTIPLES needs one multiple per AXES_LOCKOUT_PARAMETERS entry")
        counts = [attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0 for attempts in attempts_list]
        return max((count // multiple for count, multiple in zip(counts, multiples, strict=True)), default=0)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None)  # set by django-axes on every request it sees
        deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=address).delete()
        return int(deleted)
