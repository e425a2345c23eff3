"""The money the tax authority collected for a handover, in the ledger: one balanced transaction per
document. The collection account receives what was paid; each scheme's pooled fund in the employer's
province gets its share, except what a pension line's payment credits to the employee's individual account:
the employee's part (8% of the base) when paid in full, and, when part paid, the individual account first up
to that part, the rest to the pooled fund (the rule ``employee_pension_paid_to_account``). A document that
replaces one already posted undoes that posting first (its entries reversed), so a corrected declaration
never counts twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from socsec.core.months import month_first_day, month_index
from socsec.ledger.accounts import BANK_COLLECTION, fund, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.services import Posting
from socsec.rules.engine import compute

from .models import CollectionResult, Handover

FUND_SCHEME = {
    "PENSION": "EMPLOYEE_PENSION",
    "MEDICAL": "MEDICAL",
    "MATERNITY": "MATERNITY",
    "UNEMPLOYMENT": "UNEMPLOYMENT",
    "WORK_INJURY": "WORK_INJURY",
    "LONG_TERM_CARE": "LONG_TERM_CARE",
}
NO_PROVINCE = "000000"  # an employer without a registered region


def _params(handover: Handover) -> dict[str, str | int]:
    return {"month": handover.month, "organisation": handover.employer.code, "document": handover.document_id}


def paid_to_accounts(month: str, results: Sequence[CollectionResult]) -> list[int]:
    """What each result credits to the employee's individual account (0 but for pension lines with money
    paid): the rule ``employee_pension_paid_to_account`` of the month, over all the lines at once."""
    pension = [i for i, r in enumerate(results) if r.scheme == "PENSION" and r.paid_cents]
    out = [0] * len(results)
    if not pension:
        return out
    shares = compute(
        "employee_pension_paid_to_account",
        month_first_day(month_index(month)),
        paid_cents=np.array([results[i].paid_cents for i in pension], dtype=np.int64),
        employer_cents=np.array([results[i].employer_cents for i in pension], dtype=np.int64),
        employee_cents=np.array([results[i].employee_cents for i in pension], dtype=np.int64),
    )
    for i, cents in zip(pension, shares.tolist(), strict=True):
        out[i] = int(cents)
    return out


def collection_posting(handover: Handover, results: Sequence[CollectionResult]) -> Posting | None:
    """The transaction of what was paid on a document's results; None when nothing was paid."""
    region = handover.employer.registered_region
    province = region.province_code if region is not None else NO_PROVINCE
    funds: dict[str, int] = defaultdict(int)
    accounts: list[tuple[str, int]] = []
    to_accounts = paid_to_accounts(handover.month, results)
    for r, to_account in zip(results, to_accounts, strict=True):
        if not r.paid_cents:
            continue
        if to_account:
            accounts.append((individual_account(r.person_id), -to_account))
        funds[FUND_SCHEME[r.scheme]] += r.paid_cents - to_account
    paid = sum(r.paid_cents for r in results)
    if not paid:
        return None
    key = source_key(SourceKind.EMPLOYER_CONTRIBUTION, handover.pk)
    return Posting(
        entries=[(BANK_COLLECTION, paid), *accounts, *((fund(s, province), -c) for s, c in sorted(funds.items()))],
        description=f"contributions {handover.month} of {handover.employer.code} ({handover.document_id})",
        kind=LineKind.EMPLOYER_CONTRIBUTION,
        params=_params(handover),
        source=key,
        idempotency_key=key,
    )


def reversal_postings(handover: Handover) -> list[Posting]:
    """The reversals of the postings of the documents this one replaced (of its employer and month) that
    are not reversed yet."""
    earlier = list(
        Handover.objects.filter(employer_id=handover.employer_id, month=handover.month)
        .exclude(pk=handover.pk)
        .select_related("employer")
    )
    keys = {source_key(SourceKind.EMPLOYER_CONTRIBUTION, h.pk): h for h in earlier}
    undone = {source_key(SourceKind.EMPLOYER_REVERSAL, h.pk) for h in earlier}
    done = set(LedgerTransaction.objects.filter(source__in=undone).values_list("source", flat=True))
    entries: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for source, code, cents in LedgerEntry.objects.filter(transaction__source__in=list(keys)).values_list(
        "transaction__source", "account__code", "amount_cents"
    ):
        entries[source].append((code, -int(cents)))
    out = []
    for source, lines in sorted(entries.items()):
        old = keys[source]
        key = source_key(SourceKind.EMPLOYER_REVERSAL, old.pk)
        if key in done:
            continue
        out.append(
            Posting(
                entries=lines,
                description=f"contributions {old.month} of {old.employer.code} ({old.document_id}) undone",
                kind=LineKind.EMPLOYER_REVERSAL,
                params=_params(old),
                source=key,
                idempotency_key=key,
            )
        )
    return out
