"""What a transfer moves, worked out by the rules: the periods of the record (months and bases by scheme),
the years of the employee pension with their pooled part (rule ``pension_transfer_pooled_amount``), the
individual account (rule ``pension_transfer_individual_account``), whether a temporary account replaces the
transfer (rule ``pension_transfer_temporary_account``) and where the pension would be claimed after it
(rule ``pension_claim_place``), each with its explanation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from socsec.core.months import month_index, month_name
from socsec.registry.models import Person
from socsec.rules.engine import calc, compute, explain_row
from socsec.rules.parameters import load_parameters

from .documents import SCHEMES, Period, YearLine
from .records import Month, employee_account_balance, records_months

POOLED_RULE = "pension_transfer_pooled_amount"
POOLED_SHARE = "transfers.pooled_share"


@dataclass(frozen=True)
class Worked:
    periods: list[Period]
    years: list[YearLine]
    individual_account_cents: int
    pooled_cents: int
    months: dict[str, int]
    explanation: dict[str, Any]


def periods_of(scheme: str, months: dict[int, Month]) -> list[Period]:
    """Consecutive months of the same region and base, as periods."""
    out: list[Period] = []
    start = previous = None
    for i in sorted(months):
        if start is not None and previous is not None and i == previous + 1 and months[i] == months[start]:
            previous = i
            continue
        if start is not None and previous is not None:
            out.append(_period(scheme, months, start, previous))
        start = previous = i
    if start is not None and previous is not None:
        out.append(_period(scheme, months, start, previous))
    return out


def _period(scheme: str, months: dict[int, Month], start: int, end: int) -> Period:
    m = months[start]
    return Period(scheme, m.region, month_name(start), end - start + 1, m.base_cents)


def years_of(periods: list[Period]) -> list[YearLine]:
    """The employee pension's years: months, the bases added up, and the pooled part of each by the rule."""
    months: dict[int, int] = defaultdict(int)
    bases: dict[int, int] = defaultdict(int)
    for p in periods:
        if p.scheme != "PENSION":
            continue
        first = month_index(p.start)
        for i in range(first, first + p.months):
            months[i // 12] += 1
            bases[i // 12] += p.monthly_base_cents
    years = sorted(months)
    if not years:
        return []
    pooled = compute(
        POOLED_RULE,
        np.array([f"{y}-12-31" for y in years], dtype="datetime64[D]"),
        year_base_total=np.array([bases[y] for y in years], dtype=np.int64),
    )
    return [YearLine(y, months[y], bases[y], int(c)) for y, c in zip(years, pooled.tolist(), strict=True)]


def record_periods(person: Person, *, on: dt.date, home_region: str) -> list[Period]:
    """The periods of every scheme of a transfer document on record up to ``on``, scheme by scheme."""
    record = records_months(person, SCHEMES, until=on, home_region=home_region)
    return [p for scheme in SCHEMES for p in periods_of(scheme, record[scheme])]


def work_out(person: Person, *, on: dt.date, home_region: str, to_region: str) -> Worked:
    periods = record_periods(person, on=on, home_region=home_region)
    years = years_of(periods)
    balance = employee_account_balance(person)
    account = calc("pension_transfer_individual_account", on, account_balance=balance)
    pooled = sum(y.pooled_cents for y in years)
    params = load_parameters()
    year_explanations = []
    for y in years:
        day = dt.date(y.year, 12, 31)
        try:
            used = [params.leaf(POOLED_SHARE).resolve(day)]
        except LookupError:
            used = []
        row = explain_row(POOLED_RULE, day, y.pooled_cents, inputs={"year_base_total": y.base_cents}, parameters=used)
        year_explanations.append({"year": y.year, "months": y.months, **row.as_dict()})
    months = {scheme: sum(p.months for p in periods if p.scheme == scheme) for scheme in SCHEMES}
    explanation = {
        "individual_account": account.as_dict(),
        "pooled_years": year_explanations,
        "claim_place": claim_place(person, periods, on=on, relation_region=to_region),
    }
    return Worked(periods, years, int(account.value or 0), pooled, months, explanation)


def staying(person: Person, *, on: dt.date, home_region: str) -> Worked:
    """What a temporary account moves: nothing (the relation and the whole record stay at ``home_region``);
    the explanation says where the pension will be claimed with the relation kept there."""
    periods = record_periods(person, on=on, home_region=home_region)
    explanation = {
        "relation_kept_at": home_region,
        "claim_place": claim_place(person, periods, on=on, relation_region=home_region),
    }
    return Worked([], [], 0, 0, dict.fromkeys(SCHEMES, 0), explanation)


def temporary_account(person: Person, *, on: dt.date, to_region: str) -> dict[str, Any]:
    """Whether the person keeps the relation where it is and gets a temporary account at ``to_region``."""
    to_residence = to_region[:2] == person.residence_region.code[:2]
    return calc(
        "pension_transfer_temporary_account",
        on,
        birth_date=person.birth_date,
        sex=person.sex,
        to_residence=to_residence,
    ).as_dict()


def claim_place(person: Person, periods: list[Period], *, on: dt.date, relation_region: str) -> dict[str, Any]:
    """Where the pension would be claimed with the relation at ``relation_region``: the rule's code and
    meaning, and the province it names. Places are provinces (the pension is pooled by province); the
    registered residence is the person's residence region on record."""
    by_province: dict[str, int] = defaultdict(int)
    last_month: dict[str, int] = {}
    for p in periods:
        if p.scheme == "PENSION":
            province = p.region[:2] + "0000"
            by_province[province] += p.months
            last_month[province] = max(last_month.get(province, 0), month_index(p.start) + p.months)
    residence = person.residence_region.code[:2] + "0000"
    relation = relation_region[:2] + "0000"
    months_there = by_province.get(relation, 0)
    limit = int(load_parameters().leaf("transfers.claim_place_months").resolve(on).value or 0)
    earlier = sorted((last_month[p], p) for p, m in by_province.items() if p != relation and m >= limit)
    explained = calc(
        "pension_claim_place",
        on,
        relation_at_residence=relation == residence,
        months_at_relation_place=months_there,
        earlier_place_10_years=bool(earlier),
    ).as_dict()
    code = int(explained["value"])
    province = {1: residence, 2: relation, 3: earlier[-1][1] if earlier else residence, 4: residence}[code]
    return {**explained, "province": province, "months_by_province": dict(sorted(by_province.items()))}
