"""The conversion between the residents' and the employee pension for one person, worked out from the
record by the rules (Ren She Bu Fa [2014] No. 17): whether it applies and which way
(``pension_conversion_check``), which months count after it (``pension_conversion_counted_months``) and
which money moves (``pension_conversion_moved_amount``), each explained. A read: it writes nothing; the
conversion itself is decided with the pension claim."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from socsec.core.months import month_index, month_name
from socsec.registry.models import Person
from socsec.rules.engine import calc

from .records import employee_account_balance


@dataclass(frozen=True)
class ConversionPreview:
    direction: str
    employee_months: int
    resident_months: int
    overlap_months: int
    check: dict[str, Any]
    counted_months: dict[str, Any]
    moved: dict[str, Any]

    @property
    def allowed(self) -> bool:
        return int(self.check["value"]) in (1, 2)


def _resident_record(person: Person, on: dt.date) -> tuple[set[str], int]:
    """The months paid to the residents' pension (a yearly contribution is kept as its 12 months) and the
    residents' money in the individual account (its contributions and the aid credited with them)."""
    from socsec.contributions.models import OwnContribution
    from socsec.ledger.accounts import individual_account
    from socsec.ledger.keys import SourceKind, source_keys
    from socsec.ledger.models import LedgerEntry

    rows = OwnContribution.objects.filter(
        person=person, scheme=OwnContribution.Scheme.RESIDENT_PENSION, period_start__lte=on
    )
    last = month_index(on)
    months: set[str] = set()
    for start, count in rows.values_list("period_start", "months"):
        first = month_index(start)
        months.update(month_name(i) for i in range(first, first + count) if i <= last)
    money = (
        LedgerEntry.objects.filter(
            account__code=individual_account(person.pk),
            transaction__source__in=source_keys(SourceKind.OWN_CONTRIBUTION, rows),
        ).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    return months, -int(money)


def conversion_previews(*, person: Person, on: dt.date) -> list[ConversionPreview]:
    """Both directions for the person on ``on``, the statutory retirement age reached or not by the rules."""
    age = int(calc("age_months", on, birth_date=person.birth_date).value or 0)
    statutory = calc(
        "statutory_retirement_age_months",
        on,
        birth_date=person.birth_date,
        sex=person.sex,
        retirement_group=person.retirement_group,
    )
    reached = age >= int(statutory.value or 0)
    return [
        conversion_preview(person=person, direction=d, on=on, at_retirement_age=reached)
        for d in ("TO_EMPLOYEE", "TO_RESIDENT")
    ]


def conversion_preview(*, person: Person, direction: str, on: dt.date, at_retirement_age: bool) -> ConversionPreview:
    """What a conversion ``direction`` (TO_EMPLOYEE or TO_RESIDENT) would do on ``on``. Months paid to both
    schemes: the employee months win, and the residents' money of those months is refunded (its share of
    the residents' account, by months)."""
    from socsec.benefits.selectors import pension_months_on_record

    employee = pension_months_on_record(person, on)
    resident_months, resident_money = _resident_record(person, on)
    employee_set = _employee_months(person, on)
    overlap = len(resident_months & employee_set)
    refund = resident_money * overlap // len(resident_months) if resident_months else 0
    check = calc(
        "pension_conversion_check",
        on,
        direction=direction,
        employee_months=employee,
        at_retirement_age=at_retirement_age,
    ).as_dict()
    counted = calc(
        "pension_conversion_counted_months",
        on,
        direction=direction,
        employee_months=employee,
        resident_months=len(resident_months),
        overlap_months=overlap,
    ).as_dict()
    moved = calc(
        "pension_conversion_moved_amount",
        on,
        direction=direction,
        employee_account=employee_account_balance(person),
        resident_account=resident_money,
        overlap_refund=refund,
    ).as_dict()
    return ConversionPreview(direction, employee, len(resident_months), overlap, check, counted, moved)


def _employee_months(person: Person, on: dt.date) -> set[str]:
    from socsec.contributions.models import OwnContribution
    from socsec.taxexchange.selectors import employer_months_on_record

    from .records import transferred_months

    last = month_index(on)
    months = employer_months_on_record(person, scheme="PENSION", until=on) | transferred_months(
        person, "PENSION", until=on
    )
    own = OwnContribution.objects.filter(
        person=person, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, period_start__lte=on
    ).values_list("period_start", "months")
    for start, count in own:
        first = month_index(start)
        months.update(month_name(i) for i in range(first, first + count) if i <= last)
    return months
