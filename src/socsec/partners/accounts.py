"""Payment accounts and the banks' checks of them. A person's benefits are paid to one account, at a bank
that is a partner; before paying, the agency asks the bank whether the account is the person's and open
(``payment_accounts_check``, through an ``AccountVerifier``: a real bank's interface, or ``LocalBank``, the
stand-in). The bank answers ``valid``, ``invalid`` or ``closed`` for each account, as the rows of an
``accounts`` feed (by the partner API, or the verifier's answers applied as one): the answers are checked
row by row like any feed's. A payment run pays nobody whose account is invalid or closed
(``STOPPED_ACCOUNTS``); a new account, or the bank's ``valid``, lets the next run pay what was held."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from stdnum import luhn

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.contributions.orders.report import RowErrors
from socsec.core.db import id_chunks
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Person

from .errors import FeedRowErrorCode as Code
from .feed_rows import Checked, CheckedRow, errors_repeat, row_date, row_resident_id, rows_persons
from .models import Agreement, Feed, Partner, PaymentAccount

ACCOUNT_NO = re.compile(r"\d{8,30}")
RESULTS = {
    "valid": PaymentAccount.Status.VALID,
    "invalid": PaymentAccount.Status.INVALID,
    "closed": PaymentAccount.Status.CLOSED,
}


def clean_account_no(raw: str) -> str | None:
    """The account number's digits (spaces allowed between groups), or None when it is not 8-30 digits."""
    digits = "".join(raw.split())
    return digits if ACCOUNT_NO.fullmatch(digits) else None


def passes_check_digit(account_no: str) -> bool:
    """Whether the number's last digit is the Luhn check digit of the others, as on bank card numbers (the
    stand-in bank's check, and the data-quality rule's)."""
    return bool(luhn.is_valid(account_no))


def payment_account_set(*, actor: Actor, person: Person, bank: Partner, account_no: str) -> PaymentAccount:
    """The account the person's benefits go to from now on: not checked yet (the next check asks the bank;
    payments are not held meanwhile, as they were not before the agency asked)."""
    cleaned = clean_account_no(account_no)
    if cleaned is None:
        raise ValidationFailed("account_no: 8 to 30 digits", field="account_no")
    if bank.kind != Partner.Kind.BANK:
        raise ValidationFailed("bank: %(code)s is not a bank", field="bank", params={"code": bank.code})
    with transaction.atomic():
        account = PaymentAccount.objects.select_for_update().filter(person=person).first()
        before = snapshot(account) if account else None
        account = account or PaymentAccount(person=person)
        account.bank, account.account_no, account.status = bank, cleaned, PaymentAccount.Status.UNCHECKED
        account.requested_on = account.checked_on = None
        account.feed = None
        account.save()
        audit_record(actor=actor, action="partners.payment_account.set", instance=account, before=before)
    return account


@dataclass(frozen=True)
class AccountToCheck:
    resident_id: str
    name: str
    account_no: str


class AccountVerifier(Protocol):
    """A bank's account check: for each account asked about, a row of the ``accounts`` feed
    (``resident_id``, ``account_no``, ``result``: valid, invalid or closed, ``checked_on``)."""

    def verify(self, accounts: Sequence[AccountToCheck], *, today: dt.date) -> list[dict[str, str]]: ...


class LocalBank:
    """The stand-in bank: an account is closed when listed in ``closed``, invalid when its last digit is
    not the Luhn check digit of the others (as bank card numbers are), valid otherwise."""

    def __init__(self, closed: Sequence[str] = ()) -> None:
        self.closed = set(closed)

    def verify(self, accounts: Sequence[AccountToCheck], *, today: dt.date) -> list[dict[str, str]]:
        def result(number: str) -> str:
            if number in self.closed:
                return "closed"
            return "valid" if passes_check_digit(number) else "invalid"

        return [
            {
                "resident_id": a.resident_id,
                "account_no": a.account_no,
                "result": result(a.account_no),
                "checked_on": today.isoformat(),
            }
            for a in accounts
        ]


def check_accounts(
    rows: list[dict[str, str]], *, first: int, today: dt.date, agreement: Agreement, **_: Any
) -> Checked:
    """The bank's answers: each names an account the agency holds for the person at this bank."""
    out = Checked()
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=first):
        before = out.errors.total
        resident_id = row_resident_id(row, number, out.errors)
        account_no = _account_no(row, number, out.errors)
        result = _result(row, number, out.errors)
        checked_on = (
            row_date(row, "checked_on", number, out.errors, today) if (row.get("checked_on") or "").strip() else today
        )
        if out.errors.total == before and resident_id and account_no and result and checked_on:
            parsed.append((number, resident_id, {"account_no": account_no, "status": result, "checked_on": checked_on}))
    persons = rows_persons(parsed, out.errors)
    held: dict[int, PaymentAccount] = {}
    for chunk in id_chunks(sorted({p.pk for _n, p, _v in persons})):
        held.update(
            {a.person_id: a for a in PaymentAccount.objects.filter(person_id__in=chunk, bank=agreement.partner)}
        )
    seen: set[int] = set()
    for number, person, values in persons:
        account = held.get(person.pk)
        if person.pk in seen:
            errors_repeat(out, number)
        elif account is None or account.account_no != values["account_no"]:
            out.errors.add(
                number,
                "account_no",
                Code.NO_ACCOUNT,
                "account_no: not the account at this bank that this person's benefits are paid to",
            )
        elif (account.status, account.checked_on) == (values["status"], values["checked_on"]):
            out.unchanged += 1
        else:
            out.valid.append(CheckedRow(number, person, {**values, "account": account}))
        seen.add(person.pk)
    return out


def _account_no(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    raw = row.get("account_no") or ""
    cleaned = clean_account_no(raw)
    if cleaned is None:
        errors.add(
            number,
            "account_no",
            Code.MISSING if not raw.strip() else Code.BAD_VALUE,
            "account_no: is not 8 to 30 digits",
        )
    return cleaned


def _result(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    raw = (row.get("result") or "").strip().lower()
    if raw not in RESULTS:
        errors.add(
            number,
            "result",
            Code.MISSING if not raw else Code.BAD_VALUE,
            "result: %(value)r is not one of %(known)s",
            {"value": raw[:40], "known": ", ".join(RESULTS)},
        )
        return None
    return RESULTS[raw].value


def accounts_apply(*, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None:
    """Inside the feed's transaction: each account's status as its bank answered, in bulk."""
    accounts: list[PaymentAccount] = [r.values["account"] for r in checked.valid]
    befores = [snapshot(a) for a in accounts]
    for row, account in zip(checked.valid, accounts, strict=True):
        account.status, account.checked_on, account.feed = row.values["status"], row.values["checked_on"], feed
    PaymentAccount.objects.bulk_update(accounts, ["status", "checked_on", "feed"], batch_size=300)
    audit_record_many(actor=actor, action="partners.payment_account.checked", instances=accounts, befores=befores)


def accounts_to_check(bank: Partner) -> list[PaymentAccount]:
    return list(
        PaymentAccount.objects.filter(bank=bank, status=PaymentAccount.Status.UNCHECKED)
        .select_related("person")
        .order_by("id")
    )
