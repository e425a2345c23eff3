"""What a ledger transaction is, kept as data: a ``LineKind`` and its parameters (codes, months, ids), so
that a page writes the line in its reader's language with names for the codes. The English sentence
stored beside them (``LedgerTransaction.description``) is what the API returns; ``parse_description``
reads the kind and parameters back out of the sentences stored before they were kept."""

from __future__ import annotations

import re
from enum import StrEnum


class LineKind(StrEnum):
    INVOICE = "invoice"  # month, scheme, platform, region, run_kind, sequence
    PAYMENT = "payment"  # reference, platform
    PAYMENT_DATE_REVERSED = "payment-date-reversed"  # reference, day
    PAYMENT_BANK_DATE = "payment-bank-date"  # reference, line
    OWN_CONTRIBUTION = "own-contribution"  # scheme, month, person, withheld_by
    BENEFIT_PAYMENT = "benefit-payment"  # item, month, payment_kind, claim
    RETENTION_REBATE = "retention-rebate"  # year, organisation
    INTEREST = "interest"  # year, rate, person
    EMPLOYER_CONTRIBUTION = "employer-contribution"  # month, organisation, document
    EMPLOYER_REVERSAL = "employer-contribution-reversal"  # month, organisation, document
    TRANSFER_OUT = "pension-transfer-out"  # person, document, province (the receiving one)
    TRANSFER_IN = "pension-transfer-in"  # person, document, province (the sending one)
    TRANSFER_RETURNED = "pension-transfer-returned"  # person, document, province (the refusing one)
    EMPLOYER_RECEIPT = "employer-contribution-receipt"  # month, organisation, document, receipt
    INJURY_PAYER = "injury-payer-settlement"  # item, claim, organisation, direction


Params = dict[str, str | int]

_PATTERNS: list[tuple[LineKind, re.Pattern[str]]] = [
    (
        LineKind.INVOICE,
        re.compile(
            r"(?P<scheme>[A-Z_]+) (?P<month>\d{4}-\d{2}) (?P<platform>[\w-]+) (?P<region>\d{6})"
            r" \((?P<run_kind>[a-z]+) run (?P<sequence>\d+)\)"
        ),
    ),
    (LineKind.PAYMENT_DATE_REVERSED, re.compile(r"payment (?P<reference>.+): officer's date (?P<day>[\d-]+) reversed")),
    (LineKind.PAYMENT_BANK_DATE, re.compile(r"payment (?P<reference>.+): on the bank's date \(line (?P<line>.+)\)")),
    (LineKind.PAYMENT, re.compile(r"payment (?P<reference>.+) from (?P<platform>[\w-]+)")),
    (
        LineKind.OWN_CONTRIBUTION,
        re.compile(
            r"(?P<scheme>[A-Z_]+) own contribution (?P<month>\d{4}-\d{2}) of person (?P<person>\d+)"
            r"(?: withheld by (?P<withheld_by>[\w-]+))?"
        ),
    ),
    (
        LineKind.BENEFIT_PAYMENT,
        re.compile(r"(?P<item>\w+) (?P<month>\d{4}-\d{2}) \((?P<payment_kind>[a-z]+)\) claim (?P<claim>\d+)"),
    ),
    (LineKind.RETENTION_REBATE, re.compile(r"job-retention rebate (?P<year>\d{4}) of (?P<organisation>[\w-]+)")),
    (
        LineKind.INTEREST,
        re.compile(
            r"interest (?P<year>\d{4}) at (?P<rate>[\d.]+%) on the individual account of person (?P<person>\d+)"
        ),
    ),
]
_UPPER = ("run_kind", "payment_kind")  # stored in the sentence in lower case, kept as the model's code
_INTS = ("sequence", "person", "claim", "year")


def parse_description(text: str) -> tuple[LineKind, Params] | None:
    """The kind and parameters of a sentence written by one of the ledger's posters, or None for any other
    text (shown as it was stored)."""
    for kind, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            params: Params = {}
            for name, value in found.groupdict().items():
                if value is None:
                    continue
                if name in _UPPER:
                    params[name] = value.upper()
                elif name in _INTS:
                    params[name] = int(value)
                else:
                    params[name] = value
            return kind, params
    return None
