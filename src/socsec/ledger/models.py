from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    """A ledger account, named by a path: ``receivable:platform:ridego``, ``fund:OIP:440000``,
    ``bank:collection``. Balances are sums of entries (debit positive, credit negative)."""

    class Kind(models.TextChoices):
        ASSET = "ASSET", _("asset")
        LIABILITY = "LIABILITY", _("liability")
        FUND = "FUND", _("scheme fund")
        INCOME = "INCOME", _("income")

    code = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LedgerTransaction(models.Model):
    """One movement of money: its entries sum to zero. Written once, never changed; a mistake is
    corrected by a reversing transaction."""

    at = models.DateTimeField()
    booked_on = models.DateField()
    description = models.CharField(max_length=300, help_text="in English, as the API returns it")
    kind = models.CharField(max_length=40, blank=True, help_text="a ledger.descriptions.LineKind; empty before")
    params = models.JSONField(default=dict, blank=True, help_text="the kind's codes, months and ids")
    source = models.CharField(max_length=120, help_text="what caused it, e.g. invoice:42")
    idempotency_key = models.CharField(max_length=160, unique=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.description}"


class LedgerEntry(models.Model):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    # found by account through entry_account_idx (account first): no index of its own to keep on every write
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries", db_index=False)
    amount_cents = models.BigIntegerField(help_text="debit positive, credit negative")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "transaction"], name="entry_account_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount_cents=0), name="entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_cents:+d}"


class FundMonthTotal(models.Model):
    """What the postings of one month moved on one pooled fund account (``accounts.pooled_fund``), by the
    kind of their source (``keys.SourceKind``) and their ``item`` parameter (a benefit's formula), in
    cents, debit positive. Written by every posting in its own transaction (``totals``), as rows added and
    never updated, so postings to one fund never wait on each other; a key's rows are summed when read and
    folded into one by ``totals.fold`` (nightly). The funds' dashboard reads these, not every entry."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="the first day of the month the transactions were booked in")
    source_kind = models.CharField(max_length=40)
    item = models.CharField(max_length=80, blank=True)
    cents = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.account_id} {self.month:%Y-%m} {self.source_kind} {self.item} {self.cents:+d}"
