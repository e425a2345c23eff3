"""The amounts of one own contribution, from the rules: what the person pays, what the government adds
(the subsidy of the person's relief group, or the hardship payment), what goes to the individual
account and to the pooled fund, with the explanation; and the balanced ledger posting of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from socsec.contributions.models import OwnContribution
from socsec.ledger.accounts import fund, government_receivable, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import Posting
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Person
from socsec.rules.engine import calc
from socsec.rules.formulas import FLEXIBLE_SUBSIDY_GROUPS, RESIDENT_HARDSHIP_GROUPS

from .relief import relief_group_on, subsidised_months_of


@dataclass
class OwnAmounts:
    """One own contribution's amounts in cents, its relief group and its explanation."""

    paid: int  # by the person
    subsidy: int  # by the government
    account: int  # to the individual account
    pooled: int  # to the pooled fund
    group: str
    subsidised_months: int
    explanation: dict[str, Any]

    def record_fields(self) -> dict[str, Any]:
        """The amounts as the fields of the ``OwnContribution`` that records them."""
        return {
            "paid_cents": self.paid,
            "subsidy_cents": self.subsidy,
            "individual_account_cents": self.account,
            "pooled_cents": self.pooled,
            "relief_group": self.group,
            "subsidised_months": self.subsidised_months,
            "explanation": self.explanation,
        }


def own_amounts(
    person: Person,
    scheme: str,
    region: str,
    period_start: dt.date,
    rule_day: dt.date,
    months: int,
    declared_base_cents: int | None,
    tier: str,
    *,
    known_relief: tuple[str, int] | None = None,
) -> OwnAmounts:
    """The amounts of one own contribution, from the rules: what the person pays, what the government
    adds, and where it goes. Runs under the person's lock (the months of subsidy already had count).
    ``known_relief``: the person's subsidy group on the day and the months of it already had on the scheme, when
    the caller read them for many persons at once (flexible workers' schemes only)."""
    if scheme == OwnContribution.Scheme.RESIDENT_PENSION:
        group = relief_group_on(person, period_start, RESIDENT_HARDSHIP_GROUPS)
        chosen = calc("resident_pension_contribution", on=period_start, tier=tier)
        subsidy = calc("resident_pension_subsidy", on=period_start, tier=tier)
        hardship = calc("resident_pension_paid_for_hardship", on=period_start, tier=tier, group=group)
        paid, helped = int(chosen.value) - int(hardship.value), int(subsidy.value) + int(hardship.value)
        explanation = {"contribution": chosen.as_dict(), "subsidy": subsidy.as_dict()}
        if group:
            explanation["paid_for_hardship"] = hardship.as_dict()
        return OwnAmounts(paid, helped, paid + helped, 0, group, 0, explanation)  # all to the account
    if known_relief is None:
        group = relief_group_on(person, period_start, FLEXIBLE_SUBSIDY_GROUPS)
        used = subsidised_months_of(person, scheme, group) if group else 0
    else:
        group, used = known_relief
    inputs = {"region": region, "declared_base": declared_base_cents, "months": months}
    relief = {"group": group, "months_subsidised": used}
    if scheme == OwnContribution.Scheme.EMPLOYEE_PENSION:
        due = calc("flexible_pension_contribution", on=rule_day, **inputs)
        to_account = calc("flexible_pension_individual_account", on=rule_day, **inputs)
        account = int(to_account.value)
        explanation = {"contribution": due.as_dict(), "individual_account": to_account.as_dict()}
        help_calc = calc("flexible_pension_subsidy", on=rule_day, **inputs, **relief)
    else:
        due = calc("flexible_medical_contribution", on=rule_day, **inputs)
        account = 0  # flexible workers' medical contribution goes to the pooled fund
        explanation = {"contribution": due.as_dict()}
        help_calc = calc("flexible_medical_subsidy", on=rule_day, **inputs, **relief)
    helped = int(help_calc.value)
    covered = 0
    if group:
        explanation["subsidy"] = help_calc.as_dict()
        covered = int(calc("flexible_subsidy_months", on=rule_day, months=months, **relief).value)
    total = int(due.value)
    return OwnAmounts(total - helped, helped, account, total - account, group, covered, explanation)


def own_contribution_post(
    record: OwnContribution, amounts: OwnAmounts, province: str, paid_from: str, today: dt.date
) -> None:
    """One balanced transaction: what the person paid (from the bank, or from the platform that withheld
    it) and the government's part, to the individual account and the pooled fund."""
    posting = own_contribution_posting(record, amounts, province, paid_from, today)
    ledger_post(
        entries=posting.entries,
        description=posting.description,
        kind=posting.kind,
        params=posting.params,
        source=posting.source,
        idempotency_key=posting.idempotency_key,
        booked_on=posting.booked_on,
    )


def own_contribution_posting(
    record: OwnContribution, amounts: OwnAmounts, province: str, paid_from: str, today: dt.date
) -> Posting:
    """The transaction of ``own_contribution_post``, for posting many at once (``ledger.services.post_many``)."""
    entries = [
        (paid_from, amounts.paid),
        (government_receivable(province), amounts.subsidy),
        (individual_account(record.person_id), -amounts.account),
        (fund(record.scheme, province), -amounts.pooled),
    ]
    how = f" withheld by {record.withheld_by.code}" if record.withheld_by else ""
    key = source_key(SourceKind.OWN_CONTRIBUTION, record.pk)
    return Posting(
        entries=[e for e in entries if e[1]],
        description=f"{record.scheme} own contribution {record.period_start:%Y-%m} of person {record.person_id}{how}",
        kind=LineKind.OWN_CONTRIBUTION,
        params={
            "scheme": record.scheme,
            "month": f"{record.period_start:%Y-%m}",
            "person": record.person_id,
            **({"withheld_by": record.withheld_by.code} if record.withheld_by else {}),
        },
        source=key,
        idempotency_key=key,
        booked_on=today,
    )
