"""The employers' assessed payroll declarations are what goes to the tax authority by default: declared,
assessed, handed over through the stand-in, the results fetched; a correction re-assessed is handed over
as a replacement; the months on record follow what was paid; the employer sees it on its page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from socsec.accounts.models import Role
from socsec.accounts.services import user_create
from socsec.employers.declarations import payroll_declare
from socsec.registry.models import Organisation, Person
from socsec.registry.services import organisation_create
from socsec.taxexchange.models import CollectionResult, Handover
from socsec.taxexchange.runs import tax_exchange_run, tax_send
from socsec.taxexchange.selectors import employer_months_on_record
from socsec.taxexchange.sources import due_lines_assessed, due_lines_configured
from tests.employers.conftest import hire, payroll_csv
from tests.world import SYSTEM, World

from .helpers import exchange

pytestmark = pytest.mark.django_db
MONTH = "2026-10"


def declare(world: World, rows: list[tuple[str, ...]], key: str = "k1", *, correction: bool = False) -> None:
    payroll_declare(
        actor=SYSTEM,
        employer=world.employer,
        month=MONTH,
        content=payroll_csv(rows),
        fmt="csv",
        idempotency_key=key,
        correction=correction,
    )


@pytest.fixture
def two_employees(world: World) -> tuple[Person, Person]:
    """The factory's employee and one more, their October payroll declared (and so assessed)."""
    hired = Person.objects.with_resident_id(hire(world, 1)[0]).get()
    declare(world, [(world.employee.resident_id, "800000", "", "2"), (hired.resident_id, "700000", "", "2")])
    return world.employee, hired


def test_the_assessed_declarations_are_collected_and_only_the_paid_month_counts(
    world: World, two_employees: tuple[Person, Person], tmp_path: Path
) -> None:
    paid, unpaid = two_employees
    ex = exchange(tmp_path / "exchange", unpaid_persons=frozenset({unpaid.pk}))
    run = tax_exchange_run(actor=SYSTEM, month=MONTH, exchange=ex)
    handover = Handover.objects.get()
    assert (run.sent.created, run.fetched.results_in) == ([handover.document_id], [handover.document_id])
    assert (handover.employer_id, handover.state, handover.line_count) == (world.employer.pk, "RESULTS_IN", 12)
    statuses = dict(CollectionResult.objects.filter(month=MONTH, scheme="PENSION").values_list("person_id", "status"))
    assert statuses == {paid.pk: "PAID", unpaid.pk: "UNPAID"}
    by_person = {
        p: set(CollectionResult.objects.filter(person_id=p).values_list("status", flat=True)) for p in statuses
    }
    assert by_person == {paid.pk: {"PAID"}, unpaid.pk: {"UNPAID"}}
    pension = CollectionResult.objects.get(person_id=paid.pk, scheme="PENSION")
    assert (pension.employer_cents, pension.employee_cents, pension.paid_cents) == (128000, 64000, 192000)
    until = dt.date(2026, 10, 31)
    assert MONTH in employer_months_on_record(paid, until=until)
    assert MONTH not in employer_months_on_record(unpaid, until=until)

    hr = user_create(actor=SYSTEM, username="factory-hr", password="factory-hr-Passw0rd!", role=Role.PLATFORM,
                     organisation=world.employer)  # fmt: skip
    client = Client()
    client.force_login(hr)
    html = client.get("/platform/contributions-collected/", headers={"accept-language": "en"}).content.decode()
    assert html.count("<td>Unpaid</td>") == 6 and html.count("<td>Paid</td>") == 6


def test_a_correction_reassessed_is_handed_over_as_a_replacement(
    world: World, two_employees: tuple[Person, Person], tmp_path: Path
) -> None:
    employee, hired = two_employees
    ex = exchange(tmp_path / "exchange")
    first = tax_send(actor=SYSTEM, month=MONTH, exchange=ex)
    again = tax_send(actor=SYSTEM, month=MONTH, exchange=ex)
    assert again.unchanged == first.created and again.created == []
    declare(world, [(employee.resident_id, "900000", "", "2"), (hired.resident_id, "700000", "", "2")], "k2",
            correction=True)  # fmt: skip
    fixed = tax_send(actor=SYSTEM, month=MONTH, exchange=ex)
    assert fixed.replaced == first.created and len(fixed.created) == 1
    current = Handover.objects.get(document_id=fixed.created[0])
    assert (current.replaces.document_id if current.replaces else None) == first.created[0]
    pension = current.lines.get(person_id=employee.pk, scheme="PENSION")
    assert (pension.base_cents, pension.employer_cents) == (900000, 144000)


def test_every_employer_of_the_month_is_read_in_one_query(
    world: World, two_employees: tuple[Person, Person], django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        one = list(due_lines_assessed(MONTH))
    assert {d.employer_id for d in one} == {world.employer.pk} and len(one) == 12
    station = organisation_create(
        actor=SYSTEM, code="station", name="Station", name_zh="站", kind=Organisation.Kind.EMPLOYER,
        registered_region_code="440100",
    )  # fmt: skip
    from socsec.registry.services import engagement_create

    for person in two_employees:
        engagement_create(actor=SYSTEM, person=person, organisation=station, category="LABOUR_RELATION",
                          sector="MANUFACTURING", work_region="440100", start_date=dt.date(2024, 1, 1))  # fmt: skip
    payroll_declare(actor=SYSTEM, employer=station, month=MONTH, fmt="csv", idempotency_key="s1",
                    content=payroll_csv([(p.resident_id, "600000", "", "1") for p in two_employees]))  # fmt: skip
    with django_assert_num_queries(1):
        two = list(due_lines_configured(MONTH))
    assert sorted({d.employer_id for d in two}) == sorted([world.employer.pk, station.pk]) and len(two) == 24
    assert two == sorted(two)  # by employer, employee and scheme
