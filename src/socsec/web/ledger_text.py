"""Ledger lines in the reader's language: each transaction's kind and parameters (kept by the ledger,
``socsec.ledger.descriptions``; read back from the stored English sentence for the lines posted before
they were kept) written as a sentence with names for the codes: the region by its name, the platform by
its name, the scheme by its label, the month as the language writes it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as noop

from socsec.ledger.descriptions import LineKind, parse_description
from socsec.ledger.selectors import AccountStatement, StatementLine
from socsec.registry.models import Organisation, Region
from socsec.rules.coverage import SCHEME_LABELS, Scheme
from socsec.rules.registry import UnknownFormula

# the award items that are not a formula of the rules
ITEM_LABELS = {"wage_continuation": "Income during treatment, continued by the employer or platform"}


def month_text(month: str) -> str:
    """'2026-11' as the language writes a month: '2026年11月', 'November 2026'."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return formats.date_format(dt.date(year, number, 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return month


def scheme_text(code: str) -> str:
    return gettext(SCHEME_LABELS[Scheme[code]]) if code in Scheme.__members__ else code


def item_text(item: str) -> str:
    """An award item (the formula that computed it) by its label."""
    if item in ITEM_LABELS:
        return gettext(ITEM_LABELS[item])
    from socsec.rules.engine import get_formula

    try:
        return gettext(get_formula(item).label)
    except UnknownFormula:
        return item


def organisation_name(org: Organisation) -> str:
    """An organisation's name in the reader's language where it has one."""
    return org.name_zh if org.name_zh and (get_language() or "").startswith("zh") else org.name


class Names:
    """The names of the regions and organisations the lines name, read in two queries."""

    def __init__(self, regions: Iterable[str] = (), organisations: Iterable[str] = ()) -> None:
        chinese = (get_language() or "").startswith("zh")
        self.regions = {
            r.code: (r.name_zh if chinese else r.name) for r in Region.objects.filter(code__in=set(regions))
        }
        self.organisations = {
            o.code: organisation_name(o) for o in Organisation.objects.filter(code__in=set(organisations))
        }

    def region(self, code: object) -> str:
        return self.regions.get(str(code), str(code))

    def organisation(self, code: object) -> str:
        return self.organisations.get(str(code), str(code))


def _structured(line: StatementLine) -> tuple[LineKind, Mapping[str, Any]] | None:
    if line.kind in LineKind.__members__.values():
        return LineKind(line.kind), line.params
    return parse_description(line.description)


