"""The agency asks a bank to check the payment accounts it has not checked yet, through the bank's
interface (``AccountVerifier``), and applies the answers as that bank's ``accounts`` feed: the same row
checks, the same idempotency, the same record of the feed as when the bank sends them by the API."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from socsec.audit.services import Actor, audit_record_many
from socsec.core.errors import Forbidden

from .access import PartnerCall
from .accounts import AccountToCheck, AccountVerifier, accounts_to_check
from .errors import PartnerErrorCode
from .feeds import feed_receive
from .models import Agreement, Feed, Partner, PaymentAccount


def payment_accounts_check(*, actor: Actor, bank: Partner, verifier: AccountVerifier, today: dt.date) -> Feed | None:
    """Ask the bank about its accounts not checked yet, and apply its answers as the bank's ``accounts``
    feed (under its agreement in force, keyed by the day and the accounts asked about: asking again the
    same day changes nothing). None when there is nothing to ask."""
    agreement = (
        Agreement.objects.filter(partner=bank, valid_from__lte=today, valid_until__gte=today)
        .order_by("-valid_until")
        .first()
    )
    if agreement is None or "accounts:send" not in agreement.scopes:
        raise Forbidden(
            "bank %(code)s has no agreement in force for account checks",
            code=PartnerErrorCode.AGREEMENT_NOT_IN_FORCE,
            params={"code": bank.code},
        )
    accounts = accounts_to_check(bank)
    if not accounts:
        return None
    asked = [AccountToCheck(a.person.resident_id, a.person.name, a.account_no) for a in accounts]
    with transaction.atomic():
        PaymentAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(requested_on=today)
        for account in accounts:
            account.requested_on = today
        audit_record_many(actor=actor, action="partners.payment_account.request", instances=accounts)
    rows = verifier.verify(asked, today=today)
    call = PartnerCall(agreement=agreement, scopes=frozenset(agreement.scopes))
    key = f"check-{today.isoformat()}-{accounts[0].pk}-{accounts[-1].pk}-{len(accounts)}"
    feed, _replayed = feed_receive(
        call=call, kind=Feed.Kind.ACCOUNTS, rows=rows, idempotency_key=key, source="check", today=today
    )
    return feed
