"""The services completed, read from the records themselves (no second bookkeeping): one queryset per
service, each row a completed service with the same annotations — ``subject`` (the claim, the own
contribution or the outgoing transfer), ``done_on`` (the day it was completed), ``days`` (how long it
took), ``on_time`` (1 when within its limit) and ``province`` (the code of the province it was done for).
The figures and the person's list of services to rate are both built on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Substr, TruncDate

from socsec.benefits.models import BenefitPayment, Claim
from socsec.contributions.models import OwnContribution
from socsec.transfers.models import OutgoingTransfer

from .catalogue import limit_days
from .models import Service


def _province(region_code: str) -> Concat:
    return Concat(Substr(region_code, 1, 2), Value("0000"))


def _within(days: int) -> Case:
    return Case(When(days__lte=dt.timedelta(days=days), then=1), default=0, output_field=IntegerField())


def _days(later: str, earlier: str) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def completions(service: Service, on: dt.date) -> QuerySet[Any]:
    """The completed services of one kind, annotated alike (limits in force on ``on``)."""
    if service == Service.CLAIM_DECISION:
        return Claim.objects.filter(decided_on__isnull=False).annotate(
            subject=F("pk"),
            done_on=F("decided_on"),
            days=_days("decided_on", "submitted_on"),
            # the claim's own due date, set from the rules when it was received
            on_time=Case(When(decided_on__lte=F("decision_due"), then=1), default=0, output_field=IntegerField()),
            province=_province("person__residence_region__code"),
        )
    if service == Service.FIRST_PAYMENT:
        first_run = (
            BenefitPayment.objects.filter(award__claim=OuterRef("pk"), kind=BenefitPayment.Kind.PAYMENT)
            .order_by("run__started_at")
            .values("run__started_at")[:1]
        )
        return (
            Claim.objects.filter(decided_on__isnull=False)
            .annotate(subject=F("pk"), done_on=TruncDate(Subquery(first_run), output_field=DateField()))
            .filter(done_on__isnull=False)
            .annotate(
                days=_days("done_on", "decided_on"),
                on_time=_within(limit_days(service, on)),
                province=_province("person__residence_region__code"),
            )
        )
    if service == Service.PENSION_TRANSFER:
        return (
            OutgoingTransfer.objects.filter(status=OutgoingTransfer.Status.COMPLETED, completed_at__isnull=False)
            .annotate(
                subject=F("pk"),
                done_on=TruncDate("completed_at", output_field=DateField()),
                asked_on=TruncDate("requested_at", output_field=DateField()),
            )
            .annotate(
                days=_days("done_on", "asked_on"),
                on_time=_within(limit_days(service, on)),
                province=_province("from_region__code"),
            )
        )
    return OwnContribution.objects.annotate(
        subject=F("pk"),
        done_on=TruncDate("created_at", output_field=DateField()),
        days=_days("done_on", "paid_on"),
        on_time=_within(limit_days(service, on)),
        province=_province("region__code"),
    )
