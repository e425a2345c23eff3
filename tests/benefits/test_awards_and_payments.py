"""Awards from the rules with their payers and explanations, maker-checker, and monthly payment runs:
each due amount paid once, suspensions from registry data, recovery after a death, a balanced ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from socsec.audit.services import Actor
from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.models import Award, BenefitPayment, Claim, WorkReport
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.core.errors import Forbidden, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.world import SYSTEM, build_world

INJURED = dt.date(2026, 3, 10)
ASSESSED = dt.date(2026, 5, 6)


def officer(world, name="officer"):
    user = world.users[name]
    return Actor(label=f"user:{user.username}", user_id=user.pk)  # as a logged-in user acts


def accepted_injury(world, day=INJURED):
    claim = claim_submit(
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=day,
        engagement=world.rider_eng_platform,  # rides in Shenzhen (440300)
        today=day + dt.timedelta(days=2),
    )
    return claim_decide(
        actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="hospital record"
    )


def assess_as_posted(world, claim, assessment, today=ASSESSED):
    """The whole path of an assessment posted to the API or the page: parsed, then the claim assessed."""
    return claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, assessment),
        today=today,
    )


def unemployment_assessed(world):
    """The employee's job (since 2015-03) ends on 28 February 2026; their unemployment claim is accepted
    and assessed (involuntary, registered) on 5 March, waiting for a supervisor's approval."""
    from socsec.registry.models import Engagement
    from socsec.registry.services import engagement_end

    job = Engagement.objects.get(person=world.employee, organisation=world.employer)
    engagement_end(actor=SYSTEM, engagement=job, end_date=dt.date(2026, 2, 28), today=dt.date(2026, 3, 5))
    claim = claim_submit(
        actor=SYSTEM,
        person=world.employee,
        kind="UNEMPLOYMENT",
        event_date=dt.date(2026, 2, 28),
        engagement=job,
        today=dt.date(2026, 3, 2),
    )
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    return claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"involuntary": True, "registered": True}),
        today=dt.date(2026, 3, 5),
    )


def hired_while_paid(world, claim, category="LABOUR_RELATION"):
    """The assessed unemployment claim is approved and March 2026 paid; an engagement with Zipper Courier
    from 10 April appears (a labour contract unless ``category`` says otherwise), and April is run: the new
    engagement and April's run."""
    from socsec.registry.services import engagement_create

    claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2026-03", today=dt.date(2026, 4, 1))
    new_job = engagement_create(
        actor=SYSTEM,
        person=world.employee,
        organisation=world.courier,
        category=category,
        sector="INSTANT_DELIVERY",
        work_region="110100",
        start_date=dt.date(2026, 4, 10),
    )
    return new_job, pay_month(actor=SYSTEM, month="2026-04", today=dt.date(2026, 5, 1))


def awards(claim):
    return [(a.item, a.payer, a.periodic, a.amount_cents, a.start_month, a.beneficiary) for a in claim.awards.all()]


def test_grade_3_with_care_and_income_during_treatment(world, data_dir):
    claim = accepted_injury(world)
    assessed = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(
            claim.kind,
            {
                "grade": 3,
                "care_level": 2,
                "medical_costs_cents": 4567800,
                "months_off_work": 2,
                "monthly_income_cents": 600000,
            },
        ),
        today=ASSESSED,
    )
    # Shenzhen DEMO private-sector wage 7,500 yuan (from 2025-07); benefit base 60% = 4,500 yuan
    assert awards(assessed) == [
        ("oip_disability_grant", "FUND", False, 10350000, "2026-05", ""),  # 23 months x 4,500
        ("oip_disability_allowance_monthly", "FUND", True, 360000, "2026-05", ""),  # 80% x 4,500
        ("oip_care_allowance", "FUND", True, 300000, "2026-05", ""),  # 40% x 7,500
        ("injury_medical_costs", "FUND", False, 4567800, "2026-05", ""),  # the checked bills, at cost
        ("wage_continuation", "PLATFORM", True, 600000, "2026-03", ""),  # 2 months, the platform pays
    ]
    grant = assessed.awards.get(item="oip_disability_grant")
    assert grant.explanation["steps"][0]["formula"] == "oip_benefit_base"
    assert assessed.awards.get(item="wage_continuation").end_month == "2026-04"


