"""The demo accounts: an officer, a supervisor, an auditor, a worker on two platforms and a platform."""

from __future__ import annotations

from django.db.models import Count, F

from socsec.accounts.models import Role
from socsec.accounts.services import user_create
from socsec.registry.models import Engagement, Organisation, Person

from .people import in_drawn_order
from .pilot import ACTOR, DEMO_PASSWORD


def demo_accounts(people: list[Person]) -> None:
    for username, role in (
        ("officer", Role.OFFICER),
        ("supervisor", Role.SUPERVISOR),
        ("auditor", Role.AUDITOR),
    ):
        user_create(actor=ACTOR, username=username, password=DEMO_PASSWORD, role=role)
    # the demo worker: someone on two platforms, working away from home
    away_from_home = (
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM, person__in=people)
        .exclude(work_region=F("person__residence_region"))
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=1)
        .values_list("person", flat=True)
    )
    two_platforms = set(
        Engagement.objects.filter(organisation__kind=Organisation.Kind.PLATFORM)
        .values("person")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=2)
        .values_list("person", flat=True)
    )
    chosen = in_drawn_order(pk for pk in away_from_home if pk in two_platforms)
    worker = Person.objects.get(pk=chosen[0]) if chosen else people[0]
    user_create(actor=ACTOR, username="worker", password=DEMO_PASSWORD, role=Role.WORKER, person=worker)
    platform = Organisation.objects.get(code="swiftride")
    user_create(actor=ACTOR, username="swiftride", password=DEMO_PASSWORD, role=Role.PLATFORM, organisation=platform)
