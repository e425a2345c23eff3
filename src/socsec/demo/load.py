"""Loading the demo pilot (``socsec demo``): the register in one transaction, then last month's orders,
money, employers' payrolls and claims; and the summary of what the database holds."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F

from socsec.accounts.services import token_issue
from socsec.coverage.services import activation_create
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.registry.services import engagements_import, organisation_create, persons_import, region_create

from .accounts import demo_accounts
from .assistant import demo_assistant
from .campaign import demo_campaign
from .claims import load_demo_claims
from .employers import demo_employers
from .feedback import load_demo_ratings
from .late_payment import demo_late_payment
from .money import demo_money
from .notices import demo_notices
from .orders import demo_orders
from .partners import demo_partners
from .people import build_engagements, build_people, credit_code
from .pilot import ACTIVATIONS, ACTOR, ORGANISATIONS, PLATFORMS, REGIONS
from .quality import demo_quality
from .rider import demo_rider
from .risk import demo_risk
from .supervision import demo_supervision
from .transfer import demo_transfer


@dataclass(frozen=True)
class DemoSummary:
    created: bool
    regions: int
    organisations: int
    persons: int
    engagements: int
    multi_platform: int
    cross_region: int
    by_category: dict[str, int]
    token: str | None


def load_demo(*, workers: int = 2400, seed: int = 2022, progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Load the demo pilot unless it is already there: the register in one transaction, then last
    month's orders (each platform's batch is idempotent, so a re-run completes what a broken one left)."""
    if Organisation.objects.filter(code="swiftride").exists():
        demo_orders({o.code: o for o in Organisation.objects.filter(code__in=PLATFORMS)})
        demo_rider()
        demo_money()
        demo_employers()
        demo_late_payment()
        load_demo_claims()
        load_demo_ratings()
        demo_transfer()
        demo_assistant()
        demo_campaign()
        demo_notices()
        demo_supervision()
        demo_partners()
        demo_quality()
        return summarise(created=False, token=None)
    say = progress or (lambda _text: None)
    rng = random.Random(seed)
    say(f"loading the register ({workers} workers) in one transaction")
    with transaction.atomic():
        for code, name, name_zh, parent in REGIONS:
            if not Region.objects.filter(code=code).exists():
                region_create(actor=ACTOR, code=code, name=name, name_zh=name_zh, parent_code=parent)
        orgs: dict[str, Organisation] = {}
        for code, name, name_zh, kind, _sector, region in ORGANISATIONS:
            orgs[code] = organisation_create(
                actor=ACTOR,
                code=code,
                name=name,
                name_zh=name_zh,
                kind=kind,
                credit_code=credit_code(rng, region) if region else None,
                registered_region_code=region,
            )
        for province, platform, start, reference in ACTIVATIONS:
            activation_create(
                actor=ACTOR,
                scheme="OIP",
                region_code=province,
                organisation_code=platform,
                start_date=start,
                reference=reference,
            )
        people = persons_import(actor=ACTOR, rows=build_people(rng, workers))
        loaded = Person.objects.select_related("residence_region").in_bulk([p.pk for p in people])
        people = [loaded[p.pk] for p in people]  # in the order drawn: ids are random
        engagements_import(actor=ACTOR, rows=build_engagements(rng, people, orgs))
        demo_accounts(people)
        _token, key = token_issue(actor=ACTOR, organisation=orgs["swiftride"], name="demo")
    say("register loaded; reporting last month's orders of each platform")
    demo_orders(orgs)
    say("an unemployed worker rides for FeastGo: his orders of last month reported")
    demo_rider()
    say("assessing last month, invoicing it and recording payments")
    demo_money()
    say(
        "employers: a delivery station and a fleet company declare last month's payroll, assessed, handed to the"
        " stand-in tax exchange and its results fetched"
    )
    demo_employers()
    say("the fleet pays its unpaid driver's month late: the receipt is fetched and recorded")
    demo_late_payment()
    say("claims: injuries, a pension, unemployment, long-term care; paying last month")
    load_demo_claims()
    say("service ratings: claimants rate the decisions and first payments")
    load_demo_ratings()
    say("a driver moves his pension from Guangdong to Beijing: requested, checked, issued, credited, completed")
    demo_transfer()
    say("help assistant: the demo worker asks in Chinese and English; an officer answers the question it did not know")
    demo_assistant()
    say("publicity: a campaign to Guangdong's platform workers, sent 100 days ago, against its control group")
    demo_campaign()
    say("notifications: the events' messages delivered to each role's inbox (and the worker's text messages)")
    demo_notices()
    say("supervision: alert thresholds on the funds, checked against this month's figures")
    demo_supervision()
    say("partner departments: a death register from civil affairs, a partner's read, pensioners checked by data")
    demo_partners()
    say("risk control: the whole database screened; the cases the stories planted wait in the officers' queue")
    demo_risk()
    say("data quality: the register screened, a birth date corrected from the ID and confirmed by the worker")
    demo_quality()
    return summarise(created=True, token=key)


def summarise(*, created: bool, token: str | None) -> DemoSummary:
    multi = (
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM)
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=2)
        .count()
    )
    cross = Engagement.objects.exclude(work_region=F("person__residence_region")).values("person").distinct().count()
    by_category = dict(Engagement.objects.values_list("category").annotate(n=Count("id")).order_by("category"))
    return DemoSummary(
        created=created,
        regions=Region.objects.count(),
        organisations=Organisation.objects.count(),
        persons=Person.objects.count(),
        engagements=Engagement.objects.count(),
        multi_platform=multi,
        cross_region=cross,
        by_category=by_category,
        token=token,
    )
