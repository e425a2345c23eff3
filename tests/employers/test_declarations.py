"""Payroll declarations: rows checked with field and reason, good rows kept, a month declared once (a
correction replaces it, with the earlier one kept), idempotent by key, nothing half written."""

from __future__ import annotations

import pytest

from socsec.core.errors import Conflict, ValidationFailed
from socsec.employers.declarations import payroll_declare
from socsec.employers.models import EmployerContribution, PayrollDeclaration, PayrollLine
from socsec.employers.selectors import assessed_lines, employers_assessed
from tests.conftest import table_counts
from tests.world import SYSTEM, resident_id

from .conftest import MONTH, hire, payroll_csv

pytestmark = pytest.mark.django_db


def declare(world, content: bytes, key: str = "k1", *, correction: bool = False, month: str = MONTH):
    return payroll_declare(
        actor=SYSTEM,
        employer=world.employer,
        month=month,
        content=content,
        fmt="csv",
        idempotency_key=key,
        correction=correction,
    )


def test_a_good_declaration_is_stored_and_assessed(world, employee_id):
    declaration, replayed = declare(world, payroll_csv([(employee_id, "800000", "750000", "2")]))
    assert not replayed
    assert (declaration.status, declaration.rows_total, declaration.rows_valid, declaration.rows_invalid) == (
        "ACCEPTED", 1, 1, 0,
    )  # fmt: skip
    line = PayrollLine.objects.get(declaration=declaration)
    assert (line.person_id, line.wage_cents, line.base_wage_cents, line.industry_class, line.region_code) == (
        world.employee.pk, 800000, 750000, 2, "440100",
    )  # fmt: skip
    lines = list(assessed_lines(employer_id=world.employer.pk, month=MONTH))
    assert [r["scheme"] for r in lines] == sorted(
        ["PENSION", "MEDICAL", "MATERNITY", "UNEMPLOYMENT", "WORK_INJURY", "LONG_TERM_CARE"]
    )
    assert all(r["person_id"] == world.employee.pk and r["month"] == MONTH for r in lines)
    assert declaration.assessed_at is not None
    assert employers_assessed(month=MONTH) == [world.employer.pk] and employers_assessed(month="2026-09") == []


def test_bad_rows_are_refused_with_field_and_reason_and_good_rows_kept(world, employee_id):
    others = hire(world, 3)
    freelancer = str(world.freelancer.resident_id)
    content = payroll_csv(
        [
            (employee_id, "800000", "", "2"),  # row 2: good
            (freelancer, "800000", "", "2"),  # row 3: no labour relation with this employer
            (others[0], "150000", "", "2"),  # row 4: below Guangdong's minimum wage (DEMO DATA 2000 yuan)
            (others[1], "-5", "", "2"),  # row 5: negative
            (others[2], "800000", "", "9"),  # row 6: no such industry class
            (employee_id, "800000", "", "2"),  # row 7: the same employee again
            ("", "800000", "", "2"),  # row 8: nobody named
            (others[2], "abc", "", "2"),  # row 9: not a number
        ]
    )
    declaration, _ = declare(world, content)
    assert (declaration.status, declaration.rows_valid, declaration.rows_invalid) == ("ACCEPTED", 1, 7)
    assert [(e["row"], e["field"], e["code"]) for e in declaration.errors] == [
        (3, "resident_id", "not_employed"),
        (4, "wage_cents", "below_minimum_wage"),
        (5, "wage_cents", "negative_wage"),
        (6, "industry_class", "unknown_industry_class"),
        (7, "resident_id", "repeated_employee"),
        (8, "resident_id", "required"),
        (9, "resident_id", "repeated_employee"),  # every error of a row is listed
        (9, "wage_cents", "invalid_wage"),
    ]
    reasons = {e["row"]: e["message"] for e in declaration.errors}
    assert reasons[3] == "no labour-relation engagement of this employer for this employee in 2026-10."
    assert reasons[4] == "150000 cents is below the minimum monthly wage of region 440100 (200000 cents)."
    assert reasons[6] == "'9' is not an industry risk class (1 to 8)."
    assert reasons[7] == "the employee was declared already in row 2 of this file."
    assert freelancer not in str(declaration.errors)  # an error names the employee masked
    assert list(PayrollLine.objects.filter(declaration=declaration).values_list("person_id", flat=True)) == [
        world.employee.pk
    ]


def test_a_declaration_of_no_good_row_is_rejected_and_holds_no_month(world, employee_id):
    declaration, _ = declare(world, payroll_csv([(employee_id, "-1", "", "2")]))
    assert declaration.status == "REJECTED"
    assert not PayrollLine.objects.exists() and not EmployerContribution.objects.exists()
    again, _ = declare(world, payroll_csv([(employee_id, "800000", "", "2")]), key="k2")
    assert again.status == "ACCEPTED"


