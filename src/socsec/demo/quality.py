"""The data-quality view of the demo: the demo worker's birth date as a legacy import left it (a day off
the resident ID's), a screening of the whole register (which also finds what the demo's own data holds:
engagements without orders for months, engagements open after a death notice, monthly benefits without a
phone), the officer's correction prefilled from the ID, the worker's confirmation, and a second screening
so the dashboard's trend has two runs. Re-running finds the correction made and does nothing."""

from __future__ import annotations

import datetime as dt

from .pilot import ACTOR


def demo_quality(today: dt.date | None = None) -> int:
    """The findings of the demo's last screening (0 when it was loaded already)."""
    from socsec.accounts.models import User
    from socsec.audit.services import Actor
    from socsec.quality.models import Correction, Finding
    from socsec.quality.services import correction_confirm, correction_prefill, correction_propose, quality_check_run
    from socsec.registry.models import Person

    if Correction.objects.exists():
        return 0
    today = today or dt.date.today()
    worker = User.objects.get(username="worker")
    officer = User.objects.get(username="officer")
    assert worker.person_id is not None
    person = Person.objects.get(pk=worker.person_id)
    Person.objects.filter(pk=person.pk).update(birth_date=person.birth_date + dt.timedelta(days=1))
    quality_check_run(actor=ACTOR, on=today)
    finding = Finding.objects.get(rule="birth_date_not_id", subject=f"person:{person.pk}")
    value, _source = correction_prefill(finding)
    correction = correction_propose(
        actor=Actor(label=f"user:{officer.username}", user_id=officer.pk),
        finding=finding,
        new_value=value,
        today=today,
    )
    correction_confirm(
        actor=Actor(label=f"user:{worker.username}", user_id=worker.pk),
        person_id=person.pk,
        correction_id=correction.pk,
    )
    return quality_check_run(actor=ACTOR, on=today).findings
