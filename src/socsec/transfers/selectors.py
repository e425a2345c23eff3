"""Reads of transfers: a person's transfers both ways, the officers' queue, and the cities a relation may
move to."""

from __future__ import annotations

from django.db.models import QuerySet

from socsec.registry.models import Person, Region

from .models import IncomingTransfer, OutgoingTransfer


def transfers_out_of(person: Person) -> QuerySet[OutgoingTransfer]:
    return OutgoingTransfer.objects.filter(person=person).select_related("from_region", "to_region")


def transfers_into(person: Person) -> QuerySet[IncomingTransfer]:
    return IncomingTransfer.objects.filter(person=person).select_related("to_region")


def transfer_queue(*, status: str = "") -> QuerySet[OutgoingTransfer]:
    """The sending side's transfers of one status (all when empty), the oldest request first."""
    rows = OutgoingTransfer.objects.select_related("person", "from_region", "to_region").order_by("requested_at", "id")
    return rows.filter(status=status) if status else rows


def incoming_queue() -> QuerySet[IncomingTransfer]:
    return IncomingTransfer.objects.select_related("person", "to_region").order_by("-received_at", "-id")


def destination_cities() -> QuerySet[Region]:
    """The cities a relation may move to (a province is not a place of contributions)."""
    return Region.objects.filter(level=Region.Level.CITY).order_by("code")
