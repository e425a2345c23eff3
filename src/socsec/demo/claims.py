"""Demo claims: an injured rider confirmed by the platform's order data and paid; another whose data do
not show the injury (with an officer); one rejected and appealed; one assessed and waiting for a second
officer; a retired worker, an unemployed worker (who took platform orders last month: reported to the
officer, still paid) and a person who needs long-term care, all paid by the payment run of last month.
Every claim goes through the same services as real ones. Loaded once."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings

from socsec.accounts.models import User
from socsec.audit.services import Actor
from socsec.core.months import month_first_day, month_index, month_last_day, month_name
from socsec.registry.models import Engagement, Organisation
from socsec.registry.services import engagement_create
from socsec.rules.benefits import CareSetting
from socsec.rules.coverage import Category, Scheme, Sector, Status

from .people import in_drawn_order, story_person


def _actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return Actor(label=username, user_id=user.pk)


def _riders_on(platform: str, day: dt.date, month: str) -> tuple[list[int], list[int]]:
    """Persons with and without orders on the platform that day (among those who took orders that month)."""
    import duckdb

    from socsec.contributions.orders.selectors import accepted_files

    orders, _fixes = accepted_files(months=[month], platform=Organisation.objects.get(code=platform))
    con = duckdb.connect()
    try:
        rows = con.sql(
            "SELECT person_id, max(order_date = $day) AS that_day FROM read_parquet($files, hive_partitioning = true)"
            " GROUP BY person_id ORDER BY person_id",
            params={"files": [str(settings.DATA_DIR / p) for p in orders], "day": day},
        ).fetchall()
    finally:
        con.close()
    ordered = in_drawn_order(p for p, _on in rows)
    on_day = {p for p, on in rows if on}
    return [p for p in ordered if p in on_day], [p for p in ordered if p not in on_day]


def load_demo_claims(today: dt.date | None = None) -> dict[str, Any]:
    """All the demo's claims in one transaction: a failure leaves none, and the next run starts again."""
    from django.db import transaction

    with transaction.atomic():
        return _load(today)


