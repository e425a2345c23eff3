"""The demo's service ratings: some of the people whose claims were decided (or first paid) rate those
services, as they would on the portal, so the supervisors' page has figures and ratings to show."""

from __future__ import annotations

import datetime as dt

from socsec.audit.services import Actor

# (rating, comment) given in turn to the services completed for the demo's claimants
RATINGS = [
    (5, "没有要求我交任何材料，十天就决定了。"),
    (4, "Quick, but I had to ask twice how the amount was worked out."),
    (2, "等了很久才有结果。"),
    (5, ""),
]


def load_demo_ratings(today: dt.date | None = None) -> int:
    """Rate the services completed for the demo's claimants (once: ratings already given stay)."""
    from django.db import transaction

    from socsec.benefits.models import Claim
    from socsec.feedback.models import ServiceRating
    from socsec.feedback.selectors import services_to_rate
    from socsec.feedback.services import service_rate

    today = today or dt.date.today()
    if ServiceRating.objects.exists():
        return 0
    given = 0
    people = Claim.objects.filter(decided_on__isnull=False).order_by("id").values_list("person_id", flat=True)
    with transaction.atomic():
        for person_id in dict.fromkeys(people):
            for done in services_to_rate(person_id=person_id, today=today):
                rating, comment = RATINGS[given % len(RATINGS)]
                service_rate(
                    actor=Actor.system("demo-loader"),
                    person_id=person_id,
                    service=done.service,
                    subject_id=done.subject_id,
                    rating=rating,
                    comment=comment,
                    today=today,
                )
                given += 1
    return given
