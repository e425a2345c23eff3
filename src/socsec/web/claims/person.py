"""What the person's page shows staff of their benefits: their claims (every state, newest first, each a
link), a death notice if one is recorded, the automatic stops on their awards, and whether the reader may
record a death notice."""

from __future__ import annotations

from typing import Any

from socsec.accounts.permissions import Principal, may_decide_claims
from socsec.benefits import selectors as claim_selectors
from socsec.benefits.suspensions import suspensions_of
from socsec.registry.models import Person


def person_claims_context(p: Principal, person: Person) -> dict[str, Any]:
    if not p.is_staff:
        return {}
    return {
        "person_claims": list(claim_selectors.claims_of(person_id=person.pk)),
        "death_notice": claim_selectors.death_notice_of(person_id=person.pk),
        "person_suspensions": list(suspensions_of(person_id=person.pk)),
        "may_record_death": may_decide_claims(p),
    }
