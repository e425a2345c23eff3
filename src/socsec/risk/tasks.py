"""Risk screening on the task worker (django-tasks' database backend: ``socsec manage db_worker`` or the
worker thread ``socsec serve --worker`` starts): the whole database on a schedule, and the persons an event
concerns (a claim submitted, a pay run, a death recorded) once the event's transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from socsec.audit.services import Actor
from socsec.benefits.models import BenefitPayment

from .models import ScreeningRun
from .services import risk_screen


def _run_dict(run: ScreeningRun) -> dict[str, Any]:
    return {"run": run.pk, "hits": run.hits, "cases_new": run.cases_new, "rows": run.rows}


@task()
def screen_everyone(on: str | None = None, trigger: str = ScreeningRun.Trigger.SCHEDULE) -> dict[str, Any]:
    """The whole database (the schedule: e.g. nightly, ``socsec risk screen`` from cron does the same)."""
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return _run_dict(risk_screen(actor=Actor.system("risk screening"), on=day, trigger=trigger))


@task()
def screen_persons(persons: list[int], trigger: str, on: str | None = None) -> dict[str, Any]:
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return _run_dict(risk_screen(actor=Actor.system("risk screening"), on=day, trigger=trigger, persons=persons))


@task()
def screen_pay_run(run_id: int, on: str | None = None) -> dict[str, Any]:
    """The persons a pay run paid (read set-based from its payments)."""
    persons = sorted(
        set(BenefitPayment.objects.filter(run_id=run_id).values_list("award__claim__person_id", flat=True))
    )
    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    run = risk_screen(
        actor=Actor.system("risk screening"), on=day, trigger=ScreeningRun.Trigger.PAY_RUN, persons=persons
    )
    return _run_dict(run)


def risk_screen_after(*, trigger: str, persons: Iterable[int] = (), pay_run_id: int | None = None) -> None:
    """Inside an event's transaction: screen the persons it concerns on the worker once it commits (off
    where ``SOCSEC_RISK_ON_EVENTS`` is false, e.g. in tests that do not look at screening)."""
    if not getattr(settings, "SOCSEC_RISK_ON_EVENTS", True):
        return
    if pay_run_id is not None:
        transaction.on_commit(lambda: screen_pay_run.enqueue(pay_run_id))
        return
    who = sorted({int(p) for p in persons})
    if who:
        transaction.on_commit(lambda: screen_persons.enqueue(who, trigger))
