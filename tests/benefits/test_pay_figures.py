"""The payment run's figures on a mixed set of awards, pinned as the run made them before it wrote by COPY:
back pay over years of pension increases, monthly allowances, a lump sum, unemployment benefit, a death
that stops and recovers, a stop lifted by an officer (its recovery given back), a second run of the month
that pays nothing. Payments with their notes, the ledger's entries by account and the bank files' rows
must stay exactly these whatever the write path (multi-row INSERT on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from socsec.benefits.models import Award, BenefitPayment, Claim, Suspension
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.benefits.suspensions import suspension_lift
from socsec.ledger.models import LedgerEntry
from tests.world import SYSTEM

AWARDS = [  # person, claim kind, item, periodic, cents, first month
    ("rider", Claim.Kind.PENSION, "pension_monthly", True, 300000, "2023-06"),
    ("employee", Claim.Kind.PENSION, "pension_monthly", True, 410001, "2025-11"),
    ("rider", Claim.Kind.OCCUPATIONAL_INJURY, "oip_disability_allowance_monthly", True, 250000, "2026-01"),
    ("freelancer", Claim.Kind.OCCUPATIONAL_INJURY, "oip_disability_grant", False, 5000000, "2026-02"),
    ("freelancer", Claim.Kind.UNEMPLOYMENT, "unemployment_benefit_monthly", True, 190000, "2026-02"),
    ("employee", Claim.Kind.LONG_TERM_CARE, "ltc_benefit_monthly", True, 120000, "2026-03"),
]


def make(world) -> list[int]:
    ids = []
    for who, kind, item, periodic, cents, first in AWARDS:
        claim = Claim.objects.create(
            person=getattr(world, who),
            kind=kind,
            status=Claim.Status.AWARDED,
            event_date=dt.date(int(first[:4]), int(first[5:]), 1),
            engagement=world.rider_eng_platform if kind == Claim.Kind.OCCUPATIONAL_INJURY and who == "rider" else None,
            reported_by=Claim.Reporter.OFFICER,
            submitted_on=dt.date(2020, 1, 2),
            decision_due=dt.date(2020, 3, 3),
        )
        award = Award.objects.create(
            claim=claim,
            item=item,
            label=item,
            payer=Award.Payer.FUND,
            periodic=periodic,
            amount_cents=cents,
            start_month=first,
            explanation={"note": "figures"},
        )
        ids.append(award.pk)
    return ids


def figures(ids: list[int]) -> list[tuple]:
    """Each payment by its award's place in ``AWARDS``, with the fund its two ledger entries move money from."""
    place = {pk: i for i, pk in enumerate(ids)}
    out = []
    for p in BenefitPayment.objects.order_by("run__month", "instruction", "id"):
        entries = sorted(
            (e.account.code.rsplit(":", 1)[0], e.amount_cents)
            for e in LedgerEntry.objects.filter(transaction__idempotency_key=f"benefit-payment:{p.pk}")
        )
        funds = [code for code, _cents in entries if code.startswith("fund:")]
        assert entries == sorted([(funds[0], p.amount_cents), ("payable:benefits", -p.amount_cents)])
        out.append((p.run.month, p.instruction, place[p.award_id], p.month, p.kind, p.amount_cents, p.note, funds[0]))
    return out


def runs(world) -> tuple[list[int], list[int]]:
    """Back pay to April; a death in March; May stops and recovers; the stop of the pension lifted; June gives
    the recovery back; June again pays nothing. Returns the award ids and each run's new payments."""
    ids = make(world)
    made = [pay_month(actor=SYSTEM, month="2026-04", today=dt.date(2026, 5, 2)).new_payments]
    death_notice_record(
        actor=SYSTEM, person_id=world.employee.pk, died_on=dt.date(2026, 3, 10), source="civil registry"
    )
    made.append(pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2)).new_payments)
    stop = Suspension.objects.get(award_id=ids[1])
    suspension_lift(actor=SYSTEM, suspension=stop, reason="the notice named another person", today=dt.date(2026, 6, 3))
    made.append(pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 2)).new_payments)
    made.append(pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 3)).new_payments)
    return ids, made


def test_a_mixed_set_is_paid_to_the_cent_as_before(world, data_dir):
    ids, made = runs(world)
    got = figures(ids)
    assert made == MADE
    assert got == FIGURES


MADE = [51, 5, 6, 0]
# run, its file, award (place in AWARDS), month, kind, cents, note, the fund that pays
FIGURES = [
    ("2026-04", 1, 0, "2023-06", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-07", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-08", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-09", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-10", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-11", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2023-12", "PAYMENT", 300000, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-01", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-02", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-03", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-04", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-05", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-06", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-07", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-08", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-09", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-10", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-11", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2024-12", "PAYMENT", 309000, "monthly, raised 2024", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-01", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-02", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-03", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-04", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-05", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-06", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-07", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-08", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-09", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-10", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-11", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2025-12", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2026-01", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2026-02", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2026-03", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 0, "2026-04", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2025-11", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2025-12", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2026-01", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2026-02", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2026-03", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 1, "2026-04", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-04", 1, 2, "2026-01", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-04", 1, 2, "2026-02", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-04", 1, 2, "2026-03", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-04", 1, 2, "2026-04", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-04", 1, 3, "2026-02", "PAYMENT", 5000000, "lump sum", "fund:OIP"),
    ("2026-04", 1, 4, "2026-02", "PAYMENT", 190000, "monthly", "fund:UNEMPLOYMENT"),
    ("2026-04", 1, 4, "2026-03", "PAYMENT", 190000, "monthly", "fund:UNEMPLOYMENT"),
    ("2026-04", 1, 4, "2026-04", "PAYMENT", 190000, "monthly", "fund:UNEMPLOYMENT"),
    ("2026-04", 1, 5, "2026-03", "PAYMENT", 120000, "monthly", "fund:LONG_TERM_CARE"),
    ("2026-04", 1, 5, "2026-04", "PAYMENT", 120000, "monthly", "fund:LONG_TERM_CARE"),
    ("2026-05", 1, 0, "2026-05", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    ("2026-05", 1, 1, "2026-04", "RECOVERY", -410001, "death on 2026-03-10 (civil registry)", "fund:EMPLOYEE_PENSION"),
    ("2026-05", 1, 2, "2026-05", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-05", 1, 4, "2026-05", "PAYMENT", 190000, "monthly", "fund:UNEMPLOYMENT"),
    ("2026-05", 1, 5, "2026-04", "RECOVERY", -120000, "death on 2026-03-10 (civil registry)", "fund:LONG_TERM_CARE"),
    ("2026-06", 1, 0, "2026-06", "PAYMENT", 315180, "monthly, raised 2024, 2025", "fund:EMPLOYEE_PENSION"),
    (
        "2026-06",
        1,
        1,
        "2026-04",
        "RESTORATION",
        410001,
        "recovery given back: the suspension was lifted",
        "fund:EMPLOYEE_PENSION",
    ),
    ("2026-06", 1, 1, "2026-05", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-06", 1, 1, "2026-06", "PAYMENT", 410001, "monthly", "fund:EMPLOYEE_PENSION"),
    ("2026-06", 1, 2, "2026-06", "PAYMENT", 250000, "monthly", "fund:OIP"),
    ("2026-06", 1, 4, "2026-06", "PAYMENT", 190000, "monthly", "fund:UNEMPLOYMENT"),
]
