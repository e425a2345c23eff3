"""Reads of the exchange for the officers' pages: the outbox and the inbox by state, and the counts of
refused attempts."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from .models import DocumentState, InboundDocument, OutboundDocument, RefusedAttempts


def outbox_documents(*, state: str = "") -> QuerySet[OutboundDocument]:
    rows = OutboundDocument.objects.select_related("peer").defer("document").order_by("-id")
    return rows.filter(state=state) if state else rows


def inbox_documents(*, state: str = "") -> QuerySet[InboundDocument]:
    rows = InboundDocument.objects.select_related("sender").order_by("-id")
    return rows.filter(state=state) if state else rows


def outbox_counts() -> dict[str, int]:
    found = dict(OutboundDocument.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: found.get(state, 0) for state in DocumentState.values if state != DocumentState.APPLIED}


def refused_attempts(limit: int = 30) -> QuerySet[RefusedAttempts]:
    return RefusedAttempts.objects.order_by("-day", "code")[:limit]