def test_death_with_dependants_capped(world, data_dir):
    claim = accepted_injury(world, dt.date(2025, 9, 10))  # 2026 deaths wait for NBS's 2025 income figure
    dependants = [
        {"name": "Li Na", "kind": "SPOUSE"},
        {"name": "Li Xiao", "kind": "OTHER", "supplement": True},  # an orphan: +10%
        {"name": "Li Lao", "kind": "OTHER"},
    ]
    assessed = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"outcome": "DEATH", "dependants": dependants}),
        today=ASSESSED,
    )
    rows = awards(assessed)
    assert rows[0] == ("oip_funeral_grant", "FUND", False, 2700000, "2026-05", "")  # 6 x 60% x 7,500
    assert rows[1][:4] == ("oip_death_lump_sum", "FUND", False, 108376000)  # 20 x 54,188 yuan (NBS 2024)
    # shares 40% + 40% + 30% = 110% > 100% of 4,500: scaled by 1/1.1, each rounded down
    assert [(r[0], r[3], r[5]) for r in rows[2:]] == [
        ("oip_dependant_pension", 163636, "Li Na"),
        ("oip_dependant_pension", 163636, "Li Xiao"),
        ("oip_dependant_pension", 122727, "Li Lao"),
    ]
    assert sum(r[3] for r in rows[2:]) <= 450000


@pytest.mark.parametrize(
    ("assessment", "field", "words"),
    [
        ({"grade": 11}, "grade", "11 is outside 0-10"),
        ({"grade": "three"}, "grade", "'three' is not a whole number"),
        ({"outcome": "DEATH"}, "dependants", "the list of dependants is required"),
        ({"outcome": "DEATH", "dependants": [{"kind": "SPOUSE"}]}, "dependants", "row 1 needs a name"),
        ({"months_off_work": 2}, "monthly_income_cents", "is required"),
        ({"months_off_work": 30}, "months_off_work", "30 is outside 0-24"),
    ],
)
def test_bad_assessments_change_nothing(world, data_dir, assessment, field, words):
    claim = accepted_injury(world)
    with pytest.raises(ValidationFailed) as caught:
        assess_as_posted(world, claim, assessment)
    assert (caught.value.field, words in caught.value.message) == (field, True)
    claim.refresh_from_db()
    assert (claim.status, claim.awards.count()) == (Claim.Status.ACCEPTED, 0)


def test_maker_checker_above_the_threshold(world, data_dir):
    claim = accepted_injury(world)
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"grade": 3}),
        today=ASSESSED,
    )
    with pytest.raises(Forbidden, match="need a second officer: you assessed this one"):
        claim_approve(actor=officer(world), claim=claim, expected_version=claim.version, today=ASSESSED)
    approved = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    assert (approved.status, approved.approved_by) == (Claim.Status.AWARDED, world.users["supervisor"])


def test_small_awards_need_no_second_officer(world, data_dir):
    claim = accepted_injury(world)
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"grade": 10}),
        today=ASSESSED,
    )  # 7 months x 4,500 = 31,500 yuan, under the 50,000 threshold
    assert claim.awards.get().amount_cents == 3150000
    assert claim_approve(actor=officer(world), claim=claim, expected_version=claim.version).status == "AWARDED"


def awarded(world, assessment, approver="supervisor"):
    claim = accepted_injury(world)
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, assessment),
        today=ASSESSED,
    )
    return claim_approve(actor=officer(world, approver), claim=claim, expected_version=claim.version)


@pytest.mark.parametrize("awards_a_batch", [1000, 1])  # one batch, or one a batch: the same run
def test_payment_runs_pay_each_month_once_and_the_file_says_so(world, data_dir, monkeypatch, awards_a_batch):
    monkeypatch.setattr("socsec.benefits.payments.AWARDS_A_BATCH", awards_a_batch)
    claim = awarded(world, {"grade": 3})
    first = pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    assert (first.new_payments, first.new_cents) == (2, 10350000 + 360000)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID
    again = pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 3))
    assert (again.new_payments, again.run.payment_count) == (0, 2)
    lines = list(csv.DictReader(io.StringIO(first.file.read_text())))
    assert [(r["item"], r["month"], r["amount"]) for r in lines] == [
        ("oip_disability_grant", "2026-05", "103500.00"),
        ("oip_disability_allowance_monthly", "2026-05", "3600.00"),
    ]
    july = pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))  # June was missed: paid now
    assert [(p.month, p.amount_cents) for p in july.run.payments.all()] == [("2026-06", 360000), ("2026-07", 360000)]
    assert balance("fund:OIP:440000") == 10350000 + 3 * 360000
    assert balance(f"payable:benefits:{world.rider.pk}") == -(10350000 + 3 * 360000)
    assert sum(trial_balance().values()) == 0


def test_a_death_stops_benefits_and_recovers_what_was_paid_after_it(world, data_dir):
    awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))  # May, June, July
    death_notice_record(
        actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 6, 20), source="civil registry exchange"
    )
    august = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1))
    assert [a.suspended_from for a in august.suspended] == ["2026-07"]
    assert [(p.month, p.kind, p.amount_cents) for p in august.run.payments.all()] == [("2026-07", "RECOVERY", -360000)]
    assert balance("fund:OIP:440000") == 10350000 + 2 * 360000


