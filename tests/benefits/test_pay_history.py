"""A payment run reads of each award only what its record leaves (``pay_due.bound``): the months after the
last one through which every month is paid, from the January of a year whose pension amount changed, and
the few rows that are not payments. It pays exactly what a run reading every payment pays: each run here is
made twice on the same database, once with every award's record cleared (undone), and both pay the same
rows, over long histories and sequences of deaths, lifted stops, late increases, held accounts and reviews."""

from __future__ import annotations

import datetime as dt
import random
import shutil

import pytest
from django.db import transaction

from socsec.benefits import payments
from socsec.benefits.models import Award, BenefitPayment, Claim, DeathNotice, PaymentRun, Suspension
from socsec.benefits.pay_due import monthly_amounts
from socsec.benefits.payments import PayResult, death_notice_record, pay_month
from socsec.benefits.review import put_in_force
from socsec.benefits.suspensions import suspension_lift
from socsec.core.bulk import insert_rows
from socsec.core.months import month_first_day, month_index, month_name, month_year
from socsec.ledger.selectors import trial_balance
from tests.benefits.pensions import pension_in_payment
from tests.benefits.test_awards_and_payments import officer
from tests.world import SYSTEM

Row = tuple[int, str, str, int, str]  # award, month, kind, cents, note


def made(run: PaymentRun) -> list[Row]:
    return list(run.payments.order_by("id").values_list("award_id", "month", "kind", "amount_cents", "note"))


def paid_both_ways(month: str) -> PayResult:
    """The month's run as the awards' records say, after the same run reading every payment of every award
    (their records cleared), undone: both pay the same rows in the same order."""
    today = month_first_day(month_index(month) + 1) + dt.timedelta(days=1)
    with transaction.atomic():
        Award.objects.update(paid_through=None, paid_amounts=None)
        whole = pay_month(actor=SYSTEM, month=month, today=today)
        expected = made(whole.run), whole.new_payments, whole.new_cents
        transaction.set_rollback(True)
    bounded = pay_month(actor=SYSTEM, month=month, today=today)
    assert (made(bounded.run), bounded.new_payments, bounded.new_cents) == expected
    return bounded


def unpublished(tmp_path, monkeypatch, year: int) -> None:
    """The rules read as they stood before ``year``'s pension increase was published (undone with the test)."""
    from socsec.rules import parameters

    tree = tmp_path / "parameters"
    shutil.copytree(parameters.PARAMETERS_DIR, tree)
    rate = tree / "benefits" / "pension" / "indexation_rate.yaml"
    text = rate.read_text()
    published = f"{year}-01-01: {{value: 0.0"  # the rates of these years are a few percent
    assert published in text
    rate.write_text(text.replace(published, f"{year}-01-01: {{value: null}}  # 0.0"))
    monkeypatch.setattr(parameters, "PARAMETERS_DIR", tree)
    parameters.load_parameters.cache_clear()


def published() -> None:
    """The project's own rules read again (its parameters' tree given back first)."""
    from socsec.rules import parameters

    parameters.load_parameters.cache_clear()


@pytest.fixture
def rules_as_published():
    """The project's own rules read again after a test that changed them."""
    from socsec.rules import parameters

    yield
    parameters.load_parameters.cache_clear()


def twenty_years_paid(world) -> Award:  # type: ignore[no-untyped-def]
    """The freelancer's pension of 3,000 from 2006, paid from 2006 to 2025 by runs before awards kept a
    record, as those runs paid them."""
    award = pension_in_payment(world.freelancer, start_month="2006-01", amount_cents=300000)
    amounts = monthly_amounts(award, 2025)
    run = PaymentRun.objects.create(month="2025-12")
    months = range(month_index("2006-01"), month_index("2025-12") + 1)
    rows = [(run.pk, award.pk, month_name(i), "PAYMENT", *amounts[month_year(i)], 1) for i in months]
    columns = ["run_id", "award_id", "month", "kind", "amount_cents", "note", "instruction"]
    insert_rows(BenefitPayment, columns, rows)
    return award


def test_a_pension_paid_for_twenty_years_is_read_from_its_last_paid_month(world, data_dir):
    award = twenty_years_paid(world)
    # the first run reads them all, and records that they are paid
    january = paid_both_ways("2026-01")
    assert (january.rows_read, made(january.run)) == (240, [(award.pk, "2026-01", "PAYMENT", 300000, "monthly")])
    award.refresh_from_db()
    assert (award.paid_through, award.paid_amounts) == ("2026-01", {str(y): 300000 for y in range(2006, 2027)})
    # the next reads none of them: no month after January is paid, and no row is of another kind
    february = paid_both_ways("2026-02")
    assert (february.rows_read, made(february.run)) == (0, [(award.pk, "2026-02", "PAYMENT", 300000, "monthly")])
    # run again, it reads nothing (February is paid), and pays nothing twice
    again = paid_both_ways("2026-02")
    assert (again.rows_read, again.new_payments) == (0, 0)
    award.refresh_from_db()
    assert award.paid_through == "2026-02"
    assert BenefitPayment.objects.count() == 242
    # replaced (a review) with no stop, it pays nothing more: nothing of it is read
    Award.objects.filter(pk=award.pk).update(status=Award.Status.SUPERSEDED)
    march = paid_both_ways("2026-03")
    assert (march.rows_read, march.new_payments) == (0, 0)


