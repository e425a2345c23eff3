"""The yearly check of pensioners by data, instead of a proof of life in person: every person paid an
old-age pension is confirmed by a sign of life in the agency's data in the last twelve months (a hospital
record from the health department, a login to the portal), or found deceased (a death notice from the
civil register or an officer: the payment run stops the pension), or listed for an officer to look at (no
sign in the data: a call, a video check or a visit).

Set-based: a constant number of statements whatever the number of pensioners (one INSERT ... SELECT, then
one UPDATE per kind of sign, each with its subquery); re-running it for a year replaces that year's
results in one transaction, with the data as they are then."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from socsec.accounts.models import LoginEvent
from socsec.audit.services import Actor, audit_record
from socsec.benefits.models import Award, Claim, DeathNotice

from .models import HospitalRecord, PensionerCheck, PensionerCheckRun

WINDOW = dt.timedelta(days=365)
OUTCOME = PensionerCheck.Outcome
SOURCE = PensionerCheck.Source


@dataclass(frozen=True)
class CheckCounts:
    confirmed: int
    deceased: int
    needs_attention: int


def _insert_pensioners(year: int) -> None:
    """One row a pensioner (a periodic old-age pension in force), to be looked at until a sign is found."""
    pensioners = (
        Award.objects.in_force()
        .filter(claim__kind=Claim.Kind.PENSION, periodic=True)
        .order_by()
        .values(pensioner=F("claim__person_id"))
        .distinct()
    )
    sql, params = pensioners.query.sql_with_params()
    table = connection.ops.quote_name(PensionerCheck._meta.db_table)
    columns = "year, person_id, outcome, source"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT %s, q.pensioner, %s, %s FROM ({sql}) q",
            [year, OUTCOME.NEEDS_ATTENTION.value, SOURCE.NONE.value, *params],
        )


def pensioners_check_year(*, actor: Actor, year: int, today: dt.date | None = None) -> PensionerCheckRun:
    today = today or timezone.localdate()
    start, end = today - WINDOW, today
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    checks = PensionerCheck.objects.filter(year=year)
    person = OuterRef("person_id")
    hospital = HospitalRecord.objects.filter(person_id=person, admitted_on__range=(start, end))
    logins = LoginEvent.objects.filter(user__person_id=person, kind=LoginEvent.Kind.LOGIN, at__gte=since, at__lt=until)
    with transaction.atomic():
        checks.delete()
        _insert_pensioners(year)
        deaths = DeathNotice.objects.filter(person_id=person)
        checks.filter(Exists(deaths)).update(
            outcome=OUTCOME.DECEASED, source=SOURCE.DEATH_NOTICE, sign_on=Subquery(deaths.values("died_on")[:1])
        )
        waiting = checks.filter(outcome=OUTCOME.NEEDS_ATTENTION)
        waiting.filter(Exists(hospital)).update(
            outcome=OUTCOME.CONFIRMED,
            source=SOURCE.HOSPITAL_RECORD,
            sign_on=Subquery(hospital.order_by("-admitted_on").values("admitted_on")[:1]),
        )
        waiting.filter(Exists(logins)).update(
            outcome=OUTCOME.CONFIRMED,
            source=SOURCE.PORTAL_LOGIN,
            sign_on=Subquery(logins.order_by("-at").annotate(day=TruncDate("at")).values("day")[:1]),
        )
        counts = _counts(year)
        run = PensionerCheckRun.objects.create(
            year=year,
            at=timezone.now(),
            actor_label=actor.label,
            window_start=start,
            window_end=end,
            confirmed=counts.confirmed,
            deceased=counts.deceased,
            needs_attention=counts.needs_attention,
        )
        audit_record(actor=actor, action="partners.pensioners_check", instance=run)
    return run


def _counts(year: int) -> CheckCounts:
    found = dict(
        PensionerCheck.objects.filter(year=year).values_list("outcome").annotate(n=Count("id")).order_by("outcome")
    )
    return CheckCounts(
        confirmed=found.get(OUTCOME.CONFIRMED, 0),
        deceased=found.get(OUTCOME.DECEASED, 0),
        needs_attention=found.get(OUTCOME.NEEDS_ATTENTION, 0),
    )