def test_a_month_not_closed_is_refused_and_nothing_is_paid(world, data_dir, unchanged):
    for today in (dt.date(2026, 6, 15), dt.date(2026, 6, 30)):  # its last day too: paid from the next month's first
        with pytest.raises(ValidationFailed) as refused:
            pay_month(actor=SYSTEM, month="2026-06", today=today)
        assert refused.value.message == "month: 2026-06 is not closed yet; it can be paid from 2026-07-01 on"
    with pytest.raises(ValidationFailed, match="'2026-13' is not YYYY-MM"):
        pay_month(actor=SYSTEM, month="2026-13", today=dt.date(2026, 6, 15))


def test_unemployment_benefit_is_suspended_on_re_employment(world, data_dir):
    claim = unemployment_assessed(world)
    award = claim.awards.get()
    # 132 months in a labour relation on record (2015-03 to 2026-02): 10 years or more, 24 months of benefit
    assert (award.start_month, award.end_month) == ("2026-03", "2028-02")
    assert award.explanation["duration"]["value"] == 24
    _new_job, april = hired_while_paid(world, claim)
    assert [(a.suspended_from, a.suspended_reason) for a in april.suspended] == [
        ("2026-04", "re-employed: a new labour-relation engagement appears in the registry (flagged to an officer)")
    ]
    assert april.new_payments == 0
    assert not WorkReport.objects.exists()


def test_a_civil_law_engagement_is_reported_and_the_benefit_goes_on(world, data_dir):
    claim = unemployment_assessed(world)
    new_job, april = hired_while_paid(world, claim, category="CIVIL_LAW")
    assert april.suspended == []
    assert [(p.month, p.kind, p.amount_cents) for p in april.run.payments.all()] == [("2026-04", "PAYMENT", 180000)]
    [report] = WorkReport.objects.all()
    assert (report.award.claim_id, report.kind, report.key, report.month, report.orders, report.run_month) == (
        claim.pk,
        "ENGAGEMENT",
        f"engagement:{new_job.pk}",
        "2026-04",
        0,
        "2026-04",
    )
    assert (report.evidence["category"], report.evidence["start_date"]) == ("CIVIL_LAW", "2026-04-10")
    may = pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 1))
    assert [(p.month, p.amount_cents) for p in may.run.payments.all()] == [("2026-05", 180000)]
    assert WorkReport.objects.count() == 1  # reported once


def approved_injury(world, grade):
    """The rider's injury, accepted, assessed at ``grade`` and approved, all by the system."""
    claim = claim_submit(
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=INJURED,
        engagement=world.rider_eng_platform,
        today=INJURED,
    )
    claim = claim_decide(actor=SYSTEM, claim=claim, expected_version=claim.version, accept=True, reason="ok")
    claim = claim_assess(
        actor=SYSTEM,
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"grade": grade}),
        today=ASSESSED,
    )
    return claim_approve(actor=SYSTEM, claim=claim, expected_version=claim.version)


