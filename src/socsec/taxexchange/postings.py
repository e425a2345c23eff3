"""The money the tax authority collected for a handover, in the ledger: one balanced transaction per
document. The collection account receives what was paid; each scheme's pooled fund in the employer's
province gets its share, except the employee's part of a pension line paid in full, which goes to the
employee's individual account (8% of the base). A document that replaces one already posted undoes
that posting first (its entries reversed), so a corrected declaration never counts twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from socsec.ledger.accounts import BANK_COLLECTION, fund, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.services import Posting

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


def collection_posting(handover: Handover, results: Sequence[CollectionResult]) -> Posting | None:
    """The transaction of what was paid on a document's results; None when nothing was paid."""
    region = handover.employer.registered_region
    province = region.province_code if region is not None else NO_PROVINCE
    funds: dict[str, int] = defaultdict(int)
    accounts: list[tuple[str, int]] = []
    for r in results:
        if not r.paid_cents:
            continue
        to_account = r.employee_cents if r.scheme == "PENSION" and r.status == CollectionResult.Status.PAID else 0
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
