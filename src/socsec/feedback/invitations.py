"""Inviting people to rate the services completed for them: for every completed service still within the
rating window and not rated yet, one notice to its person with the page where they rate it. Read set-based
from the completions themselves (``completions.py``), streamed into the outbox (``notify_many``); the
service and its subject are the notice's key, so each completion is invited once however often this runs
(a sweep, daily with the others)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation

from socsec.notifications import recipients
from socsec.notifications.services import Row, notify_many

from .catalogue import rating_window_days
from .completions import completions
from .models import Service, ServiceRating

EVENT = "service.rate"


def _rows(service: Service, on: dt.date, since: dt.date, link: str) -> Iterator[Row]:
    with translation.override("en"):  # the catalogue's msgid: the notice reads it in the reader's language
        label = str(service.label)
    rated = ServiceRating.objects.filter(service=service.value, subject_id=OuterRef("subject"))
    done = (
        completions(service, on)
        .filter(done_on__gte=since, done_on__lte=on)
        .filter(~Exists(rated))
        .order_by("subject")
        .values_list("person_id", "subject", "done_on")
    )
    for person_id, subject, done_on in done.iterator(chunk_size=2000):
        context = {"service": label, "day": done_on.isoformat(), "link": link}
        yield recipients.person(person_id), context, f"{service.value}:{subject}"


def rating_invitations_notify(*, on: dt.date | None = None) -> int:
    """Invite a rating of each service completed within the window to ``on`` and not rated. Returns the
    completions read (a notice already written for one is left as it is)."""
    on = on or timezone.localdate()
    since = on - dt.timedelta(days=rating_window_days(on))
    link = reverse("web:my_services")
    told = 0
    with transaction.atomic():
        for service in Service:
            told += notify_many(event=EVENT, rows=_rows(service, on, since, link))
    return told