class LedgerBalancedAfterEveryRun(TestCase):
    """Property: whatever months are run, in whatever order and how often, the ledger balances and no
    award is paid twice for a month."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        approved_injury(cls.world, 2)

    @settings(max_examples=15, deadline=None)
    @given(st.lists(st.integers(min_value=5, max_value=10), min_size=1, max_size=6))
    def test_runs(self, months):
        for m in months:
            pay_month(actor=SYSTEM, month=f"2026-{m:02d}", today=dt.date(2026, 11, 2))
            assert sum(trial_balance().values()) == 0
        paid = BenefitPayment.objects.values_list("award_id", "month", "kind")
        assert len(paid) == len(set(paid))
        monthly = Award.objects.get(item="oip_disability_allowance_monthly")
        assert monthly.payments.count() == max(months) - 5 + 1  # every month from May to the latest run


class ReviewPaysEachMonthOnce(TestCase):
    """Property: whatever months were paid before a review, whatever grade it finds, and whatever months
    are run after, each month is paid the higher of the two decisions' amounts if it was paid before the
    review (once a run after it reaches the month) and the new amount otherwise: nothing recovered, nothing
    twice; the grant likewise; the ledger balances."""

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()
        cls.claim_id = approved_injury(cls.world, 3).pk

    @settings(max_examples=12, deadline=None)
    @given(
        before=st.lists(st.integers(min_value=5, max_value=8), max_size=4),
        grade=st.integers(min_value=1, max_value=4),
        after=st.lists(st.integers(min_value=5, max_value=10), min_size=1, max_size=3),
    )
    def test_review(self, before, grade, after):
        from socsec.benefits.review import claim_appeal

        def run(m):
            pay_month(actor=SYSTEM, month=f"2026-{m:02d}", today=dt.date(2026, 11, 2))

        for m in before:
            run(m)
        claim = Claim.objects.get(pk=self.claim_id)
        old = {a.item: a.amount_cents for a in claim.awards.all()}
        claim = claim_appeal(actor=SYSTEM, claim=claim, expected_version=claim.version, reason="grade")
        claim = claim_decide(actor=SYSTEM, claim=claim, expected_version=claim.version, accept=True, reason="ok")
        claim = claim_assess(
            actor=SYSTEM,
            claim=claim,
            expected_version=claim.version,
            assessment=parse_assessment(claim.kind, {"grade": grade}),
            today=ASSESSED,
        )
        new = {a.item: a.amount_cents for a in claim.awards.filter(status="PROPOSED")}
        claim_approve(actor=SYSTEM, claim=claim, expected_version=claim.version)
        for m in after:
            run(m)
        paid_before = max(before, default=4) - 4  # months from May paid before the review
        months = max([*before, *after]) - 4  # every month from May to the latest run, by then
        allowance, grant = "oip_disability_allowance_monthly", "oip_disability_grant"

        def total(item):
            return sum(BenefitPayment.objects.filter(award__item=item).values_list("amount_cents", flat=True))

        topped_up = max(after) - 4  # the months the runs after the review reach
        expected = sum(
            (max(old[allowance], new[allowance]) if m <= topped_up else old[allowance])
            if m <= paid_before
            else new[allowance]
            for m in range(1, months + 1)
        )
        assert total(allowance) == expected
        assert total(grant) == (max(old[grant], new[grant]) if before else new[grant])
        paid = BenefitPayment.objects.values_list("award_id", "month", "kind")
        assert len(paid) == len(set(paid))
        assert sum(trial_balance().values()) == 0


def test_a_death_in_2026_is_paid_on_the_2025_income_figure(world, data_dir):
    claim = accepted_injury(world)
    assessed = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"outcome": "DEATH", "dependants": []}),
        today=ASSESSED,
    )
    lump = assessed.awards.get(item="oip_death_lump_sum")
    assert lump.amount_cents == 113004000  # 20 x 56,502 yuan
    used = {p["path"]: (p["value"], p["effective_from"]) for p in lump.explanation["parameters"]}
    assert used["benefits.national.urban_disposable_income_per_capita"] == (56502, "2025-01-01")


def pension_in_payment(world, since: dt.date, cents: int):
    """The freelancer's pension claim, awarded from ``since`` at ``cents`` a month."""
    from socsec.benefits.models import Award, Claim

    claim = Claim.objects.create(
        person=world.freelancer,
        kind="PENSION",
        status="AWARDED",
        event_date=since,
        reported_by="OFFICER",
        submitted_on=since,
        decision_due=since + dt.timedelta(days=61),
    )
    Award.objects.create(
        claim=claim,
        item="pension_monthly",
        label="pension",
        payer="FUND",
        periodic=True,
        amount_cents=cents,
        start_month=f"{since:%Y-%m}",
        explanation={},
    )
    return claim


def test_pensions_in_payment_rise_with_each_published_increase(world, data_dir):
    pension_in_payment(world, dt.date(2021, 6, 1), 300000)
    run = pay_month(actor=SYSTEM, month="2026-01", today=dt.date(2026, 2, 2))
    by_month = {p.month: (p.amount_cents, p.note) for p in run.run.payments.all()}
    assert by_month["2021-12"] == (300000, "monthly")  # the first year: as awarded
    assert by_month["2022-01"] == (312000, "monthly, raised 2022")  # +4%
    assert by_month["2023-01"] == (323856, "monthly, raised 2022, 2023")  # +3.8%
    assert by_month["2024-01"] == (333572, "monthly, raised 2022, 2023, 2024")  # +3%: 333,571.68
    assert by_month["2025-01"] == (340243, "monthly, raised 2022, 2023, 2024, 2025")  # +2%: 340,243.44
    assert by_month["2026-01"] == (340243, "monthly, raised 2022, 2023, 2024, 2025")  # 2026: not published yet


