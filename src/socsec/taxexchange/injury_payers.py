"""The work-injury payer revisited when a month's results come in (first results, or a later payment).

An award is given its payer when it is made (``benefits.awards``): the fund's amounts fall to the employer
when its work-injury contribution for the month of the injury is not paid - and before the month's
results are in, it is not. When the results change what the rule says, the award's payer is changed
where the rule says so, never silently: the claim's history says what changed and why, the audit log
keeps the award before and after, and money already paid is settled in the ledger, not rewritten.

* Now paid (employer to fund). Paid by the due day, the employer was never in default: the fund owes the
  whole award. Paid later, the employer bears what arose before it paid and the fund what arises after
  (Art. 62, third paragraph: ``LATE_PAYMENT_REFERENCE``): the fund takes over from the month after the
  day paid. What the employer carried of the fund's share until this month (the award's monthly amount
  for each month, a lump sum already due) the fund reimburses it: posted from the work-injury fund to
  what is payable to the employer. From this month on the fund pays (a new award; the employer's ends).
* No longer paid (fund to employer, after a corrected document): what the fund paid on the award is
  recovered from the employer (posted to what the employer owes the funds), and the employer pays the
  months the fund has not paid (a new award; the fund's ends with its last paid month).

An award not yet approved only has its payer changed. The reimbursement counts the award's amount per
month as awarded (not suspensions or increases after it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Sum

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.benefits.models import Award, BenefitPayment, Claim, ClaimEvent
from socsec.core.months import month_first_day, month_index, month_name, month_of
from socsec.ledger.accounts import fund, organisation_payable, organisation_receivable
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import Posting, post_many_keys
from socsec.rules.benefits import AWARDS, WORK_INJURY_UNPAID_REFERENCE, Payer, work_injury_payer

from .models import CollectionResult
from .selectors import employer_due_on

LATE_PAYMENT_REFERENCE = (
    "Regulations on Work-Related Injury Insurance Art. 62, third paragraph: once the employer has paid the "
    "contributions and surcharge it owed, the fund and the employer pay the costs that arise after that by "
    "these regulations"
)
RULED = tuple(
    item for item, terms in AWARDS.items() if terms.payer == Payer.FUND and item.startswith(("work_injury", "injury"))
)


def injury_payers_revisit(*, actor: Actor, results: Sequence[CollectionResult], today: dt.date) -> list[Award]:
    """Revisit the payers of the work-injury awards decided on these results' months (see the module);
    returns the awards whose payer changed (the new ones, for awards in force). One query finds them, by
    the results' employers and months (its parameters do not grow with the employees)."""
    by_key = {(r.employer_id, r.person_id, r.month): r for r in results if r.scheme == "WORK_INJURY"}
    if not by_key:
        return []
    candidates = (
        Award.objects.filter(
            status__in=(Award.Status.ACTIVE, Award.Status.PROPOSED),
            item__in=RULED,
            claim__kind=Claim.Kind.WORK_INJURY,
            claim__engagement__organisation_id__in=sorted({e for e, _p, _m in by_key}),
            claim__event_date__gte=month_first_day(min(month_index(m) for _e, _p, m in by_key)),
            claim__event_date__lt=month_first_day(max(month_index(m) for _e, _p, m in by_key) + 1),
        )
        .select_related("claim__engagement__organisation", "claim__engagement__work_region")
        .order_by("id")
    )
    changed, postings = [], []
    for award in candidates:
        claim = award.claim
        assert claim.engagement is not None
        result = by_key.get((claim.engagement.organisation_id, claim.person_id, month_of(claim.event_date)))
        if result is None:
            continue
        paid = result.status == CollectionResult.Status.PAID
        payer = work_injury_payer(Payer.FUND, contribution_paid=paid)
        if payer == award.payer:
            continue
        done = _change(actor, award, result, payer, today)
        if done is not None:
            changed.append(done[0])
            postings += [done[1]] if done[1] else []
    post_many_keys(postings)
    return changed


def _note(result: CollectionResult, payer: Payer, takeover: str) -> dict[str, object]:
    paid = result.status == CollectionResult.Status.PAID
    late = paid and result.late_paid_on is not None
    return {
        "month": result.month,
        "contribution_paid": paid,
        "paid_on": (result.last_paid_on or dt.date.min).isoformat() if paid else None,
        "paid_late": late,
        "payer_from": takeover,
        "reference": LATE_PAYMENT_REFERENCE if late else WORK_INJURY_UNPAID_REFERENCE,
        "revisited": True,
        "payer": str(payer),
    }


def _takeover(award: Award, result: CollectionResult) -> int:
    """The first month the fund owes: the award's start when paid by the due day, else the month after the
    day paid."""
    start = month_index(award.start_month)
    day = result.last_paid_on
    if day is None or day <= employer_due_on(result.month):
        return start
    return max(start, month_index(day) + 1)


