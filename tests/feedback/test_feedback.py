"""The services completed are read from the records; a person rates their own once, within the window;
the supervisors' figures per service and province are exact and take the same number of queries however
many services were completed."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from socsec.audit.models import AuditEntry
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.feedback.catalogue import catalogue
from socsec.feedback.models import Service, ServiceRating
from socsec.feedback.selectors import service_performance, services_to_rate
from socsec.feedback.services import service_rate
from socsec.transfers.models import OutgoingTransfer
from tests.world import SYSTEM

from .conftest import TODAY, decided_claim, transfer

pytestmark = pytest.mark.django_db

S = Service


def rate(world, service, subject, rating=5, comment="", person=None, today=TODAY):
    person = person or world.rider
    return service_rate(
        actor=SYSTEM,
        person_id=person.pk,
        service=service,
        subject_id=subject,
        rating=rating,
        comment=comment,
        today=today,
    )


def test_the_catalogue_names_each_limit_with_its_parameter(world):
    entries = {e.service: e for e in catalogue(TODAY)}
    assert [(e.service, e.limit_days) for e in catalogue(TODAY)] == [
        (S.CLAIM_DECISION, 60),
        (S.FIRST_PAYMENT, 35),
        (S.CONTRIBUTION_CREDIT, 1),
        (S.PENSION_TRANSFER, 42),
    ]
    assert entries[S.PENSION_TRANSFER].limit["reference"].startswith("Guo Ban Fa [2009] No. 66")
    assert entries[S.CLAIM_DECISION].limit["reference"] == "Regulations on Work-Related Injury Insurance Art 20(1)"
    assert entries[S.FIRST_PAYMENT].limit["reference"].startswith("DEMO DATA")


def test_a_person_sees_their_own_completed_services_newest_first(world, done):
    found = services_to_rate(person_id=world.rider.pk, today=TODAY)
    assert [(c.service, c.subject_id, c.done_on, c.days) for c in found] == [
        (S.CONTRIBUTION_CREDIT, done.contribution.pk, dt.date(2026, 5, 12), 2),
        (S.FIRST_PAYMENT, done.on_time.pk, dt.date(2026, 4, 10), 21),
        (S.CLAIM_DECISION, done.on_time.pk, dt.date(2026, 3, 20), 18),
    ]
    assert [(c.service, c.subject_id) for c in services_to_rate(person_id=world.employee.pk, today=TODAY)] == [
        (S.CLAIM_DECISION, done.late.pk)
    ]
    # out of the 90-day window
    assert services_to_rate(person_id=world.employee.pk, today=dt.date(2026, 6, 15)) == []


def test_a_rating_is_kept_once_with_the_services_province_and_day(world, done):
    given = rate(world, S.CLAIM_DECISION, done.on_time.pk, rating=4, comment="  quick, no papers asked  ")
    assert (given.rating, given.comment, given.province_code, given.completed_on) == (
        4,
        "quick, no papers asked",
        "110000",
        dt.date(2026, 3, 20),
    )
    assert AuditEntry.objects.filter(action="feedback.service.rated", object_id=str(given.pk)).count() == 1
    assert [c.service for c in services_to_rate(person_id=world.rider.pk, today=TODAY)] == [
        S.CONTRIBUTION_CREDIT,
        S.FIRST_PAYMENT,
    ]
    with pytest.raises(Conflict) as refused:
        rate(world, S.CLAIM_DECISION, done.on_time.pk, rating=1)
    assert refused.value.code == "service_already_rated"
    assert ServiceRating.objects.get().rating == 4


@pytest.mark.parametrize(
    ("case", "error", "field"),
    [
        ({"rating": 0}, ValidationFailed, "rating"),
        ({"rating": 6}, ValidationFailed, "rating"),
        ({"comment": "x" * 501}, ValidationFailed, "comment"),
        ({"service": "PENSION_PAID"}, ValidationFailed, "service"),
        ({"other_person": True}, NotFound, "subject_id"),
        ({"undecided": True}, NotFound, "subject_id"),
        ({"late": True}, ValidationFailed, "subject_id"),
    ],
)
def test_bad_ratings_are_refused_and_nothing_is_written(world, done, case, error, field):
    subject, service, person, today = done.on_time.pk, S.CLAIM_DECISION, world.rider, TODAY
    if case.get("other_person"):
        person = world.employee  # the rider's claim is not theirs: the same answer as none
    if case.get("undecided"):
        subject = decided_claim(world.rider, submitted=dt.date(2026, 5, 1), due=dt.date(2026, 6, 30), decided=None).pk
    if case.get("late"):
        today = dt.date(2026, 6, 19)  # 91 days after the decision
    audit = AuditEntry.objects.count()
    with pytest.raises(error) as refused:
        rate(
            world,
            case.get("service", service),
            subject,
            rating=case.get("rating", 3),
            comment=case.get("comment", ""),
            person=person,
            today=today,
        )
    assert refused.value.field == field
    assert ServiceRating.objects.count() == 0
    assert AuditEntry.objects.count() == audit


def test_the_figures_per_service_and_province_are_exact(world, done):
    rate(world, S.CLAIM_DECISION, done.on_time.pk, rating=4)
    rate(world, S.CLAIM_DECISION, done.late.pk, rating=1, person=world.employee)
    rate(world, S.FIRST_PAYMENT, done.on_time.pk, rating=5)
    with translation.override("en"):
        _entries, rows = service_performance(start=dt.date(2026, 1, 1), end=TODAY)
    got = [
        (
            r.service,
            r.province,
            r.completed,
            r.on_time,
            r.on_time_percent,
            r.mean_days,
            r.longest_days,
            r.rated,
            r.mean_rating,
        )
        for r in rows
    ]
    assert got == [
        (S.CLAIM_DECISION, "", 2, 1, Decimal("50.0"), Decimal("44.0"), 70, 2, Decimal("2.50")),
        (S.CLAIM_DECISION, "110000", 1, 1, Decimal("100.0"), Decimal("18.0"), 18, 1, Decimal("4.00")),
        (S.CLAIM_DECISION, "440000", 1, 0, Decimal("0.0"), Decimal("70.0"), 70, 1, Decimal("1.00")),
        (S.FIRST_PAYMENT, "", 1, 1, Decimal("100.0"), Decimal("21.0"), 21, 1, Decimal("5.00")),
        (S.FIRST_PAYMENT, "110000", 1, 1, Decimal("100.0"), Decimal("21.0"), 21, 1, Decimal("5.00")),
        (S.CONTRIBUTION_CREDIT, "", 1, 0, Decimal("0.0"), Decimal("2.0"), 2, 0, None),
        (S.CONTRIBUTION_CREDIT, "110000", 1, 0, Decimal("0.0"), Decimal("2.0"), 2, 0, None),
        (S.PENSION_TRANSFER, "", 0, 0, None, None, None, 0, None),
    ]
    assert rows[0].stars == {4: 1, 1: 1}
    assert [r.province_name for r in rows[1:3]] == ["Beijing", "Guangdong"]


def test_the_figures_take_the_same_queries_at_any_size(world, done):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            service_performance(start=dt.date(2026, 1, 1), end=TODAY)
        return len(queries)

    small = count()
    for i in range(30):
        person = world.freelancer if i % 2 else world.employee
        decided_claim(
            person,
            submitted=dt.date(2026, 2, 1) + dt.timedelta(days=i),
            due=dt.date(2026, 4, 1),
            decided=dt.date(2026, 3, 1) + dt.timedelta(days=i),
            kind=[c for c in ("OCCUPATIONAL_INJURY", "UNEMPLOYMENT", "PENSION")][i % 3],
        )
    assert count() == small
    _entries, rows = service_performance(start=dt.date(2026, 1, 1), end=TODAY)
    assert rows[0].completed == 32


def test_a_completed_transfer_is_rated_and_counted_against_its_limit(world, moved):
    assert [
        (c.service, c.subject_id, c.done_on, c.days) for c in services_to_rate(person_id=world.employee.pk, today=TODAY)
    ] == [(S.PENSION_TRANSFER, moved.on_time.pk, dt.date(2026, 4, 10), 39)]
    assert services_to_rate(person_id=world.rider.pk, today=TODAY) == []  # issued, not completed
    given = rate(world, S.PENSION_TRANSFER, moved.on_time.pk, rating=4, person=world.employee)
    assert (given.province_code, given.completed_on) == ("110000", dt.date(2026, 4, 10))  # the sending side's
    with pytest.raises(NotFound):  # not the rider's, and not completed
        rate(world, S.PENSION_TRANSFER, moved.open.pk)
    with translation.override("en"):
        _entries, rows = service_performance(start=dt.date(2026, 1, 1), end=TODAY)
    got = [
        (r.province, r.completed, r.on_time, r.on_time_percent, r.mean_days, r.longest_days, r.rated, r.mean_rating)
        for r in rows
        if r.service == S.PENSION_TRANSFER
    ]
    assert got == [
        ("", 2, 1, Decimal("50.0"), Decimal("58.0"), 77, 1, Decimal("4.00")),
        ("110000", 1, 1, Decimal("100.0"), Decimal("39.0"), 39, 1, Decimal("4.00")),
        ("440000", 1, 0, Decimal("0.0"), Decimal("77.0"), 77, 0, None),
    ]
    # completed on the 42nd day: still on time
    transfer(
        world.rider, source="440300", target="140100", requested=dt.date(2026, 1, 5), completed=dt.date(2026, 2, 16)
    )
    _entries, rows = service_performance(start=dt.date(2026, 1, 1), end=TODAY)
    assert [(r.completed, r.on_time) for r in rows if r.service == S.PENSION_TRANSFER][0] == (3, 2)


def test_a_transfer_completed_before_the_column_takes_the_time_of_its_step(world):
    migration = importlib.import_module("socsec.transfers.migrations.0003_outgoingtransfer_completed_at")
    old = transfer(world.employee, source="110100", target="440300", requested=dt.date(2026, 3, 2), completed=None)
    OutgoingTransfer.objects.filter(pk=old.pk).update(
        status="COMPLETED",
        steps=[
            {"status": "ISSUED", "at": "2026-03-03T10:00:00+08:00"},
            {"status": "COMPLETED", "at": "2026-04-10T09:30:00+08:00"},
        ],
    )
    migration.completed_from_steps(apps, connection.schema_editor())
    old.refresh_from_db()
    assert old.completed_at == dt.datetime.fromisoformat("2026-04-10T09:30:00+08:00")