def test_an_increase_published_late_is_paid_for_the_months_before_it(world, data_dir, tmp_path, monkeypatch):
    import shutil

    from socsec.rules import parameters

    # the parameters as they stood before the 2025 increase was published
    unpublished = tmp_path / "parameters"
    shutil.copytree(parameters.PARAMETERS_DIR, unpublished)
    rate = unpublished / "benefits" / "pension" / "indexation_rate.yaml"
    rate.write_text(rate.read_text().replace("2025-01-01: {value: 0.02}", "2025-01-01: {value: null}"))
    pension_in_payment(world, dt.date(2024, 6, 1), 300000)
    with monkeypatch.context() as patched:
        patched.setattr(parameters, "PARAMETERS_DIR", unpublished)
        parameters.load_parameters.cache_clear()
        try:
            march = pay_month(actor=SYSTEM, month="2025-03", today=dt.date(2025, 4, 2))
        finally:
            parameters.load_parameters.cache_clear()  # the project's own tree is read again after this
    assert [(p.month, p.amount_cents) for p in march.run.payments.filter(month__gte="2025-01")] == [
        ("2025-01", 300000),
        ("2025-02", 300000),
        ("2025-03", 300000),
    ]
    # published (+2% from January): April at the new amount, and the increase for January to March
    april = pay_month(actor=SYSTEM, month="2025-04", today=dt.date(2025, 5, 2))
    assert [(p.month, p.kind, p.amount_cents, p.note) for p in april.run.payments.all()] == [
        ("2025-04", "PAYMENT", 306000, "monthly, raised 2025"),
        ("2025-01", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
        ("2025-02", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
        ("2025-03", "INDEXATION", 6000, "monthly, raised 2025, paid late"),
    ]
    assert pay_month(actor=SYSTEM, month="2025-04", today=dt.date(2025, 5, 3)).new_payments == 0
    assert sum(trial_balance().values()) == 0
    # a death in January: what was paid for February on, increases included, is recovered
    death_notice_record(actor=SYSTEM, person_id=world.freelancer.pk, died_on=dt.date(2025, 1, 15), source="registry")
    may = pay_month(actor=SYSTEM, month="2025-05", today=dt.date(2025, 6, 2))
    assert [(p.month, p.kind, p.amount_cents) for p in may.run.payments.all()] == [
        ("2025-02", "RECOVERY", -306000),
        ("2025-03", "RECOVERY", -306000),
        ("2025-04", "RECOVERY", -306000),
    ]
    assert sum(trial_balance().values()) == 0


def test_a_pension_review_keeps_the_yearly_increases(world, data_dir):
    from socsec.benefits.models import Award
    from socsec.benefits.review import put_in_force

    claim = pension_in_payment(world, dt.date(2024, 6, 1), 300000)
    pension = {"claim": claim, "item": "pension_monthly", "label": "pension", "payer": "FUND", "periodic": True}
    pay_month(actor=SYSTEM, month="2025-03", today=dt.date(2025, 4, 2))  # 2024 at 3,000; 2025 at 3,060
    # a review finds 3,100 from the start (a proposal approved, as claim_approve does)
    Award.objects.create(**pension, amount_cents=310000, start_month="2024-06", explanation={}, status="PROPOSED")
    assert put_in_force(claim) == []
    april = pay_month(actor=SYSTEM, month="2025-04", today=dt.date(2025, 5, 2))
    by_month = {p.month: p.amount_cents for p in april.run.payments.all()}
    assert by_month["2024-06"] == by_month["2024-12"] == 10000  # 3,100 less 3,000 paid
    assert by_month["2025-01"] == by_month["2025-03"] == 10200  # 3,162 (3,100 + 2%) less 3,060 paid
    assert by_month["2025-04"] == 316200  # the 2025 increase kept
    assert len(by_month) == 11


def _accepted(world, person, kind, day, engagement=None):
    claim = claim_submit(
        actor=SYSTEM, person=person, kind=kind, event_date=day, engagement=engagement, today=day + dt.timedelta(days=1)
    )
    return claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")


def test_residents_pension_from_60(world, data_dir):
    from socsec.ledger.services import post

    post(  # 13,900 yuan in the freelancer's individual account (residents' contributions and subsidies)
        entries=[("bank:collection", 1390000), (f"fund:individual-account:{world.freelancer.pk}", -1390000)],
        description="test balance",
        source="test",
        idempotency_key="test-balance",
        booked_on=dt.date(2025, 1, 2),
    )
    too_young = _accepted(world, world.freelancer, "PENSION", dt.date(2025, 6, 1))  # born 1972: 53
    with pytest.raises(ValidationFailed, match="paid from 60"):
        claim_assess(
            actor=officer(world),
            claim=too_young,
            expected_version=too_young.version,
            assessment=parse_assessment(too_young.kind, {"resident": True}),
            today=dt.date(2025, 6, 3),
        )
    world.freelancer.birth_date = dt.date(1965, 1, 1)  # as if born in 1965 (the ID is not read here)
    world.freelancer.save()
    claim = _accepted(world, world.freelancer, "PENSION", dt.date(2025, 6, 2))
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"resident": True}),
        today=dt.date(2025, 6, 3),
    )
    # the minimum basic pension 143 yuan (2025) + 13,900 / 139 = 243 yuan a month
    assert awards(claim) == [("resident_pension_monthly", "FUND", True, 24300, "2025-06", "")]
    claim = claim_approve(actor=officer(world), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2025-06", today=dt.date(2025, 7, 1))
    assert balance("fund:RESIDENT_PENSION:140000") == 24300


def test_rural_contract_worker_gets_a_lump_sum(world, data_dir, factory_months_as_recorded):
    from socsec.registry.models import Engagement
    from socsec.registry.services import engagement_end

    job = Engagement.objects.get(person=world.employee, organisation=world.employer)
    engagement_end(actor=SYSTEM, engagement=job, end_date=dt.date(2026, 2, 28), today=dt.date(2026, 3, 5))
    claim = _accepted(world, world.employee, "UNEMPLOYMENT", dt.date(2026, 2, 28), job)
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(
            claim.kind, {"involuntary": True, "registered": True, "rural_contract_worker": True}
        ),
        today=dt.date(2026, 3, 3),
    )
    # 132 months: 11 full years x 0.5 month, at most 6 months (DEMO method) x 1,800 yuan (Guangdong DEMO)
    assert awards(claim) == [("unemployment_rural_lump_sum", "FUND", False, 990000, "2026-03", "")]


