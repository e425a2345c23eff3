"""Finding claims in every state: by state, kind, a range of the submission or the event date, the person
(their id, resident ID or whole name) or the claim's number, and the platform it concerns; newest or oldest
first by the chosen date. The officer's search page and the API page the same query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from socsec.registry.selectors import persons_matching

from .models import Claim

DATE_FIELDS = {"submitted": "submitted_on", "event": "event_date"}


@dataclass(frozen=True)
class ClaimSearch:
    status: str = ""
    kind: str = ""
    date_field: str = "submitted"  # which date the range and the order read: submitted or event
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = ""  # a person's id, resident ID or whole name, or a claim's number
    platform: str = ""  # the organisation's code: the work the claim is about, or who reported it
    newest_first: bool = True


def claim_search(*, search: ClaimSearch) -> QuerySet[Claim]:
    """The claims that match every filter given, ordered by the chosen date (then by number)."""
    column = DATE_FIELDS.get(search.date_field, "submitted_on")
    claims = Claim.objects.select_related("person", "engagement__organisation")
    if search.status:
        claims = claims.filter(status=search.status)
    if search.kind:
        claims = claims.filter(kind=search.kind)
    if search.date_from is not None:
        claims = claims.filter(**{f"{column}__gte": search.date_from})
    if search.date_to is not None:
        claims = claims.filter(**{f"{column}__lte": search.date_to})
    if search.platform:
        claims = claims.filter(
            Q(engagement__organisation__code=search.platform) | Q(reporter_organisation__code=search.platform)
        )
    wanted = "".join(search.person.split())
    if wanted:
        by_person = Q(person__in=persons_matching(query=search.person))
        if wanted.isdigit() and len(wanted) < 18:  # a number: the person's id or the claim's
            by_person = Q(person_id=int(wanted)) | Q(pk=int(wanted))
        claims = claims.filter(by_person)
    order = f"-{column}" if search.newest_first else column
    return claims.order_by(order, "-id" if search.newest_first else "id")
