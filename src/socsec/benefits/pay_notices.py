"""What a payment run tells: each person paid, once per run that paid them (the amount and number of
their payments, summed in SQL and streamed to the outbox in batches), each claim moved to paid, and the
officer who started the run. Called inside the run's transaction: told if and only if paid."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.db.models import Count, Sum

from socsec.audit.services import Actor
from socsec.core.money import format_yuan
from socsec.notifications import recipients
from socsec.notifications.services import Row, notify, notify_many

from .models import BenefitPayment, Claim, PaymentRun

STREAM_CHUNK = 5000


def pay_run_tell(*, actor: Actor, run: PaymentRun, instruction: int, new_payments: int, new_cents: int) -> None:
    """The persons this run's new payments (those of its bank file ``instruction``) went to, and who ran it;
    nothing when it paid nothing new (a run again after one that committed tells nobody twice)."""
    if not new_payments:
        return
    notify_many(event="benefit.paid", rows=_paid_rows(run, instruction))
    notify(
        event="payrun.done",
        recipient=recipients.user(actor.user_id) if actor.user_id else recipients.OFFICERS,
        context={"month": run.month, "new": new_payments, "amount": format_yuan(new_cents)},
        dedupe_key=f"{run.month}:{instruction}",
    )


def _paid_rows(run: PaymentRun, instruction: int) -> Iterator[Row]:
    per_person = (
        BenefitPayment.objects.filter(run=run, instruction=instruction)
        .values_list("award__claim__person_id")
        .annotate(cents=Sum("amount_cents"), payments=Count("id"))
        .order_by()
    )
    key = f"{run.month}:{instruction}"
    for person_id, cents, payments in per_person.iterator(chunk_size=STREAM_CHUNK):
        context = {"amount": format_yuan(int(cents)), "month": run.month, "payments": payments}
        yield recipients.person(person_id), context, key


def claims_paid_tell(claims: Sequence[Claim], month: str) -> None:
    """Each claim moved to paid by the run (a batch of them)."""
    rows = [(recipients.person(c.person_id), {"claim": c.pk, "month": month}, str(c.pk)) for c in claims]
    notify_many(event="claim.paid", rows=rows)