def appealed(world, claim, *, accept, reviewer="supervisor"):
    """The claimant appeals and another officer accepts or rejects the review."""
    from socsec.benefits.review import claim_appeal

    claim.refresh_from_db()
    claim = claim_appeal(actor=SYSTEM, claim=claim, expected_version=claim.version, reason="appeal")
    return claim_decide(
        actor=officer(world, reviewer), claim=claim, expected_version=claim.version, accept=accept, reason="review"
    )


def reviewed(world, claim, grade, today, reviewer="supervisor"):
    """The claimant appeals, another officer accepts the review, and the claim is assessed again."""
    claim = appealed(world, claim, accept=True, reviewer=reviewer)
    return claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"grade": grade}),
        today=today,
    )


def test_a_review_raising_a_paid_award_pays_the_difference_for_each_month(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))  # grant 103,500 + May 3,600
    pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 2))  # June 3,600
    claim = reviewed(world, claim, 2, dt.date(2026, 7, 10))
    # the proposal is worked out as of the first assessment (a correction), and waits for approval ...
    assert [(a.item, a.amount_cents, a.start_month, a.status) for a in claim.awards.order_by("id")] == [
        ("oip_disability_grant", 10350000, "2026-05", "ACTIVE"),
        ("oip_disability_allowance_monthly", 360000, "2026-05", "ACTIVE"),
        ("oip_disability_grant", 11250000, "2026-05", "PROPOSED"),  # 25 months x 4,500
        ("oip_disability_allowance_monthly", 382500, "2026-05", "PROPOSED"),  # 85% x 4,500
    ]
    # ... while the decision in force is still paid
    july = pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))
    assert [(p.award.status, p.month, p.amount_cents) for p in july.run.payments.all()] == [
        ("ACTIVE", "2026-07", 360000)
    ]
    claim.refresh_from_db()
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    assert [(a.item, a.amount_cents, a.start_month, a.end_month, a.status) for a in claim.awards.all()] == [
        ("oip_disability_grant", 10350000, "2026-05", "", "SUPERSEDED"),
        ("oip_disability_allowance_monthly", 360000, "2026-05", "2026-07", "SUPERSEDED"),  # its last paid month
        ("oip_disability_grant", 11250000, "2026-05", "", "ACTIVE"),
        ("oip_disability_allowance_monthly", 382500, "2026-05", "", "ACTIVE"),
    ]
    # July run again: it pays the differences in a second bank file, which holds only them
    july_again = pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 2))
    assert [(p.month, p.amount_cents, p.note) for p in july_again.run.payments.filter(instruction=2)] == [
        ("2026-05", 900000, "lump sum, less 10350000 paid before the review"),  # 112,500 less 103,500
        ("2026-05", 22500, "monthly, less 360000 paid before the review"),
        ("2026-06", 22500, "monthly, less 360000 paid before the review"),
        ("2026-07", 22500, "monthly, less 360000 paid before the review"),
    ]
    assert july_again.file.name == "bank-instructions-002.csv"
    assert [line.split(",")[-1] for line in july_again.file.read_text().splitlines()] == [
        "amount",
        "9000.00",
        "225.00",
        "225.00",
        "225.00",
    ]
    assert (july_again.file.parent / "bank-instructions-001.csv").read_text().count("\n") == 2  # July's 3,600
    august = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1))
    assert [(p.month, p.amount_cents, p.note) for p in august.run.payments.all()] == [("2026-08", 382500, "monthly")]
    # in all, what grade 2 from the start would have paid to the end of August: 112,500 + 4 x 3,825
    assert balance("fund:OIP:440000") == 11250000 + 4 * 382500
    assert sum(trial_balance().values()) == 0
    again = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 2))
    assert again.new_payments == 0
    # the pages say which awards were replaced; the officer's and the worker's (in Chinese)
    from django.test import Client

    staff = Client(headers={"Accept-Language": "en"})
    staff.force_login(world.users["officer"])
    assert staff.get(f"/officer/claims/{claim.pk}/").content.decode().count("Replaced after a review") == 2
    worker = Client(headers={"Accept-Language": "zh-hans"})
    worker.force_login(world.users["worker"])
    assert worker.get(f"/me/claims/{claim.pk}/").content.decode().count("复核后已被替代") == 2


