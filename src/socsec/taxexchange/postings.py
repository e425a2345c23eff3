"""The money the tax authority collected for a handover, in the ledger: one balanced transaction per
document. The collection account receives what was paid; each scheme's pooled fund in the employer's
province gets its share, except what a pension line's payment credits to the employee's individual account:
the employee's part (8% of the base) when paid in full, and, when part paid, the individual account first up
to that part, the rest to the pooled fund (the rule ``employee_pension_paid_to_account``). A document that
replaces one already posted undoes that posting first (its entries reversed, with those of the later payments
it had), so a corrected declaration never counts twice. A later payment (a receipt) posts exactly the
difference it makes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from socsec.core.months import month_first_day, month_index
from socsec.ledger.accounts import BANK_COLLECTION, INDIVIDUAL_ACCOUNT_PREFIX, fund, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key, source_prefix
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


def _province(handover: Handover) -> str:
    region = handover.employer.registered_region
    return region.province_code if region is not None else NO_PROVINCE


def paid_to_accounts(month: str, lines: Sequence[tuple[str, int, int, int]]) -> list[int]:
    """What each line (scheme, paid, employer's part, employee's part) credits to the employee's individual
    account: 0 but for pension lines with money paid, by the rule ``employee_pension_paid_to_account`` of
    the month, over all the lines at once."""
    pension = [i for i, (scheme, paid, _, _) in enumerate(lines) if scheme == "PENSION" and paid]
    out = [0] * len(lines)
    if not pension:
        return out
    shares = compute(
        "employee_pension_paid_to_account",
        month_first_day(month_index(month)),
        paid_cents=np.array([lines[i][1] for i in pension], dtype=np.int64),
        employer_cents=np.array([lines[i][2] for i in pension], dtype=np.int64),
        employee_cents=np.array([lines[i][3] for i in pension], dtype=np.int64),
    )
    for i, cents in zip(pension, shares.tolist(), strict=True):
        out[i] = int(cents)
    return out


def allocation(
    *, province: str, person_id: int, scheme: str, paid_cents: int, to_account: int
) -> list[tuple[str, int]]:
    """Where what was paid on one line goes (credits, negative): ``to_account`` (``paid_to_accounts``) to
    the employee's individual account, the rest to the scheme's pooled fund in the province."""
    out = [(fund(FUND_SCHEME[scheme], province), -(paid_cents - to_account))]
    return [(individual_account(person_id), -to_account), *out] if to_account else out


def _entries(paid: int, credits: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The transaction's entries: the collection account debited with what came in, each fund and each
    individual account credited, summed per account."""
    summed: dict[str, int] = defaultdict(int)
    for code, cents in credits:
        summed[code] += cents
    accounts = sorted((c, v) for c, v in summed.items() if c.startswith(INDIVIDUAL_ACCOUNT_PREFIX))
    funds = sorted((c, v) for c, v in summed.items() if not c.startswith(INDIVIDUAL_ACCOUNT_PREFIX))
    return [(BANK_COLLECTION, paid), *accounts, *funds]


def collection_posting(handover: Handover, results: Sequence[CollectionResult]) -> Posting | None:
    """The transaction of what was paid on a document's results; None when nothing was paid."""
    province = _province(handover)
    to_accounts = paid_to_accounts(
        handover.month, [(r.scheme, r.paid_cents, r.employer_cents, r.employee_cents) for r in results]
    )
    credits = [
        entry
        for r, to_account in zip(results, to_accounts, strict=True)
        if r.paid_cents
        for entry in allocation(
            province=province, person_id=r.person_id, scheme=r.scheme, paid_cents=r.paid_cents, to_account=to_account
        )
    ]
    paid = sum(r.paid_cents for r in results)
    if not paid:
        return None
    key = source_key(SourceKind.EMPLOYER_CONTRIBUTION, handover.pk)
    return Posting(
        entries=_entries(paid, credits),
        description=f"contributions {handover.month} of {handover.employer.code} ({handover.document_id})",
        kind=LineKind.EMPLOYER_CONTRIBUTION,
        params=_params(handover),
        source=key,
        idempotency_key=key,
    )


@dataclass(frozen=True)
class LineChange:
    """One line's result before and after a receipt."""

    person_id: int
    scheme: str
    employer_cents: int
    employee_cents: int
    status_before: str
    paid_before: int
    status_after: str
    paid_after: int


def receipt_posting(handover: Handover, receipt_id: str, paid_on: dt.date, changes: Sequence[LineChange]) -> Posting:
    """The transaction of a later payment: exactly the difference between where the lines' money goes
    after it and where it went before (a pension line now paid in full moves the employee's part of what
    the pooled fund held to the individual account), booked on the day paid."""
    province = _province(handover)
    after = paid_to_accounts(
        handover.month, [(c.scheme, c.paid_after, c.employer_cents, c.employee_cents) for c in changes]
    )
    before = paid_to_accounts(
        handover.month, [(c.scheme, c.paid_before, c.employer_cents, c.employee_cents) for c in changes]
    )
    credits: list[tuple[str, int]] = []
    for c, account_after, account_before in zip(changes, after, before, strict=True):
        for paid, to_account, sign in ((c.paid_after, account_after, 1), (c.paid_before, account_before, -1)):
            line = allocation(
                province=province, person_id=c.person_id, scheme=c.scheme, paid_cents=paid, to_account=to_account
            )
            credits += [(code, sign * cents) for code, cents in line]
    key = source_key(SourceKind.EMPLOYER_RECEIPT, handover.pk, receipt_id)
    return Posting(
        entries=_entries(sum(c.paid_after - c.paid_before for c in changes), credits),
        description=f"contributions {handover.month} of {handover.employer.code} ({handover.document_id})"
        f" paid late, receipt {receipt_id}",
        kind=LineKind.EMPLOYER_RECEIPT,
        params={**_params(handover), "receipt": receipt_id},
        source=key,
        booked_on=paid_on,
        idempotency_key=key,
    )


def reversal_postings(handover: Handover) -> list[Posting]:
    """The reversals of the postings of the documents this one replaced (of its employer and month) that
    are not reversed yet: for each, its results' transaction and its receipts' together, in one."""
    earlier = list(
        Handover.objects.filter(employer_id=handover.employer_id, month=handover.month)
        .exclude(pk=handover.pk)
        .select_related("employer")
    )
    undone = {source_key(SourceKind.EMPLOYER_REVERSAL, h.pk) for h in earlier}
    done = set(LedgerTransaction.objects.filter(source__in=undone).values_list("source", flat=True))
    todo = {h.pk: h for h in earlier if source_key(SourceKind.EMPLOYER_REVERSAL, h.pk) not in done}
    if not todo:
        return []
    sources = Q(transaction__source__in=[source_key(SourceKind.EMPLOYER_CONTRIBUTION, pk) for pk in todo])
    for pk in todo:
        sources |= Q(transaction__source__startswith=source_prefix(SourceKind.EMPLOYER_RECEIPT, pk))
    entries: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source, code, cents in LedgerEntry.objects.filter(sources).values_list(
        "transaction__source", "account__code", "amount_cents"
    ):
        entries[int(source.split(":")[1])][code] -= int(cents)
    out = []
    for pk, lines in sorted(entries.items()):
        old = todo[pk]
        key = source_key(SourceKind.EMPLOYER_REVERSAL, old.pk)
        out.append(
            Posting(
                entries=sorted(lines.items()),
                description=f"contributions {old.month} of {old.employer.code} ({old.document_id}) undone",
                kind=LineKind.EMPLOYER_REVERSAL,
                params=_params(old),
                source=key,
                idempotency_key=key,
            )
        )
    return out
