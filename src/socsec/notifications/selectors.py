"""Reading the inbox and the outbox."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, QuerySet

from .models import Channel, Contact, Delivery
from .texts import RenderError, render


def inbox(*, keys: Sequence[str]) -> QuerySet[Delivery]:
    """The messages of these recipients' inbox, newest first."""
    return (
        Delivery.objects.filter(channel=Channel.INBOX, state=Delivery.State.SENT, notice__recipient__in=keys)
        .select_related("notice")
        .order_by("-id")
    )


def inbox_texts(deliveries: Sequence[Delivery], language: str) -> list[tuple[Delivery, str, str]]:
    """Each inbox message with its subject and text in the reader's language (the page's), or in the
    language it was delivered in where the page's cannot be written."""
    out = []
    for delivery in deliveries:
        notice = delivery.notice
        try:
            subject, body = render(notice.event, notice.context, language)
        except RenderError:
            try:
                subject, body = render(notice.event, notice.context, delivery.language)
            except RenderError:  # a version that no longer has its text
                subject, body = notice.event, ""
        out.append((delivery, subject, body))
    return out


def inbox_unread_count(*, keys: Sequence[str]) -> int:
    return inbox(keys=keys).filter(read_at__isnull=True).count()


def outbox(*, state: str = "", channel: str = "") -> QuerySet[Delivery]:
    """Every delivery, newest first, by state and channel where given."""
    rows = Delivery.objects.select_related("notice").order_by("-id")
    if state:
        rows = rows.filter(state=state)
    if channel:
        rows = rows.filter(channel=channel)
    return rows


def outbox_counts() -> dict[tuple[str, str], int]:
    """Deliveries by (channel, state)."""
    counts = Delivery.objects.values_list("channel", "state").annotate(n=Count("id")).order_by()
    return {(channel, state): n for channel, state, n in counts}


def contact_of(*, recipient: str) -> Contact | None:
    return Contact.objects.filter(recipient=recipient).first()
