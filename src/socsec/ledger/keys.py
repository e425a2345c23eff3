"""Sources and idempotency keys of ledger transactions, in one format: ``<kind>:<part>[:<part>...]``.

Every posting uses the same string as its source (what caused it) and its idempotency key (a retry posts
nothing new), so a source names one transaction.

====================  =====================  ====================================
kind                  parts                  posted by
====================  =====================  ====================================
``invoice``           invoice id             contributions.assessment.invoices
``payment``           payment id             contributions.collection.payments
``own-contribution``  own contribution id    contributions.own.amounts
``benefit-payment``   benefit payment id     benefits.payments
``retention-rebate``  rebate id              benefits.rebates
``interest``          year, person id        pension_accounts.services
``employer-contrib``  handover id            taxexchange.postings
``employer-reversal`` handover id            taxexchange.postings
``transfer-out``      document id            transfers.services
``transfer-in``       document id            transfers.services
``transfer-returned`` document id            transfers.services
``employer-receipt``  handover id, receipt   taxexchange.postings
``injury-payer``      award id, month        taxexchange.injury_payers
====================  =====================  ===================================="""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat


class SourceKind(StrEnum):
    INVOICE = "invoice"
    PAYMENT = "payment"
    OWN_CONTRIBUTION = "own-contribution"
    BENEFIT_PAYMENT = "benefit-payment"
    RETENTION_REBATE = "retention-rebate"
    INTEREST = "interest"
    EMPLOYER_CONTRIBUTION = "employer-contrib"
    EMPLOYER_REVERSAL = "employer-reversal"
    TRANSFER_OUT = "transfer-out"
    TRANSFER_IN = "transfer-in"
    TRANSFER_RETURNED = "transfer-returned"
    EMPLOYER_RECEIPT = "employer-receipt"
    INJURY_PAYER = "injury-payer"


def source_key(kind: SourceKind, *parts: int | str) -> str:
    """The source and idempotency key of a transaction: ``source_key(SourceKind.INTEREST, 2024, 7)`` is
    ``interest:2024:7``."""
    return ":".join([kind.value, *(str(part) for part in parts)])


def source_prefix(kind: SourceKind, *parts: int | str) -> str:
    """What the keys of a kind (and leading parts) start with: ``interest:`` or ``interest:2024:``."""
    return source_key(kind, *parts) + ":"


def source_kind(source: str) -> str:
    """The kind a source starts with (``invoice`` of ``invoice:42``); none for a source of one part."""
    kind, colon, _rest = source.partition(":")
    return kind if colon else ""


def source_keys(kind: SourceKind, rows: QuerySet[Model, Any]) -> QuerySet[Model, dict[str, Any]]:
    """The source keys of a query's rows (by their id), as a subquery for ``transaction__source__in``."""
    key = Concat(Value(source_prefix(kind)), Cast("pk", CharField()), output_field=CharField())
    return rows.values(ledger_source=key)
