"""The insured records read in one query count the employers' months as ``pension_months_on_record`` does
(paid by the tax authority's results, or of a labour relation before the employer's cut-over), unioned
with the own contributions' months, each month once; persons with only employers' months are in; the
queries are the same whatever the number of persons and results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.benefits.insured_records import insured_record_slices
from socsec.contributions.own.payments import own_contribution_pay
from socsec.registry.models import Organisation, Person
from socsec.registry.services import engagement_create, organisation_create, person_register
from socsec.taxexchange.months_sql import employer_spans_sql
from socsec.taxexchange.selectors import employer_months_on_record_many
from tests.benefits.test_insured_record_slices import one_by_one
from tests.taxexchange.helpers import exchange, fetch, lines, months, send
from tests.world import SYSTEM, World, resident_id


def rows(size: int = 1000) -> list:
    return [r for s in insured_record_slices(year=2027, slice_persons=size) for r in s]


def _hire(employer: Organisation, seq: int, start: dt.date, end: dt.date | None) -> Person:
    person = person_register(
        actor=SYSTEM, resident_id=resident_id("440106", "19870301", seq), name="陈静", residence_region="440100"
    )
    engagement_create(
        actor=SYSTEM,
        person=person,
        organisation=employer,
        category="LABOUR_RELATION",
        sector="MANUFACTURING",
        work_region="440100",
        start_date=start,
        end_date=end,
    )
    return person


def _collect(employer: Organisation, folder: Path, plan: dict[str, tuple[list[Person], list[Person]]]) -> None:
    """Per month, the persons handed over together and those of them the authority collected nothing for."""
    folder.mkdir(exist_ok=True)
    for month, (persons, unpaid) in plan.items():
        ex = exchange(folder / month, unpaid_persons=frozenset(p.pk for p in unpaid))
        send(month, [line for p in persons for line in lines(employer.pk, p.pk, month)], ex)
        fetch(ex, month)


def _staff(world: World, employer: Organisation, folder: Path, first: int, count: int) -> list[Person]:
    """``count`` times three persons at ``employer``, whose first handover is 2026-01: one with own
    contributions overlapping the employer's months (before the cut-over, paid and unpaid), one with the
    employer's months only (paid and unpaid), one hired after the cut-over and never paid."""
    out: list[Person] = []
    for n in range(count):
        both = person_register(
            actor=SYSTEM,
            resident_id=resident_id("440106", "19870301", first + 3 * n),
            name="陈静",
            residence_region="440100",
        )
        engagement_create(
            actor=SYSTEM,
            person=both,
            organisation=world.platform,
            category="MANAGED_NON_LABOUR",
            sector="RIDE_HAILING",
            work_region="440300",
            start_date=dt.date(2025, 1, 1),
        )
        for start, count_months in ((dt.date(2025, 11, 1), 3), (dt.date(2026, 10, 1), 1), (dt.date(2026, 12, 1), 3)):
            own_contribution_pay(  # paid before the labour relation was recorded, overlapping it
                actor=SYSTEM,
                person=both,
                scheme="EMPLOYEE_PENSION",
                declared_base_cents=900000,
                period_start=start,
                months=count_months,
                today=start,
            )
        engagement_create(
            actor=SYSTEM,
            person=both,
            organisation=employer,
            category="LABOUR_RELATION",
            sector="MANUFACTURING",
            work_region="440100",
            start_date=dt.date(2025, 6, 1),
        )
        only = _hire(employer, first + 3 * n + 1, dt.date(2026, 1, 15), dt.date(2026, 10, 31))
        never = _hire(employer, first + 3 * n + 2, dt.date(2026, 8, 1), None)
        out += [both, only, never]
    both_ones, only_ones = out[0::3], out[1::3]
    handed = both_ones + only_ones
    plan = {"2026-01": (handed, only_ones)}
    plan |= {m: (handed, []) for m in months("2026-02", 3)}
    plan |= {m: (handed, both_ones) for m in ("2026-05", "2026-06")}
    _collect(employer, folder, plan)
    return out


def _employer(code: str) -> Organisation:
    return organisation_create(actor=SYSTEM, code=code, name=code, kind="EMPLOYER", registered_region_code="440100")


def _months_by_person(spans: list[tuple[int, int, int]]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for person, lo, hi in spans:
        out.setdefault(person, set()).update(range(lo, hi + 1))
    return out


def _sql_spans(until: dt.date) -> list[tuple[int, int, int]]:
    sql, params = employer_spans_sql(until=until, postgres=connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(r) for r in cursor.fetchall()]


def test_own_and_employers_months_are_counted_once(records, world, tmp_path, settings):
    both, only, never = _staff(world, world.employer, tmp_path, 60, 1)
    expected = one_by_one(2027)
    ids = {p for p, _ in expected}
    assert {both.pk, only.pk} <= ids and never.pk not in ids  # the employer's paid months alone are enough
    # 2025-06..2025-12 before the first handover, 2026-01..04 paid; own 2025-11..2026-01, 2026-10, 2026-12 (and on)
    assert dict(expected)[both.pk][3] == round(13 / 12, 4)
    assert dict(expected)[only.pk][3] == round(5 / 12, 4)  # 2026-02..2026-06 paid
    for size in (1, 2, 1000):
        assert rows(size) == expected
    for until in (dt.date(2026, 12, 31), dt.date(2026, 4, 15), dt.date(2025, 12, 31)):
        assert _months_by_person(_sql_spans(until)) == _months_by_person(
            employer_months_on_record_many(Person.objects.all(), until=until)
        )
    settings.SOCSEC_TAX_EXCHANGE = {**settings.SOCSEC_TAX_EXCHANGE, "collected_from": "2025-09"}
    expected = one_by_one(2027)
    assert dict(expected)[both.pk][3] == round(11 / 12, 4)  # 2025-06..08 taken over, the rest paid
    assert rows(2) == expected
    assert _months_by_person(_sql_spans(dt.date(2026, 12, 31))) == _months_by_person(
        employer_months_on_record_many(Person.objects.all(), until=dt.date(2026, 12, 31))
    )


def test_the_same_queries_whatever_the_employers_months(records, world, tmp_path):
    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            rows(2)
        return len(seen)

    _staff(world, _employer("works"), tmp_path / "few", 60, 1)
    few = queries()
    _staff(world, _employer("mill"), tmp_path / "more", 70, 3)
    assert rows(2) == one_by_one(2027)
    assert queries() == few
