"""Fixtures of the employers' tests: the world's employer with a few more employees, and files of payroll."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.registry.services import engagement_create, person_register
from tests.world import SYSTEM, World, resident_id

MONTH = "2026-10"


def hire(world: World, n: int, *, start: int = 0) -> list[str]:
    """``n`` more employees of the world's employer (labour relation in Guangzhou); their resident IDs."""
    ids = []
    for i in range(start, start + n):
        rid = resident_id("440106", "19920101", 100 + 2 * i)
        person = person_register(actor=SYSTEM, resident_id=rid, name=f"员工{i}", residence_region="440100")
        engagement_create(
            actor=SYSTEM,
            person=person,
            organisation=world.employer,
            category="LABOUR_RELATION",
            sector="MANUFACTURING",
            work_region="440100",
            start_date=dt.date(2024, 1, 1),
        )
        ids.append(rid)
    return ids


def payroll_csv(
    rows: list[tuple[str, ...]], header: str = "resident_id,wage_cents,base_wage_cents,industry_class"
) -> bytes:
    return ("\n".join([header, *(",".join(r) for r in rows)]) + "\n").encode()


@pytest.fixture
def employee_id(world: World) -> str:
    return str(world.employee.resident_id)
