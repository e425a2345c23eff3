"""Person search by index: an organisation finds its workers by the name it declared (its latest
declaration), or by the registered name of those it never declared, never by a registered name it did not
declare; each lookup is one query whatever the register's size, and on PostgreSQL every plan reads an
index, never a whole table."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.registry.models import Engagement, Person
from socsec.registry.selectors import person_search, persons_matching
from socsec.registry.services import engagement_create, person_register, worker_register
from tests.world import SYSTEM, resident_id


def declare(world, person: Person, name: str, start: dt.date) -> Engagement:
    _p, eng, _created = worker_register(
        actor=SYSTEM,
        organisation=world.platform,
        person={"resident_id": person.resident_id, "name": name, "residence_region": "440300"},
        engagement={
            "category": "MANAGED_NON_LABOUR",
            "sector": "RIDE_HAILING",
            "work_region": "440300",
            "start_date": start,
            "end_date": start + dt.timedelta(days=30),
        },
    )
    return eng


def ids(people: list[Person]) -> list[int]:
    return [p.pk for p in people]


def test_an_organisation_finds_by_its_latest_declared_name_and_never_by_an_undeclared_one(world):
    freelancer = world.freelancer  # registered as 王强, never engaged with the platform
    assert person_search(query="王强", organisation=world.platform) == []
    declare(world, freelancer, "Wang Q", dt.date(2025, 1, 1))
    assert ids(person_search(query="wang  q", organisation=world.platform)) == [freelancer.pk]
    assert person_search(query="王强", organisation=world.platform) == []  # the registry's name, not declared
    declare(world, freelancer, "Wang Qiang", dt.date(2025, 3, 1))  # declared again: the latest counts
    assert person_search(query="Wang Q", organisation=world.platform) == []
    found = person_search(query="WANG QIANG", organisation=world.platform)
    assert [(p.pk, p.name) for p in found] == [(freelancer.pk, "Wang Qiang")]
    # the rider was engaged by the platform without a declaration: found by the registered name
    assert ids(person_search(query="张伟", organisation=world.platform)) == [world.rider.pk]
    assert ids(person_search(query="张伟", organisation=world.courier)) == [world.rider.pk]
    assert person_search(query="李娜", organisation=world.courier) == []  # not engaged with it
    assert ids(person_search(query="王强")) == [freelancer.pk]  # staff search the registry's names


def test_an_organisation_lists_and_finds_by_resident_id_only_its_own(world):
    everyone = set(persons_matching(query="", organisation=world.platform).values_list("id", flat=True))
    assert everyone == {world.rider.pk, world.employee.pk}
    rid = world.freelancer.resident_id
    assert list(persons_matching(query=rid, organisation=world.platform)) == []
    assert ids(list(persons_matching(query=rid))) == [world.freelancer.pk]


def add_workers(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("440305", "19900101", (2 * i + 1) % 1000),
            name=f"Worker {i}",
            residence_region="440300",
        )
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=world.platform,
            category="CIVIL_LAW",
            sector="RIDE_HAILING",
            work_region="440300",
            start_date=dt.date(2025, 1, 1),
        )


QUERIES = ["", "Worker 3", "张伟", "440305199001010078"]


def test_each_search_is_one_query_whatever_the_register(world):
    def counted() -> list[int]:
        out = []
        for organisation in (None, world.platform):
            for q in QUERIES:
                with CaptureQueriesContext(connection) as seen:
                    list(persons_matching(query=q, organisation=organisation).order_by("id")[:50])
                out.append(len(seen))
        return out

    add_workers(world, 3, 0)
    small = counted()
    add_workers(world, 30, 3)
    assert counted() == small == [1] * 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL")
def test_every_lookup_reads_an_index_on_postgresql(world):
    """With sequential scans priced out, a plan still scanning a whole table would mean no index serves the
    lookup: every one of them here must be an index (or bitmap index) scan."""
    add_workers(world, 20, 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_person")
        cursor.execute("ANALYZE registry_engagement")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for organisation in (None, world.platform):
            for q in QUERIES:
                qs = persons_matching(query=q, organisation=organisation).filter(pk__gt=0).order_by("id")[:51]
                sql, params = qs.query.sql_with_params()
                cursor.execute("EXPLAIN " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                scanned = [line for line in plan.splitlines() if "Seq Scan" in line and "registry_region" not in line]
                assert scanned == [], (organisation, q, plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans of PostgreSQL")
def test_a_common_name_reads_its_first_matches_in_id_order_from_the_index(world):
    """A name shared by many (王伟: some hundred thousand namesakes in a province of 10M) is searched by
    ``person_name_id_idx`` (name index, id): the first 50 by id read in order, none sorted; an index on the
    name alone would read every namesake and sort them (106 ms at 10M persons, 19 ms with this one)."""
    namesakes = [
        person_register(
            actor=SYSTEM,
            resident_id=resident_id("440305", "19850101", 601 + 2 * i),
            name="王伟",
            residence_region="440300",
        )
        for i in range(30)
    ]
    with connection.cursor() as cursor:
        # 5,000 others of other names (a copy of one namesake's row under new indexes): among so few rows
        # as the 30 alone, reading the primary key in order and filtering by name is cheapest, and the
        # planner rightly takes it; among many it would read every row before the first namesake
        cursor.execute(
            "INSERT INTO registry_person (id, resident_id, name, birth_date, sex, created_at,"
            " residence_region_id, resident_id_index, name_index, retirement_group)"
            " SELECT p.id + 1000000 + g, resident_id, name, birth_date, sex, created_at, residence_region_id,"
            " md5('resident ' || g), md5('name ' || g), retirement_group"
            " FROM registry_person p CROSS JOIN generate_series(1, 5000) g"
            " WHERE p.id = %s",
            [namesakes[0].pk],
        )
        cursor.execute("ANALYZE registry_person")
        # what a large table makes the planner choose: no scan of the table, and a sort only where no
        # index gives the order (an index on the name alone would need one)
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        qs = persons_matching(query="王伟").order_by("id")[:50]
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_name_id_idx" in plan and "Sort" not in plan, plan
    assert len(person_search(query="王伟")) == 30