def test_a_second_review_counts_what_every_earlier_decision_paid(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 2))  # grant 103,500 + May, June 3,600
    claim = reviewed(world, claim, 2, dt.date(2026, 7, 10))
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))  # the differences, and July at 3,825
    claim = reviewed(world, claim, 1, dt.date(2026, 8, 10), reviewer="officer")  # appealed again: grade 1
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1))
    # in all, what grade 1 from the start would have paid: 27 x 4,500 and 4 x 90% of 4,500
    assert balance("fund:OIP:440000") == 12150000 + 4 * 405000
    assert sum(trial_balance().values()) == 0
    assert claim.awards.filter(status="SUPERSEDED").count() == 4


def test_a_review_lowering_a_paid_award_recovers_nothing_and_says_so(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    claim = reviewed(world, claim, 4, dt.date(2026, 6, 10))
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    assert [(a.item, a.amount_cents, a.start_month, a.status) for a in claim.awards.all()] == [
        ("oip_disability_grant", 10350000, "2026-05", "SUPERSEDED"),
        ("oip_disability_allowance_monthly", 360000, "2026-05", "SUPERSEDED"),
        ("oip_disability_grant", 9450000, "2026-05", "ACTIVE"),  # 21 months x 4,500
        ("oip_disability_allowance_monthly", 337500, "2026-05", "ACTIVE"),  # 75% x 4,500
    ]
    notes = [e.note for e in claim.events.filter(from_status="AWARDED", to_status="AWARDED")]
    assert notes == [
        "oip_disability_grant: 9,000.00 yuan was paid before the review beyond what is now due; nothing is "
        "recovered (paid in good faith)",
        "oip_disability_allowance_monthly: 225.00 yuan was paid before the review beyond what is now due; "
        "nothing is recovered (paid in good faith)",
    ]
    june = pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 1))
    assert [(p.month, p.amount_cents) for p in june.run.payments.all()] == [("2026-06", 337500)]


def test_a_review_that_rejects_the_claim_ends_its_awards_even_on_a_new_appeal(world, data_dir):
    from socsec.benefits.review import claim_appeal

    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    claim = appealed(world, claim, accept=False)
    assert [(a.status, a.end_month) for a in claim.awards.all()] == [("SUPERSEDED", ""), ("SUPERSEDED", "2026-05")]
    assert claim.events.last().note == (
        "the awards in force end: oip_disability_grant (paid to 2026-05), oip_disability_allowance_monthly "
        "(paid to 2026-05)"
    )
    assert pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 1)).new_payments == 0
    claim = claim_appeal(actor=SYSTEM, claim=claim, expected_version=claim.version, reason="again")
    assert pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1)).new_payments == 0
    # the rejection overturned: the new decision dates from the first assessment, so June on is paid
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"grade": 3}),
        today=dt.date.today(),
    )
    assert {a.start_month for a in claim.awards.filter(status="PROPOSED")} == {"2026-05"}


def test_a_rejection_keeps_what_the_platform_pays_on_record_but_no_longer_owed(world, data_dir):
    from socsec.benefits.selectors import liability_of

    claim = awarded(world, {"grade": 0, "months_off_work": 2, "monthly_income_cents": 600000})
    assert [a.item for a in liability_of(organisation=world.platform)] == ["wage_continuation"]
    claim = appealed(world, claim, accept=False)
    assert [(a.item, a.payer, a.status) for a in claim.awards.all()] == [
        ("wage_continuation", "PLATFORM", "SUPERSEDED")
    ]
    assert liability_of(organisation=world.platform) == []


def test_an_appeal_withdrawn_leaves_the_decision_in_force_paid(world, data_dir):
    from socsec.benefits.intake import claim_withdraw

    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=dt.date(2026, 6, 2))
    claim = appealed(world, claim, accept=True)
    claim_withdraw(actor=SYSTEM, claim=claim, expected_version=claim.version)
    july = pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))
    assert [(p.month, p.amount_cents) for p in july.run.payments.all()] == [("2026-06", 360000), ("2026-07", 360000)]


def test_a_rejection_after_a_death_still_recovers_what_was_paid_after_it(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 2))  # May to July at 3,600
    death_notice_record(actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 6, 20), source="registry")
    appealed(world, claim, accept=False)
    august = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 2))
    assert [(p.award.status, p.month, p.amount_cents) for p in august.run.payments.all()] == [
        ("SUPERSEDED", "2026-07", -360000)
    ]


