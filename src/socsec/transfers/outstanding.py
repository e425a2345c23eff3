"""What the sending side checks before a transfer: nothing outstanding on the person's record, and where
the relation is now."""

from __future__ import annotations

import datetime as dt

from socsec.core.months import month_of
from socsec.registry.models import Person

from .errors import TransferErrorCode as Code
from .models import IncomingTransfer

Finding = tuple[Code, str, dict[str, object]]
CLAIM_KINDS = ("PENSION", "UNEMPLOYMENT")  # the claims whose record the transfer moves


def outstanding(person: Person, today: dt.date) -> list[Finding]:
    """Why the relation cannot move now, each with a message template and its parameters (none: it may):
    employers' contributions of a month on record unpaid or part paid, a pension or unemployment claim being
    decided, a pension in payment."""
    from socsec.benefits.models import Award, Claim
    from socsec.benefits.selectors import OPEN_STATUSES
    from socsec.taxexchange.models import CollectionResult

    found: list[Finding] = []
    unpaid = (
        CollectionResult.objects.filter(person=person, month__lte=month_of(today))
        .exclude(status=CollectionResult.Status.PAID)
        .order_by("month")
        .values_list("month", flat=True)
    )
    months = list(unpaid[:1])
    if months:
        found.append(
            (
                Code.ARREARS,
                "contributions for %(month)s are unpaid on the record; the transfer waits until they are paid.",
                {"month": months[0]},
            )
        )
    claim = Claim.objects.filter(person=person, kind__in=CLAIM_KINDS, status__in=OPEN_STATUSES).order_by("id").first()
    if claim is not None:
        found.append(
            (
                Code.OPEN_CLAIM,
                "claim %(claim)s is being decided; the transfer waits for its decision.",
                {"claim": claim.pk},
            )
        )
    if Award.objects.in_force().filter(claim__person=person, claim__kind=Claim.Kind.PENSION, periodic=True).exists():
        found.append((Code.PENSION_IN_PAYMENT, "a pension is paid; the relation no longer moves.", {}))
    return found


def relation_region(person: Person, today: dt.date) -> str:
    """The region where the person's employee pension relation is: the region of the latest employee-pension
    own contribution, or of the latest transfer in if later (not one that opened a temporary account), else the
    residence on record."""
    from socsec.contributions.models import OwnContribution

    latest = (
        OwnContribution.objects.filter(
            person=person, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, period_start__lte=today
        )
        .order_by("-period_start", "-id")
        .values_list("period_start", "region__code")
        .first()
    )
    moved = (  # a temporary account moves no relation: it stays where it was
        IncomingTransfer.objects.filter(person=person, temporary_account__isnull=True)
        .order_by("-received_at", "-id")
        .values_list("received_at", "to_region__code")
        .first()
    )
    if moved and (latest is None or moved[0].date() >= latest[0]):
        return moved[1]
    if latest:
        return latest[1]
    return person.residence_region.code
