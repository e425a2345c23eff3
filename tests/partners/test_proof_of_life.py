"""The yearly check of pensioners by data: confirmed by a hospital record or a portal login in the last
twelve months, deceased by a death notice, the rest listed; in a constant number of queries; a re-run
replaces the year's results."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socsec.accounts.models import LoginEvent, Role
from socsec.accounts.services import user_create
from socsec.benefits.models import DeathNotice
from socsec.partners.models import Feed, HospitalRecord, PensionerCheck
from socsec.partners.proof_of_life import pensioners_check_year
from socsec.registry.services import person_register
from tests.benefits.pensions import pension_in_payment
from tests.world import SYSTEM, resident_id

TODAY = dt.date(2026, 11, 30)


def pensioner(n: int, *, award_status: str = "ACTIVE"):
    person = person_register(
        actor=SYSTEM,
        resident_id=resident_id("110105", "19500101", 100 + 2 * n + 1),
        name=f"P{n}",
        residence_region="110100",
    )
    pension_in_payment(person, status=award_status)
    return person


def test_each_pensioner_is_confirmed_found_deceased_or_listed(world, civil):
    confirmed_by_hospital, confirmed_by_login, deceased, silent = (pensioner(n) for n in range(4))
    pensioner(4, award_status="SUPERSEDED")  # no pension in force: not checked
    feed = Feed.objects.create(
        agreement=civil.agreement,
        kind="injuries",
        idempotency_key="k",
        content_sha256="x",
        received_at=timezone.now(),
        rows_total=1,
        rows_applied=1,
        rows_unchanged=0,
        rows_refused=0,
    )
    HospitalRecord.objects.create(
        feed=feed,
        person=confirmed_by_hospital,
        injured_on=dt.date(2026, 5, 1),
        admitted_on=dt.date(2026, 5, 2),
        hospital="H",
    )
    HospitalRecord.objects.create(  # too long ago: no sign this year
        feed=feed, person=silent, injured_on=dt.date(2025, 5, 1), admitted_on=dt.date(2025, 5, 2), hospital="H"
    )
    user = user_create(
        actor=SYSTEM, username="p1", password="correct horse battery", role=Role.WORKER, person=confirmed_by_login
    )
    LoginEvent.objects.create(
        at=timezone.make_aware(dt.datetime(2026, 8, 9, 10, 0)), kind="LOGIN", username="p1", user=user
    )
    DeathNotice.objects.create(
        person=deceased, died_on=dt.date(2026, 10, 3), source="register", received_on=dt.date(2026, 10, 5)
    )
    run = pensioners_check_year(actor=SYSTEM, year=2026, today=TODAY)
    assert (run.confirmed, run.deceased, run.needs_attention) == (2, 1, 1)
    assert (run.window_start, run.window_end) == (dt.date(2025, 11, 30), TODAY)
    found = {c.person_id: (c.outcome, c.source, c.sign_on) for c in PensionerCheck.objects.filter(year=2026)}
    assert found == {
        confirmed_by_hospital.pk: ("CONFIRMED", "hospital_record", dt.date(2026, 5, 2)),
        confirmed_by_login.pk: ("CONFIRMED", "portal_login", dt.date(2026, 8, 9)),
        deceased.pk: ("DECEASED", "death_notice", dt.date(2026, 10, 3)),
        silent.pk: ("NEEDS_ATTENTION", "", None),
    }
    # a sign found later: the re-run replaces the year's results
    DeathNotice.objects.create(person=silent, died_on=dt.date(2026, 11, 1), source="register", received_on=TODAY)
    again = pensioners_check_year(actor=SYSTEM, year=2026, today=TODAY)
    assert (again.confirmed, again.deceased, again.needs_attention) == (2, 2, 0)
    assert PensionerCheck.objects.filter(year=2026).count() == 4


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        pensioners_check_year(actor=SYSTEM, year=year, today=TODAY)
    return len(queries)


def test_the_check_takes_the_same_queries_for_few_and_many_pensioners(world):
    pensioner(0)
    few = _queries(2025)
    for n in range(1, 30):
        pensioner(n)
    many = _queries(2026)
    assert PensionerCheck.objects.filter(year=2026).count() == 30
    assert few == many