def test_a_stop_of_a_replaced_award_never_paid_carries_over(world, data_dir):
    from socsec.benefits.review import put_in_force

    claim = awarded(world, {"grade": 3})  # nothing paid yet; the allowance stopped from June (say, by a flag)
    claim.awards.filter(periodic=True).update(suspended_from="2026-06", suspended_reason="flagged")
    proposal = claim.awards.get(periodic=True)
    proposal.pk, proposal.status, proposal.suspended_from, proposal.suspended_reason = None, "PROPOSED", "", ""
    proposal.save()
    put_in_force(claim)
    new = claim.awards.get(periodic=True, status="ACTIVE")
    assert (new.suspended_from, new.suspended_reason, claim.awards.filter(status="SUPERSEDED").count()) == (
        "2026-06",
        "flagged",
        0,  # the replaced ones were never paid: they are gone
    )


def test_dependants_pensions_go_on_after_the_death_notice(world, data_dir):
    claim = accepted_injury(world, dt.date(2025, 9, 10))
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(
            claim.kind, {"outcome": "DEATH", "dependants": [{"name": "Li Na", "kind": "SPOUSE"}]}
        ),
        today=ASSESSED,
    )
    claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    death_notice_record(actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2025, 9, 10), source="registry")
    june = pay_month(actor=SYSTEM, month="2026-06", today=dt.date(2026, 7, 2))
    pension = [(p.month, p.amount_cents) for p in june.run.payments.filter(award__item="oip_dependant_pension")]
    assert pension == [("2026-05", 180000), ("2026-06", 180000)]  # 40% of 4,500, not stopped
    assert not june.suspended


def test_a_death_after_a_review_recovers_every_kind_paid_after_it(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 2))  # May to July at 3,600
    claim = reviewed(world, claim, 2, dt.date(2026, 8, 10))
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 2))  # May to July +225 each, August 3,825
    death_notice_record(actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 5, 20), source="civil registry")
    september = pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 2))
    assert sorted((p.award.status, p.month, p.amount_cents) for p in september.run.payments.all()) == [
        ("ACTIVE", "2026-06", -22500),
        ("ACTIVE", "2026-07", -22500),
        ("ACTIVE", "2026-08", -382500),
        ("SUPERSEDED", "2026-06", -360000),
        ("SUPERSEDED", "2026-07", -360000),
    ]
    # kept: the grant (112,500) and May at the new amount (3,825)
    assert balance("fund:OIP:440000") == 11250000 + 382500
    assert sum(trial_balance().values()) == 0


@pytest.mark.parametrize("raw", ["--5", "²", "1" * 20])
def test_odd_numbers_are_refused_not_crashed(world, data_dir, raw):
    claim = accepted_injury(world)
    with pytest.raises(ValidationFailed, match="is not a whole number"):
        assess_as_posted(world, claim, {"grade": raw})


def test_unemployment_benefit_goes_on_when_platform_orders_show_work(world, data_dir):
    from django.test import Client

    from socsec.registry.models import Engagement
    from socsec.registry.services import engagement_end
    from tests.contributions.test_ingest import DAY, order, send

    job = Engagement.objects.get(person=world.employee, organisation=world.employer)
    ended = DAY.replace(day=1) - dt.timedelta(days=1)  # the end of last month
    engagement_end(actor=SYSTEM, engagement=job, end_date=ended, today=ended + dt.timedelta(days=1))
    claim = _accepted(world, world.employee, "UNEMPLOYMENT", ended, job)
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {"involuntary": True, "registered": True}),
        today=ended + dt.timedelta(days=2),
    )
    claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version)
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    # evening rides on RideGo (an engagement that began before the job ended) in the benefit's first month
    response = send(platform, [order(world, "e1", resident_id=world.employee.resident_id, region="440100")], "k1")
    assert response.status_code == 201
    month = f"{DAY:%Y-%m}"
    run = pay_month(actor=SYSTEM, month=month, today=(DAY.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    assert run.suspended == []
    [paid] = run.run.payments.all()
    assert (paid.award.claim_id, paid.month, paid.kind) == (claim.pk, month, "PAYMENT")
    [report] = WorkReport.objects.all()
    assert (report.kind, report.key, report.month, report.orders) == ("ORDERS", f"orders:{month}", month, 1)
    assert report.evidence["platforms"] == [
        {"platform": world.platform.code, "orders": 1, "first_day": DAY.isoformat(), "last_day": DAY.isoformat()}
    ]
    officer_client = Client()
    officer_client.force_login(world.users["officer"])
    for language, summary, row in (
        ("en", "Platform orders while on benefit: 1, in 1 month.", f"{month}: platform orders: 1"),
        ("zh-hans", "领取待遇期间的平台订单：1 单，分布在 1 个月。", f"{month}：平台订单 1 单"),
    ):
        page = officer_client.get(f"/officer/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert summary in page
        assert row in page
