"""Reads of the partners' records for the officers' pages and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from socsec.contributions.models import OwnContribution
from socsec.core.errors import NotFound

from .models import (
    STOPPED_ACCOUNTS,
    Agreement,
    DeclaredIncome,
    Feed,
    Partner,
    PartnerRefusal,
    PaymentAccount,
    PensionerCheck,
    PensionerCheckRun,
    PlatformRegistration,
)


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


@dataclass(frozen=True)
class IncomeBeside:
    """A declared income beside the contribution base the person chose for the same months: the income a
    month (a year's divided by 12, rounded down) and the average monthly base declared in those months
    (None where the person paid no own contribution then)."""

    income: DeclaredIncome
    monthly_income_cents: int
    monthly_base_cents: int | None


def _months_of(period: str) -> list[int]:
    year = int(period[:4])
    if len(period) == 7:
        return [year * 12 + int(period[5:]) - 1]
    return [year * 12 + m for m in range(12)]


def incomes_beside_bases(person_id: int) -> list[IncomeBeside]:
    """The person's declared incomes, newest period first, each beside the bases they chose then (two
    queries)."""
    incomes = list(DeclaredIncome.objects.filter(person_id=person_id).order_by("-period", "source"))
    base_of: dict[int, int] = {}
    for start, months, base in OwnContribution.objects.filter(
        person_id=person_id, declared_base_cents__isnull=False
    ).values_list("period_start", "months", "declared_base_cents"):
        first = start.year * 12 + start.month - 1
        base_of.update({first + k: int(base or 0) for k in range(months)})
    out = []
    for income in incomes:
        covered = _months_of(income.period)
        bases = [base_of[m] for m in covered if m in base_of]
        out.append(
            IncomeBeside(income, income.amount_cents // len(covered), sum(bases) // len(bases) if bases else None)
        )
    return out


def payment_account_of(person_id: int) -> PaymentAccount | None:
    return PaymentAccount.objects.select_related("bank").filter(person_id=person_id).first()


def platforms_flagged() -> QuerySet[PlatformRegistration]:
    return PlatformRegistration.objects.filter(flagged=True).select_related("organisation").order_by("credit_code")


def accounts_held() -> QuerySet[PaymentAccount]:
    return PaymentAccount.objects.filter(status__in=STOPPED_ACCOUNTS).select_related("bank").order_by("person_id")