def _change(
    actor: Actor, award: Award, result: CollectionResult, payer: Payer, today: dt.date
) -> tuple[Award, Posting | None] | None:
    """Change the award's payer (see the module); None where the rule leaves it as it is (a lump sum that
    arose before a late payment stays the employer's)."""
    before = snapshot(award)
    start, end = month_index(award.start_month), award.end_month
    if payer == Payer.FUND:
        first_fund = _takeover(award, result)
        if not award.periodic and first_fund > start:
            return None
        switch = max(first_fund, month_index(today))
        carried = _owed_months(award, first_fund, switch)
    else:
        paid = BenefitPayment.objects.filter(award=award)
        switch = max((month_index(m) + 1 for m in paid.values_list("month", flat=True)), default=start)
        carried = paid.aggregate(c=Sum("amount_cents"))["c"] or 0
    if award.status == Award.Status.PROPOSED:
        carried = 0  # not approved: nobody has paid anything on it, so there is nothing to settle
    note = _note(result, payer, month_name(max(switch, start)))
    new = award
    if award.status == Award.Status.PROPOSED or switch <= start:
        award.payer, award.explanation = str(payer), {**award.explanation, "payer": note}
        award.save(update_fields=["payer", "explanation"])
    else:
        award.status = Award.Status.SUPERSEDED
        if award.periodic:
            award.end_month = month_name(switch - 1)
        award.save(update_fields=["status", "end_month"])
        if award.periodic and (not end or month_index(end) >= switch):
            new = Award.objects.create(
                claim=award.claim,
                item=award.item,
                label=award.label,
                payer=str(payer),
                periodic=True,
                amount_cents=award.amount_cents,
                start_month=month_name(switch),
                end_month=end,
                beneficiary=award.beneficiary,
                explanation={**award.explanation, "payer": note},
                suspended_from=award.suspended_from,
                suspended_reason=award.suspended_reason,
            )
    audit_record(actor=actor, action="benefits.award_payer_revisit", instance=award, before=before)
    if new is not award:
        audit_record(actor=actor, action="benefits.award_payer_revisit", instance=new)
    claim = award.claim
    ClaimEvent.objects.create(
        claim=claim,
        on=today,
        actor=actor.label,
        from_status=claim.status,
        to_status=claim.status,
        note=_history(award, result, payer, carried),
    )
    return new, _settlement(award, payer, carried, today) if carried else None


def _owed_months(award: Award, first: int, switch: int) -> int:
    """What the employer carried of the fund's share before ``switch``: a lump sum due in those months, or
    the monthly amount for each month from ``first`` that the award covers (to its end or suspension)."""
    start = month_index(award.start_month)
    if not award.periodic:
        return award.amount_cents if first <= start < switch else 0
    last = switch - 1
    for bound in (award.end_month, award.suspended_from):
        if bound:
            last = min(last, month_index(bound) - (1 if bound == award.suspended_from else 0))
    return award.amount_cents * max(0, last - max(first, start) + 1)


def _history(award: Award, result: CollectionResult, payer: Payer, carried: int) -> str:
    if payer == Payer.FUND:
        return (
            f"{award.item}: the employer's work-injury contribution for {result.month} is paid "
            f"({(result.last_paid_on or dt.date.min).isoformat()}); the fund pays from now on and reimburses "
            f"the employer {carried} cents it carried"
        )
    return (
        f"{award.item}: the employer's work-injury contribution for {result.month} is not paid; the employer "
        f"pays from now on and {carried} cents the fund paid are recovered from it"
    )


def _settlement(award: Award, payer: Payer, cents: int, today: dt.date) -> Posting:
    """The fund reimburses the employer (now paid) or recovers from it (now unpaid)."""
    claim = award.claim
    assert claim.engagement is not None
    code = claim.engagement.organisation.code
    province = claim.engagement.work_region.province_code
    injury_fund = fund("WORK_INJURY", province)
    if payer == Payer.FUND:
        entries = [(injury_fund, cents), (organisation_payable(code), -cents)]
        direction = "REIMBURSEMENT"
    else:
        entries = [(organisation_receivable(code), cents), (injury_fund, -cents)]
        direction = "RECOVERY"
    key = source_key(SourceKind.INJURY_PAYER, award.pk, direction.lower())
    return Posting(
        entries=entries,
        description=f"{award.item} claim {claim.pk}: {direction.lower()} with {code}",
        kind=LineKind.INJURY_PAYER,
        params={"item": award.item, "claim": claim.pk, "organisation": code, "direction": direction},
        source=key,
        idempotency_key=key,
        booked_on=today,
    )
