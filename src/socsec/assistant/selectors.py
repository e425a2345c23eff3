"""The assistant's reads: a person's exchanges and enquiries, the officers' queue, the log for review."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Enquiry, Exchange


def exchanges_of(*, person_id: int) -> QuerySet[Exchange]:
    return Exchange.objects.filter(person_id=person_id).select_related("enquiry")


def enquiries_open() -> QuerySet[Enquiry]:
    return Enquiry.objects.filter(status=Enquiry.Status.OPEN).select_related("person")


def exchanges_for_review(*, outcome: str = "") -> QuerySet[Exchange]:
    found = Exchange.objects.select_related("person")
    return found.filter(outcome=outcome) if outcome else found
