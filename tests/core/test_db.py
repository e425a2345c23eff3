"""``reading_whole_tables``: the planner's settings for a query over everyone, on PostgreSQL, in force inside
the block only."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from socsec.core.db import reading_whole_tables

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")


def settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop'), current_setting('jit')")
        nestloop, jit = cursor.fetchone()
    return nestloop, jit


def work_mem() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem')")
        return str(cursor.fetchone()[0])


def test_inside_no_nested_loops_nor_jit_and_the_callers_settings_back_after(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
    assert settings() == ("on", "on")
    before = work_mem()
    with reading_whole_tables():
        assert settings() == ("off", "off")
        assert work_mem() == "256MB"  # settings.SOCSEC_WHOLE_TABLE_WORK_MEM
        with connection.cursor() as cursor:  # a join the planner would loop over: hashed or merged instead
            cursor.execute(
                "EXPLAIN SELECT * FROM registry_person p JOIN registry_engagement e ON e.person_id = p.id"
                " WHERE p.sex = 'F'"
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Nested Loop" not in plan, plan
    assert settings() == ("on", "on") and work_mem() == before
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
    with reading_whole_tables():
        pass
    assert settings() == ("on", "off")  # the caller's own, as it was


def test_a_failure_inside_leaves_the_settings_as_they_were(db):
    with pytest.raises(ZeroDivisionError), transaction.atomic(), reading_whole_tables():
        assert settings() == ("off", "off")
        raise ZeroDivisionError
    assert settings()[0] == "on"


def test_few_groups_are_grouped_by_hashing_not_by_sorting(db):
    query = "EXPLAIN SELECT sex, count(*) FROM registry_person GROUP BY sex"
    with reading_whole_tables(few_groups=True), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_sort')")
        assert cursor.fetchone()[0] == "off"
        cursor.execute(query)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "HashAggregate" in plan and "Sort" not in plan, plan
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_sort')")
        assert cursor.fetchone()[0] == "on"