def test_a_month_already_declared_is_refused_and_writes_nothing(world, employee_id):
    declare(world, payroll_csv([(employee_id, "800000", "", "2")]))
    before = table_counts()
    with pytest.raises(Conflict) as refused:
        declare(world, payroll_csv([(employee_id, "900000", "", "2")]), key="k2")
    assert (refused.value.field, refused.value.code) == ("month", "month_already_declared")
    assert table_counts() == before


def test_a_correction_replaces_the_month_and_reassesses_it(world, employee_id):
    first, _ = declare(world, payroll_csv([(employee_id, "800000", "", "2")]))
    pension = EmployerContribution.objects.get(scheme="PENSION")
    assert pension.base_cents == 800000
    fixed, _ = declare(world, payroll_csv([(employee_id, "900000", "", "2")]), key="k2", correction=True)
    first.refresh_from_db()
    assert (first.status, fixed.status, fixed.kind, fixed.replaces_id) == (
        "REPLACED", "ACCEPTED", "CORRECTION", first.pk,
    )  # fmt: skip
    assert PayrollLine.objects.filter(declaration=first).count() == 1  # the earlier rows stay: the trail
    stored = EmployerContribution.objects.filter(month=MONTH)
    assert stored.count() == 6 and {c.declaration_id for c in stored} == {fixed.pk}
    assert stored.get(scheme="PENSION").base_cents == 900000


def test_a_correction_of_a_month_never_declared_is_refused(world, employee_id):
    with pytest.raises(Conflict) as refused:
        declare(world, payroll_csv([(employee_id, "800000", "", "2")]), correction=True)
    assert refused.value.code == "nothing_to_correct"


def test_the_same_key_and_rows_are_a_replay_and_other_rows_a_conflict(world, employee_id):
    content = payroll_csv([(employee_id, "800000", "", "2")])
    first, _ = declare(world, content)
    again, replayed = declare(world, content.replace(b"\n", b"\r\n"))
    assert replayed and again.pk == first.pk
    with pytest.raises(Conflict) as refused:
        declare(world, payroll_csv([(employee_id, "800001", "", "2")]))
    assert refused.value.code == "idempotency_key_reused"
    assert PayrollDeclaration.objects.count() == 1


def test_chinese_headers_and_a_person_id_are_read(world):
    content = f"人员编号,工资（分）,行业风险类别\n{world.employee.pk},800000,3\n".encode()
    declaration, _ = declare(world, content)
    assert (declaration.rows_valid, PayrollLine.objects.get().industry_class) == (1, 3)


def test_a_file_without_the_wage_column_is_refused_whole(world, employee_id):
    with pytest.raises(ValidationFailed) as refused:
        declare(world, f"resident_id\n{employee_id}\n".encode())
    assert refused.value.field == "file"
    assert not PayrollDeclaration.objects.exists()


def test_a_bad_month_and_a_non_employer_are_refused(world, employee_id):
    with pytest.raises(ValidationFailed):
        declare(world, payroll_csv([(employee_id, "800000", "", "2")]), month="2026-13")
    with pytest.raises(ValidationFailed) as refused:
        payroll_declare(actor=SYSTEM, employer=world.agency, month=MONTH, content=b"wage_cents\n1\n", fmt="csv",
                        idempotency_key="x")  # fmt: skip
    assert refused.value.code == "not_an_employer"


def test_an_unknown_person_id_is_not_employed(world):
    _ = resident_id
    declaration, _ = declare(world, payroll_csv([("999", "800000", "2")], header="person_id,wage_cents,industry_class"))
    assert [(e["field"], e["code"]) for e in declaration.errors] == [("person_id", "not_employed")]


def test_a_row_may_not_choose_another_region_than_the_employees_work_region(world, employee_id):
    header = "resident_id,wage_cents,base_wage_cents,industry_class,region"
    declaration, _ = declare(world, payroll_csv([(employee_id, "800000", "", "2", "110000")], header=header))
    assert [(e["row"], e["field"], e["code"], e["message"]) for e in declaration.errors] == [
        (2, "region", "region_differs", "110000 differs from the employee's work region on the engagement (440100)."),
    ]
    assert declaration.status == "REJECTED" and not EmployerContribution.objects.exists()
    again, _ = declare(world, payroll_csv([(employee_id, "800000", "", "2", "440100")], header=header), key="k2")
    assert again.status == "ACCEPTED" and PayrollLine.objects.get(declaration=again).region_code == "440100"


def test_a_month_that_has_not_begun_is_refused_and_writes_nothing(world, employee_id, unchanged):
    with pytest.raises(ValidationFailed) as refused:
        declare(world, payroll_csv([(employee_id, "800000", "", "2")]), month="2031-06")
    assert (refused.value.field, refused.value.code) == ("month", "future_month")
    assert str(refused.value) == "month: 2031-06 has not begun; a payroll is declared for a month that has begun."
