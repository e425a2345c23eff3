from __future__ import annotations

from django.db.models import Sum

from .models import LedgerEntry


def balance(code: str) -> int:
    """Sum of an account's entries in cents (debit positive)."""
    return int(LedgerEntry.objects.filter(account__code=code).aggregate(s=Sum("amount_cents"))["s"] or 0)


def trial_balance() -> dict[str, int]:
    """Every account's balance; the values always sum to zero."""
    rows = LedgerEntry.objects.values_list("account__code").annotate(s=Sum("amount_cents")).order_by("account__code")
    return {code: int(total) for code, total in rows}