def line_text(kind: LineKind, p: Mapping[str, Any], names: Names) -> str:
    """One line's sentence in the active language."""
    if kind == LineKind.INVOICE:
        values = {
            "scheme": scheme_text(str(p["scheme"])),
            "month": month_text(str(p["month"])),
            "platform": names.organisation(p["platform"]),
            "region": names.region(p["region"]),
        }
        if p.get("run_kind") == "ADJUSTMENT":
            return (
                gettext("%(scheme)s, %(month)s, %(platform)s, %(region)s: correction after late or corrected orders")
                % values
            )
        return gettext("%(scheme)s, %(month)s, %(platform)s, %(region)s") % values
    if kind == LineKind.PAYMENT:
        return gettext("Payment %(reference)s from %(platform)s") % {
            "reference": p["reference"],
            "platform": names.organisation(p["platform"]),
        }
    if kind == LineKind.PAYMENT_DATE_REVERSED:
        return gettext("Payment %(reference)s: the booking on the day an officer confirmed (%(day)s) is reversed") % {
            "reference": p["reference"],
            "day": p["day"],
        }
    if kind == LineKind.PAYMENT_BANK_DATE:
        return gettext("Payment %(reference)s: booked again on the day the bank received it (bank line %(line)s)") % {
            "reference": p["reference"],
            "line": p["line"],
        }
    if kind == LineKind.OWN_CONTRIBUTION:
        values = {"scheme": scheme_text(str(p["scheme"])), "month": month_text(str(p["month"]))}
        if p.get("withheld_by"):
            values["platform"] = names.organisation(p["withheld_by"])
            return gettext("Own contribution to %(scheme)s for %(month)s, withheld by %(platform)s") % values
        return gettext("Own contribution to %(scheme)s for %(month)s") % values
    if kind == LineKind.BENEFIT_PAYMENT:
        values = {"item": item_text(str(p["item"])), "month": month_text(str(p["month"])), "claim": p["claim"]}
        if p.get("payment_kind") == "RECOVERY":
            return gettext("%(item)s, %(month)s: recovery of an overpayment (claim %(claim)s)") % values
        if p.get("payment_kind") == "INDEXATION":
            return gettext("%(item)s, %(month)s: the year's pension increase (claim %(claim)s)") % values
        return gettext("%(item)s, %(month)s (claim %(claim)s)") % values
    if kind == LineKind.RETENTION_REBATE:
        return gettext("Job-retention rebate for %(year)s to %(organisation)s") % {
            "year": p["year"],
            "organisation": names.organisation(p["organisation"]),
        }
    if kind == LineKind.INJURY_PAYER:
        values = {
            "item": item_text(str(p["item"])),
            "claim": p["claim"],
            "organisation": names.organisation(p["organisation"]),
        }
        if p.get("direction") == "RECOVERY":
            return (
                gettext("%(item)s (claim %(claim)s): recovered from %(organisation)s, its contribution unpaid") % values
            )
        return gettext("%(item)s (claim %(claim)s): reimbursed to %(organisation)s, its contribution paid") % values
    if kind in (LineKind.EMPLOYER_CONTRIBUTION, LineKind.EMPLOYER_REVERSAL, LineKind.EMPLOYER_RECEIPT):
        values = {"organisation": names.organisation(p["organisation"]), "month": month_text(str(p["month"]))}
        if kind == LineKind.EMPLOYER_RECEIPT:
            values["receipt"] = str(p["receipt"])
            return gettext("Contributions of %(organisation)s for %(month)s, paid late (receipt %(receipt)s)") % values
        if kind == LineKind.EMPLOYER_REVERSAL:
            return (
                gettext("Contributions of %(organisation)s for %(month)s: undone by a corrected declaration") % values
            )
        return gettext("Contributions of %(organisation)s for %(month)s, collected by the tax authority") % values
    if kind in (LineKind.TRANSFER_OUT, LineKind.TRANSFER_IN, LineKind.TRANSFER_RETURNED):
        values = {"province": names.region(p["province"]), "document": p["document"]}
        if kind == LineKind.TRANSFER_RETURNED:
            return gettext("Pension transfer %(document)s refused by %(province)s: the amounts returned") % values
        if kind == LineKind.TRANSFER_OUT:
            return gettext("Pension relation moved to %(province)s (transfer %(document)s)") % values
        return gettext("Pension relation moved in from %(province)s (transfer %(document)s)") % values
    return gettext("Interest for %(year)s at %(rate)s a year") % {"year": p["year"], "rate": p["rate"]}


def line_texts(lines: Sequence[StatementLine]) -> list[str]:
    """Every line's sentence in the active language; a line of no known kind as it was stored."""
    structured = [_structured(line) for line in lines]
    regions: set[str] = set()
    organisations: set[str] = set()
    for found in structured:
        if found:
            params = found[1]
            regions.update(str(params[k]) for k in ("region", "province") if k in params)
            organisations.update(str(params[k]) for k in ("platform", "withheld_by", "organisation") if k in params)
    names = Names(regions, organisations)
    return [
        line_text(*found, names) if found else line.description for line, found in zip(lines, structured, strict=True)
    ]


def described(statement: AccountStatement) -> AccountStatement:
    """The statement with each line's description in the active language (the stored one is English)."""
    texts = line_texts(statement.lines)
    lines = [dataclasses.replace(line, description=text) for line, text in zip(statement.lines, texts, strict=True)]
    return dataclasses.replace(statement, lines=lines)


# how a bank line differs from a payment a platform declared (``contributions.collection``)
MISMATCHES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"declared (?P<declared>[\d,]+\.\d\d) yuan; the bank's line (?P<line>.+) is (?P<bank>[\d,]+\.\d\d) yuan"
        ),
        noop("Declared %(declared)s yuan; the bank's line %(line)s is %(bank)s yuan"),
    ),
    (
        re.compile(
            r"the bank's line (?P<line>.+) is (?P<bank>[\d,]+\.\d\d) yuan; officers confirmed "
            r"(?P<confirmed>[\d,]+\.\d\d) yuan under (?P<reference>.+)"
        ),
        noop("The bank's line %(line)s is %(bank)s yuan; officers confirmed %(confirmed)s yuan under %(reference)s"),
    ),
]


def mismatch_text(text: str) -> str:
    """How a bank line differs from a declared payment, in the active language (an unknown text as it is)."""
    for pattern, sentence in MISMATCHES:
        found = pattern.fullmatch(text)
        if found:
            return gettext(sentence) % found.groupdict()
    return text
