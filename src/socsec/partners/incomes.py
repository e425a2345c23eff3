"""The tax authority's feed of declared incomes: a person's income for a period (a month ``YYYY-MM`` or a
year ``YYYY``), by source, in cents. Kept one a person, period and source: the same amount again changes
nothing, another amount replaces it (a corrected declaration), audited with what it was. Set-based: the
persons and their incomes on record read in bulk, the new incomes inserted and the corrected ones updated
in bulk."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from socsec.audit.services import Actor, audit_record_many, snapshot
from socsec.contributions.orders.report import RowErrors
from socsec.core.bulk import copy_rows
from socsec.core.db import id_chunks

from .errors import FeedRowErrorCode as Code
from .feed_rows import Checked, CheckedRow, errors_repeat, row_resident_id, rows_persons
from .models import DeclaredIncome, Feed

PERIOD = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2]))?")
AMOUNT = re.compile(r"\d{1,13}")  # whole cents, up to 99,999,999,999.99 yuan
SOURCES = DeclaredIncome.Source.values


def _period(row: dict[str, str], number: int, errors: RowErrors, today: dt.date) -> str | None:
    raw = (row.get("period") or "").strip()
    match = PERIOD.fullmatch(raw)
    if not match or int(match.group(1)) < 1990:
        errors.add(
            number,
            "period",
            Code.MISSING if not raw else Code.BAD_VALUE,
            "period: %(value)r is not a month YYYY-MM or a year YYYY",
            {"value": raw[:40]},
        )
        return None
    if (int(match.group(1)), int(match.group(2) or 1)) > (today.year, today.month):
        errors.add(number, "period", Code.FUTURE_DATE, "period: %(value)s is in the future", {"value": raw})
        return None
    return raw


def _amount(row: dict[str, str], number: int, errors: RowErrors) -> int | None:
    raw = (row.get("amount_cents") or "").strip()
    if not AMOUNT.fullmatch(raw):
        errors.add(
            number,
            "amount_cents",
            Code.MISSING if not raw else Code.BAD_VALUE,
            "amount_cents: %(value)r is not a whole number of cents, 0 or more (at most 13 digits)",
            {"value": raw[:40]},
        )
        return None
    return int(raw)


def _source(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    raw = (row.get("source") or "").strip().lower()
    if raw not in SOURCES:
        errors.add(
            number,
            "source",
            Code.MISSING if not raw else Code.BAD_VALUE,
            "source: %(value)r is not one of %(known)s",
            {"value": raw[:40], "known": ", ".join(SOURCES)},
        )
        return None
    return raw


def check_incomes(rows: list[dict[str, str]], *, first: int, today: dt.date, **_: Any) -> Checked:
    out = Checked()
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=first):
        before = out.errors.total
        resident_id = row_resident_id(row, number, out.errors)
        period = _period(row, number, out.errors, today)
        source = _source(row, number, out.errors)
        amount = _amount(row, number, out.errors)
        if out.errors.total == before and resident_id and period and source and amount is not None:
            parsed.append((number, resident_id, {"period": period, "source": source, "amount_cents": amount}))
    persons = rows_persons(parsed, out.errors)
    known: dict[tuple[int, str, str], DeclaredIncome] = {}
    for chunk in id_chunks(sorted({p.pk for _n, p, _v in persons})):
        known.update({(i.person_id, i.period, i.source): i for i in DeclaredIncome.objects.filter(person_id__in=chunk)})
    seen: set[tuple[int, str, str]] = set()
    for number, person, values in persons:
        key = (person.pk, values["period"], values["source"])
        earlier = known.get(key)
        if key in seen:
            errors_repeat(out, number)
        elif earlier is not None and earlier.amount_cents == values["amount_cents"]:
            out.unchanged += 1
        else:
            out.valid.append(CheckedRow(number, person, {**values, "earlier": earlier}))
        seen.add(key)
    return out


def incomes_apply(*, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None:
    """Inside the feed's transaction: the new incomes inserted and the corrected ones updated, in bulk."""
    new = [r for r in checked.valid if r.values["earlier"] is None]
    columns = ["person_id", "period", "source", "amount_cents", "feed_id"]
    rows = [
        (r.person.pk if r.person else 0, r.values["period"], r.values["source"], r.values["amount_cents"], feed.pk)
        for r in new
    ]
    ids = copy_rows(DeclaredIncome, columns, rows)
    created = [DeclaredIncome(pk=pk, **dict(zip(columns, row, strict=True))) for pk, row in zip(ids, rows, strict=True)]
    audit_record_many(actor=actor, action="partners.declared_income", instances=created)
    corrected: list[DeclaredIncome] = [r.values["earlier"] for r in checked.valid if r.values["earlier"] is not None]
    befores = [snapshot(income) for income in corrected]
    amounts = {r.values["earlier"].pk: r.values["amount_cents"] for r in checked.valid if r.values["earlier"]}
    for income in corrected:
        income.amount_cents, income.feed = amounts[income.pk], feed
    DeclaredIncome.objects.bulk_update(corrected, ["amount_cents", "feed"], batch_size=400)
    audit_record_many(actor=actor, action="partners.declared_income", instances=corrected, befores=befores)
