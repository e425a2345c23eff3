"""Interest credited to individual pension accounts (to move to its own app)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from socsec.audit.services import Actor, audit_record_many
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Person
from socsec.rules.engine import RuleViolation
from socsec.rules.parameters import ResolvedValue, load_parameters

from .models import (
    InterestCredit,
    OwnContribution,
)

# --- interest credited to individual accounts ---------------------------------------------------------

INTEREST_RULE = "individual_account_interest"
INTEREST_RATE = "employee_pension.individual_account_interest_rate"
INDIVIDUAL_ACCOUNT = "fund:individual-account:"


@dataclass(frozen=True)
class InterestRun:
    year: int
    credited: list[InterestCredit]
    already_credited: int

    @property
    def amount_cents(self) -> int:
        return sum(c.amount_cents for c in self.credited)


def interest_credit(*, actor: Actor, year: int, today: dt.date | None = None) -> InterestRun:
    """Credit a year's interest to every employee-pension individual account that had a balance on 1
    January or contributions during the year, at the year's published rate (rule
    ``individual_account_interest``: the opening balance x rate + each contribution x rate x months left
    / 12, to the cent, once per person).

    What counts is the account's employee-pension money in the ledger (``fund:individual-account:<person>``):
    the individual-account part of the person's own employee-pension contributions, by the day they were
    booked, and the interest credited for earlier years. The residents' pension money in the same account
    earns its province's own rate and is not credited here.

    One transaction for the whole run: all persons are credited or none (a run killed or refused halfway
    leaves nothing). Each person's posting also has its own idempotency key (``interest:<year>:<person>``)
    and an ``InterestCredit`` row unique per person and year, so a re-run credits only those not credited
    yet and never anyone twice (of two runs at once, the second is refused whole, 409, and can be re-run).
    Each posting moves the interest from the province's pension-fund interest account
    (``fund:EMPLOYEE_PENSION:<province>:interest``; the province of the person's latest employee-pension
    contribution) to the individual account, booked on 31 December of the year, so that it is part of the
    next year's opening balance. Years are credited in order: once a later year is credited, an earlier
    one is refused."""
    today = today or timezone.localdate()
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ValidationFailed(f"year: {year!r} is not a year.", field="year")
    if dt.date(year + 1, 1, 1) > today:
        raise ValidationFailed(f"year: {year} is not over yet; its interest is credited after it ends.", field="year")
    year_end = dt.date(year, 12, 31)
    if InterestCredit.objects.filter(year__gt=year).exists():
        raise Conflict(
            f"interest of a later year is credited already; {year} would change its opening balances",
            field="year",
            code="later_year_credited",
        )
    try:
        rate = load_parameters().leaf(INTEREST_RATE).resolve(year_end)
    except LookupError:
        rate = None
    if rate is None or rate.value is None:
        raise ValidationFailed(
            f"year: no credited interest rate for {year} in the rules ({INTEREST_RATE}); it is published the "
            "year after",
            field="year",
        )

    try:
        return _interest_credit_run(actor, year, year_end, rate)
    except IntegrityError:  # another run of the year credited someone meanwhile; this one wrote nothing
        raise Conflict(
            f"another run is crediting {year} right now; run it again to credit whoever it left",
            field="year",
            code="interest_run_in_progress",
        ) from None


def _interest_credit_run(actor: Actor, year: int, year_end: dt.date, rate: ResolvedValue) -> InterestRun:
    from socsec.rules.engine import ROUNDING, Explanation, compute, get_formula

    f = get_formula(INTEREST_RULE)
    with transaction.atomic():
        done = set(InterestCredit.objects.filter(year=year).values_list("person_id", flat=True))
        accounts = _employee_pension_accounts(year)
        persons = sorted(p for p in accounts if p not in done)
        credited: list[InterestCredit] = []
        if persons:
            opening = np.array([accounts[p][0] for p in persons], dtype=np.int64)
            weighted = np.array(
                [sum(cents * (13 - day.month) for day, cents in accounts[p][1]) for p in persons], dtype=np.int64
            )
            try:
                amounts = compute(INTEREST_RULE, year_end, opening_balance=opening, contribution_months=weighted)
            except RuleViolation as exc:
                raise ValidationFailed(f"year: {exc}", field="year") from None
            provinces = _pension_provinces(persons, year_end)
            for person_id, start, months, cents in zip(persons, opening, weighted, amounts, strict=True):
                if int(cents) == 0:
                    continue
                province = provinces[person_id]
                explanation = Explanation(
                    formula=f.name,
                    label=f.label,
                    reference=f.reference,
                    unit=f.unit,
                    value=int(cents),
                    inputs={
                        "on": year_end.isoformat(),
                        "opening_balance": int(start),
                        "contribution_months": int(months),
                    },
                    parameters=[rate],
                    rounding=ROUNDING[f.rounding][0] if f.rounding else None,
                ).as_dict()
                explanation["contributions"] = [
                    {"booked_on": day.isoformat(), "amount_cents": amount, "months_left": 13 - day.month}
                    for day, amount in accounts[person_id][1]
                ]
                key = f"interest:{year}:{person_id}"
                posted = ledger_post(
                    entries=[
                        (f"fund:EMPLOYEE_PENSION:{province}:interest", int(cents)),
                        (f"{INDIVIDUAL_ACCOUNT}{person_id}", -int(cents)),
                    ],
                    description=f"interest {year} at {rate.value:.2%} on the individual account of person {person_id}",
                    source=key,
                    idempotency_key=key,
                    booked_on=year_end,
                )
                credited.append(
                    InterestCredit.objects.create(
                        person_id=person_id,
                        year=year,
                        province=province,
                        opening_balance_cents=int(start),
                        contribution_month_cents=int(months),
                        amount_cents=int(cents),
                        explanation=explanation,
                        transaction=posted,
                    )
                )
        audit_record_many(actor=actor, action="pension.interest.credit", instances=credited)
    return InterestRun(year, credited, len(done))


def _employee_pension_accounts(year: int) -> dict[int, tuple[int, list[tuple[dt.date, int]]]]:
    """Per person: the employee-pension money in the individual account on 1 January of the year (summed
    by the database), and the year's contributions to it (day booked, cents), for those with either.
    Employee-pension money: postings of employee-pension own contributions and interest credited for
    earlier years (booked on 31 December of their year); the interest of the year itself is left out."""
    from django.db.models import CharField, Sum, Value
    from django.db.models.functions import Cast, Concat

    from socsec.ledger.models import LedgerEntry

    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    own = (
        OwnContribution.objects.filter(scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lt=end)
        .annotate(source=Concat(Value("own-contribution:"), Cast("pk", CharField()), output_field=CharField()))
        .values("source")
    )
    entries = LedgerEntry.objects.filter(
        Q(transaction__source__in=own) | Q(transaction__source__startswith="interest:"),
        account__code__startswith=INDIVIDUAL_ACCOUNT,
    )
    accounts: dict[int, tuple[int, list[tuple[dt.date, int]]]] = {}
    for code, cents in (
        entries.filter(transaction__booked_on__lt=first)
        .values("account__code")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__code", "total")
    ):
        accounts[int(code[len(INDIVIDUAL_ACCOUNT) :])] = (-int(cents), [])  # credits are negative entries
    for code, day, cents in (
        entries.filter(transaction__booked_on__gte=first, transaction__booked_on__lt=end)
        .exclude(transaction__source__startswith=f"interest:{year}:")
        .order_by("transaction__booked_on", "id")
        .values_list("account__code", "transaction__booked_on", "amount_cents")
    ):
        accounts.setdefault(int(code[len(INDIVIDUAL_ACCOUNT) :]), (0, []))[1].append((day, -int(cents)))
    return {p: v for p, v in accounts.items() if v[0] or v[1]}


def _pension_provinces(persons: list[int], year_end: dt.date) -> dict[int, str]:
    """The province of each person's latest employee-pension contribution up to the year's end (else of
    their residence): its pension fund pays the interest."""
    provinces = {
        p: code[:2] + "0000"
        for p, code in Person.objects.filter(pk__in=persons).values_list("pk", "residence_region__code")
    }
    latest = (
        OwnContribution.objects.filter(
            person_id__in=persons, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lte=year_end
        )
        .order_by("paid_on", "id")
        .values_list("person_id", "region__code")
    )
    for person_id, code in latest:
        provinces[person_id] = code[:2] + "0000"  # later ones overwrite earlier ones
    return provinces