def test_a_pension_stopped_by_a_death_is_read_from_the_death(world, data_dir):
    award = twenty_years_paid(world)
    assert paid_both_ways("2026-01").rows_read == 240
    assert paid_both_ways("2026-02").rows_read == 0
    # he died in January: February, paid, is recovered; of twenty years, the run reads February's payment
    death_notice_record(
        actor=SYSTEM, person_id=world.freelancer.pk, died_on=dt.date(2026, 1, 20), source="civil registry",
        today=dt.date(2026, 3, 1),
    )  # fmt: skip
    march = paid_both_ways("2026-03")
    assert (march.rows_read, made(march.run)) == (
        1,
        [(award.pk, "2026-02", "RECOVERY", -300000, "death on 2026-01-20 (civil registry)")],
    )
    # the next run reads February's payment and its recovery: nothing more is due
    april = paid_both_ways("2026-04")
    assert (april.rows_read, april.new_payments) == (2, 0)
    # replaced (a review), it is read from the death all the same
    Award.objects.filter(pk=award.pk).update(status=Award.Status.SUPERSEDED)
    may = paid_both_ways("2026-05")
    assert (may.rows_read, may.new_payments) == (2, 0)


def test_an_increase_published_late_reads_the_months_of_its_year(
    world, data_dir, tmp_path, monkeypatch, rules_as_published
):
    award = pension_in_payment(world.freelancer, start_month="2024-06", amount_cents=300000)
    with monkeypatch.context() as patched:
        unpublished(tmp_path, patched, 2025)
        march = paid_both_ways("2025-03")  # 2024-06 to 2025-03, all at 3,000
        assert (march.rows_read, march.new_payments) == (0, 10)
        award.refresh_from_db()
        assert (award.paid_through, award.paid_amounts) == ("2025-03", {"2024": 300000, "2025": 300000})
    published()
    # published (+2% from January): the run reads 2025's three months, and tops them up
    april = paid_both_ways("2025-04")
    assert april.rows_read == 3
    assert [row[1:] for row in made(april.run)] == [
        ("2025-04", "PAYMENT", 306000, "monthly, raised 2025"),
        ("2025-01", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
        ("2025-02", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
        ("2025-03", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
    ]
    award.refresh_from_db()
    assert (award.paid_through, award.paid_amounts) == ("2025-04", {"2024": 300000, "2025": 306000})
    may = paid_both_ways("2025-05")  # the increases paid late are read (not payments), no month before May
    assert (may.rows_read, [row[1:4] for row in made(may.run)]) == (3, [("2025-05", "PAYMENT", 306000)])


def test_a_month_held_stays_due_however_the_award_is_read(world, data_dir, monkeypatch):
    held: set[int] = set()
    monkeypatch.setattr(payments, "held_persons", lambda: set(held))
    award = pension_in_payment(world.freelancer, start_month="2025-10", amount_cents=300000)
    paid_both_ways("2025-11")
    held.add(world.freelancer.pk)  # the person's account found invalid: December waits
    december = paid_both_ways("2025-12")
    assert (december.new_payments, december.rows_read) == (0, 0)
    award.refresh_from_db()
    assert (award.paid_through, award.paid_amounts) == ("2025-11", {"2025": 300000})  # as before December
    held.clear()  # a new account: December is paid with January
    january = paid_both_ways("2026-01")
    assert [row[1:4] for row in made(january.run)] == [("2025-12", "PAYMENT", 300000), ("2026-01", "PAYMENT", 300000)]
    award.refresh_from_db()
    assert award.paid_through == "2026-01"


def test_an_increase_owed_while_held_is_paid_after(world, data_dir, tmp_path, monkeypatch, rules_as_published):
    held: set[int] = set()
    monkeypatch.setattr(payments, "held_persons", lambda: set(held))
    award = pension_in_payment(world.freelancer, start_month="2024-12", amount_cents=300000)
    with monkeypatch.context() as patched:
        unpublished(tmp_path, patched, 2025)
        paid_both_ways("2025-02")  # 2024-12 to 2025-02, all at 3,000
    published()
    held.add(world.freelancer.pk)  # published while the account is invalid: March and the increase wait
    march = paid_both_ways("2025-03")
    assert (march.rows_read, march.new_payments) == (2, 0)  # 2025's months, read again for the increase
    award.refresh_from_db()
    assert (award.paid_through, award.paid_amounts) == ("2025-02", {"2024": 300000, "2025": 300000})
    held.clear()
    april = paid_both_ways("2025-04")
    assert (april.rows_read, [row[1:4] for row in made(april.run)]) == (
        2,
        [
            ("2025-03", "PAYMENT", 306000),
            ("2025-04", "PAYMENT", 306000),
            ("2025-01", "INDEXATION", 6000),
            ("2025-02", "INDEXATION", 6000),
        ],
    )


KINDS = (  # item, start, cents, end, beneficiary
    ("pension_monthly", "2022-03", 300000, "", ""),
    ("pension_monthly", "2024-11", 410000, "", ""),
    ("pension_monthly", "2024-02", 280000, "2025-05", ""),
    ("oip_disability_allowance_monthly", "2024-06", 250000, "", ""),
    ("oip_dependant_pension_monthly", "2024-08", 120000, "", "a child"),
    ("oip_disability_grant", "2024-12", 5000000, "", ""),
)


@pytest.mark.parametrize("seed", range(6))
def test_runs_reading_as_the_records_say_pay_what_runs_reading_everything_pay(
    world, data_dir, tmp_path, monkeypatch, rules_as_published, seed
):
    rng = random.Random(seed)
    people = [world.rider, world.employee, world.freelancer]
    held: set[int] = set()
    monkeypatch.setattr(payments, "held_persons", lambda: set(held))
    for n, (item, start, cents, end, beneficiary) in enumerate(KINDS * 2):
        award = pension_in_payment(
            people[(n + seed) % 3],
            item=item,
            start_month=start,
            amount_cents=cents + 100 * n,
            end_month=end,
            beneficiary=beneficiary,
            periodic=item != "oip_disability_grant",
        )
        # a claim each (one a person, kind and day): moved off the helper's day for the next
        Claim.objects.filter(pk=award.claim_id).update(event_date=dt.date(2015, 1, 2) + dt.timedelta(days=n))
    unpublished(tmp_path, monkeypatch, 2025)
    publish_at = rng.randrange(3, 9)
    month = month_index("2024-10")
    for step in range(12):
        if step == publish_at:
            monkeypatch.undo()  # the 2025 increase is published
            published()
            monkeypatch.setattr(payments, "held_persons", lambda: set(held))
        day = month_first_day(month) + dt.timedelta(days=rng.randrange(1, 20))
        events = rng.sample(["death", "lift", "hold", "release", "review", "rerun"], rng.randrange(0, 4))
        events += {2: ["death"], 5: ["lift"]}.get(step, [])  # a death, and a stop lifted, in every sequence
        for event in events:
            _happens(event, world, rng, people, held, month, day)
        paid_both_ways(month_name(month))
        if "rerun" in events:
            paid_both_ways(month_name(month))
        month += 1
    assert sum(trial_balance().values()) == 0
    assert set(BenefitPayment.objects.values_list("kind", flat=True)) >= {"PAYMENT", "RECOVERY"}


def _happens(event: str, world, rng: random.Random, people, held: set[int], month: int, day: dt.date) -> None:
    """One thing the registry, a bank or an officer does between two runs."""
    if event == "death":
        living = [p for p in people if not DeathNotice.objects.filter(person=p).exists()]
        if living:
            died = month_first_day(month - rng.randrange(1, 6)) + dt.timedelta(days=rng.randrange(0, 27))
            death_notice_record(
                actor=SYSTEM, person_id=rng.choice(living).pk, died_on=died, source="registry", today=day
            )
    elif event == "lift":
        pending = list(Suspension.objects.filter(status="PENDING").order_by("id"))
        if pending:
            suspension_lift(actor=officer(world), suspension=rng.choice(pending), reason="another person", today=day)
    elif event == "hold":
        held.add(rng.choice(people).pk)
    elif event == "release" and held:
        held.discard(rng.choice([p.pk for p in people if p.pk in held]))  # in the world's order (ids are drawn)
    elif event == "review":
        awards = list(Award.objects.filter(status="ACTIVE", periodic=True).order_by("id"))
        old = rng.choice(awards)
        new = {
            f: getattr(old, f)
            for f in ("item", "label", "payer", "start_month", "end_month", "beneficiary", "periodic")
        }
        cents = old.amount_cents + rng.choice([-20000, 15000])
        Award.objects.create(claim=old.claim, amount_cents=cents, explanation={}, status="PROPOSED", **new)
        put_in_force(old.claim)  # approved, as claim_approve does