def _load(today: dt.date | None) -> dict[str, Any]:
    from socsec.benefits.assessment import parse_assessment
    from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide
    from socsec.benefits.intake import claim_submit
    from socsec.benefits.models import Claim
    from socsec.benefits.payments import pay_month
    from socsec.benefits.review import claim_appeal

    if Claim.objects.exists():
        return {"claims": Claim.objects.count(), "created": False}
    today = today or dt.date.today()
    previous = month_index(today) - 1
    month, first, last = month_name(previous), month_first_day(previous), month_last_day(previous)
    system = Actor.system("demo-loader")
    officer, supervisor = _actor("officer"), _actor("supervisor")
    assessed_on = last.replace(day=min(25, last.day))

    def decide(claim: Claim, accept: bool, reason: str, who: Actor = officer) -> Claim:
        return claim_decide(
            actor=who,
            claim=claim,
            expected_version=claim.version,
            accept=accept,
            reason=reason,
            today=claim.submitted_on,
        )

    def assess(claim: Claim, assessment: dict[str, Any]) -> Claim:
        return claim_assess(
            actor=officer,
            claim=claim,
            expected_version=claim.version,
            assessment=parse_assessment(claim.kind, assessment),
            today=assessed_on,
        )

    def approve(claim: Claim) -> Claim:
        return claim_approve(actor=supervisor, claim=claim, expected_version=claim.version, today=assessed_on)

    # injuries on SwiftRide in Beijing, on the 10th of last month
    day = first + dt.timedelta(days=9)
    with_orders, without = _riders_on("swiftride", day, month)
    engaged = {
        e.person_id: e
        for e in Engagement.objects.filter(organisation__code="swiftride", person_id__in=with_orders + without)
        .select_related("person", "work_region")
        .order_by("id")
    }
    rng = random.Random(f"demo-claims-{month}")

    def covered(candidates: list[int]) -> list[int]:
        """Two of the candidates whom OIP covers on that day through their SwiftRide work in Beijing."""
        from socsec.coverage.selectors import coverage_for

        chosen = []
        for pk in rng.sample(candidates, len(candidates)):
            e = engaged.get(pk)
            if e is None or not e.work_region.code.startswith("11"):
                continue
            oip = coverage_for(e.person, day).scheme(Scheme.OIP)
            if any(x.engagement.pk == e.pk and x.reason.status == Status.MANDATORY for x in oip.engagements):
                chosen.append(pk)
            if len(chosen) == 2:
                break
        return chosen

    beijing, quiet = covered(with_orders), covered(without)
    stories: dict[str, Claim] = {}
    if len(beijing) == 2 and len(quiet) == 2:
        a, h = beijing
        b, f = quiet
        e = engaged[a]
        paid = claim_submit(
            actor=system, person=e.person, kind=Claim.Kind.OCCUPATIONAL_INJURY, event_date=day, engagement=e, today=day
        )
        paid = assess(paid, {"grade": 8, "months_off_work": 1, "monthly_income_cents": 620000})
        stories["injury_paid"] = approve(paid)
        e = engaged[h]
        waiting = claim_submit(
            actor=system, person=e.person, kind=Claim.Kind.OCCUPATIONAL_INJURY, event_date=day, engagement=e, today=day
        )
        stories["injury_waiting_checker"] = assess(waiting, {"grade": 4, "care_level": 3})
        e = engaged[b]
        stories["injury_with_officer"] = claim_submit(
            actor=Actor(label="swiftride", organisation_id=e.organisation_id),
            person=e.person,
            kind=Claim.Kind.OCCUPATIONAL_INJURY,
            event_date=day,
            engagement=e,
            today=day + dt.timedelta(days=3),
        )
        e = engaged[f]
        rejected = claim_submit(
            actor=system, person=e.person, kind=Claim.Kind.OCCUPATIONAL_INJURY, event_date=day, engagement=e, today=day
        )
        rejected = decide(rejected, False, "No order of yours that day in SwiftRide's data and no other evidence.")
        stories["injury_appealed"] = claim_appeal(
            actor=Actor(label=e.person.name),
            claim=rejected,
            expected_version=rejected.version,
            reason="I was on my way to the first pickup when the accident happened; the hospital note is attached.",
            today=day + dt.timedelta(days=6),
        )
    ended = first - dt.timedelta(days=1)
    employer = Organisation.objects.get(code="huaxin-mfg")
    # three employees of a Guangzhou manufacturer: a worker born 1965-02 who retired at the reformed age
    # (60 + 1 month) after 30 years, one whose job of 12 years ended at the end of the month before last (and
    # who rides for FeastGo since: ``rider.demo_rider``),
    # and one in Guangzhou (a long-term care pilot city) who can no longer care for herself
    people = {}
    for story, rid_body, name, start, end in (
        ("pension", "11010519650214001", "周建国", dt.date(1995, 3, 1), dt.date(2025, 3, 31)),
        ("unemployment", "44010619880612003", "陈海", dt.date(2014, 6, 1), ended),
        ("long_term_care", "44010019700305002", "林秀英", dt.date(2005, 9, 1), None),
    ):
        region = "110100" if rid_body.startswith("11") else "440100"
        people[story] = person = story_person(rid_body, name, region)
        if not Engagement.objects.filter(person=person, organisation=employer).exists():
            engagement_create(
                actor=system,
                person=person,
                organisation=employer,
                category=Category.LABOUR_RELATION,
                sector=Sector.MANUFACTURING,
                work_region="440100",
                start_date=start,
                end_date=end,
            )
    pension = claim_submit(
        actor=system,
        person=people["pension"],
        kind=Claim.Kind.PENSION,
        event_date=dt.date(2025, 3, 14),
        today=dt.date(2025, 3, 20),
    )
    pension = decide(pension, True, "Statutory age reached; 361 months of contributions on record.")
    stories["pension"] = approve(
        assess(pension, {"average_indexed_wage_ratio": 1.2, "account_balance_before_records_cents": 8000000})
    )
    jobless = people["unemployment"]
    lost = claim_submit(
        actor=system,
        person=jobless,
        kind=Claim.Kind.UNEMPLOYMENT,
        event_date=ended,
        engagement=Engagement.objects.get(person=jobless, organisation=employer),
        today=first,
    )
    lost = decide(lost, True, "Dismissed on restructuring (employer's notice); registered with the employment service.")
    stories["unemployment"] = approve(assess(lost, {"involuntary": True, "registered": True}))
    care = claim_submit(
        actor=system,
        person=people["long_term_care"],
        kind=Claim.Kind.LONG_TERM_CARE,
        event_date=first + dt.timedelta(days=4),
        today=first + dt.timedelta(days=5),
    )
    care = decide(care, True, "Medical report of a stroke; assessed at home.")
    stories["long_term_care"] = approve(assess(care, {"incapacity_score": 30, "setting": CareSetting.HOME}))
    run = pay_month(actor=system, month=month, today=today)
    return {
        "claims": Claim.objects.count(),
        "created": True,
        "states": sorted({c.status for c in Claim.objects.all()}),
        "paid_cents": run.run.amount_cents,
        "payments": run.run.payment_count,
        "stories": {k: v.pk for k, v in stories.items()},
    }
