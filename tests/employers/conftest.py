"""Fixtures of the employers' tests: the world's employer with a few more employees, and files of payroll."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from socsec.registry.services import engagement_create, person_register
from tests.world import SYSTEM, World, resident_id

MONTH = "2026-10"


def _install_stand_in_core() -> None:
    """Until the rules' employer assessment core is on this branch: a stand-in with the same signatures
    and flat rates, so that the storage around it is tested."""
    if importlib.util.find_spec("socsec.batch.employer_assessment") is not None:
        return
    module = type(sys)("socsec.batch.employer_assessment")
    rates = {"PENSION": (16, 8), "MEDICAL": (8, 2), "MATERNITY": (1, 0), "UNEMPLOYMENT": (1, 1),
             "WORK_INJURY": (1, 0), "LONG_TERM_CARE": (0, 0)}  # fmt: skip

    def resolve_employer_rates(*, month: str, region_codes: list[str]) -> pa.Table:
        return pa.table({"region_code": region_codes})

    def assess_employee_months(declared: pa.Table, rates: pa.Table) -> pa.Table:
        base = pc.coalesce(declared["base_wage_cents"], declared["wage_cents"])
        parts = []
        for scheme, (er, ee) in rates_by.items():
            n = declared.num_rows
            parts.append(
                pa.table(
                    {
                        "row": declared["row"],
                        "employer_id": declared["employer_id"],
                        "person_id": declared["person_id"],
                        "scheme": pa.array([scheme] * n, pa.string()),
                        "base_cents": base,
                        "employer_cents": pc.divide(pc.multiply(base, er), 100),
                        "employee_cents": pc.divide(pc.multiply(base, ee), 100),
                    }
                )
            )
        return pa.concat_tables(parts)

    rates_by = rates
    module.resolve_employer_rates = resolve_employer_rates  # type: ignore[attr-defined]
    module.assess_employee_months = assess_employee_months  # type: ignore[attr-defined]
    sys.modules["socsec.batch.employer_assessment"] = module


_install_stand_in_core()


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
