"""Reads of the partners' records for the officers' pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from socsec.core.errors import NotFound

from .models import Agreement, Feed, Partner, PartnerRefusal, PensionerCheck, PensionerCheckRun


def partners_list() -> QuerySet[Partner]:
    return Partner.objects.prefetch_related("agreements").order_by("code")


def partner_get(*, code: str) -> Partner:
    partner = Partner.objects.filter(code=code).first()
    if partner is None:
        raise NotFound("no partner with the code %(code)s", params={"code": code})
    return partner


def agreements_of(partner: Partner) -> QuerySet[Agreement]:
    return Agreement.objects.filter(partner=partner).select_related("application").order_by("-valid_from")


def feeds_of(partner: Partner) -> QuerySet[Feed]:
    return Feed.objects.filter(agreement__partner=partner).select_related("agreement").order_by("-id")


def refusals_of(partner: Partner) -> QuerySet[PartnerRefusal]:
    return PartnerRefusal.objects.filter(partner=partner).select_related("agreement").order_by("-id")


def agreements_by_reference(references: Iterable[str]) -> dict[str, Agreement]:
    """The agreements of these references (a page's few), with their partners."""
    wanted = sorted({r for r in references if r})
    if not wanted:
        return {}
    return {a.reference: a for a in Agreement.objects.select_related("partner").filter(reference__in=wanted)}


def last_check_run(*, year: int) -> PensionerCheckRun | None:
    return PensionerCheckRun.objects.filter(year=year).order_by("-id").first()


def checks_needing_attention(*, year: int) -> QuerySet[PensionerCheck]:
    return (
        PensionerCheck.objects.filter(year=year)
        .exclude(outcome=PensionerCheck.Outcome.CONFIRMED)
        .select_related("person")
        .order_by("outcome", "person_id")
    )
