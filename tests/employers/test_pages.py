"""The employer's pages: the payroll upload (whole page and htmx fragment, in Chinese and English), its
error report and template downloads, and the statement of a month, paged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from socsec.accounts.models import Role
from socsec.accounts.services import user_create
from socsec.employers.models import PayrollDeclaration
from tests.world import PASSWORD, SYSTEM

from .conftest import MONTH, hire, payroll_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_page(world) -> Client:
    user = user_create(actor=SYSTEM, username="factory-hr", password=PASSWORD, role=Role.PLATFORM,
                       organisation=world.employer)  # fmt: skip
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content: bytes, *, month: str = MONTH, key: str = "w1", htmx: bool = True, lang="en"):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        "/employer/payroll/",
        {"file": SimpleUploadedFile("payroll.csv", content), "month": month, "idempotency_key": key},
        headers={**headers, "Accept-Language": lang},
    )


def test_an_upload_shows_the_rows_with_errors_in_chinese(world, employer_page, employee_id):
    content = payroll_csv([(employee_id, "800000", "", "2"), (employee_id, "-1", "", "9")])
    answer = upload(employer_page, content, lang="zh-hans")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "工资（分）" in page and "行业风险类别" in page  # the columns by the Chinese template's headers
    declaration = PayrollDeclaration.objects.get()
    report = employer_page.get(
        f"/employer/payroll/{declaration.pk}/errors/?format=csv", headers={"Accept-Language": "zh-hans"}
    )
    assert report.status_code == 200 and "员工" in report.content.decode("utf-8-sig")


def test_a_month_declared_twice_is_refused_on_the_page(world, employer_page, employee_id):
    upload(employer_page, payroll_csv([(employee_id, "800000", "", "2")]))
    refused = upload(employer_page, payroll_csv([(employee_id, "900000", "", "2")]), key="w2", htmx=False)
    assert refused.status_code == 422
    assert "CORRECTION" in refused.content.decode() or "correction" in refused.content.decode()


def test_the_statement_page_shows_a_month_paged(world, employer_page, employee_id):
    others = hire(world, 3)
    upload(employer_page, payroll_csv([(r, "800000", "", "2") for r in [employee_id, *others]]))
    months = employer_page.get("/employer/statement/").content.decode()
    assert MONTH in months
    first = employer_page.get(f"/employer/statement/?month={MONTH}&size=2").content.decode()
    assert "32,000.00" in first  # the pension bases of the four employees
    assert first.count('<tr><th scope="row">') == 6 + 2  # six schemes, then two employees
    assert 'rel="next"' in first
    last = employer_page.get(f"/employer/statement/?month={MONTH}&size=2&page=2").content.decode()
    assert 'rel="next"' not in last


def test_the_template_has_the_headers_of_the_readers_language(world, employer_page):
    zh = employer_page.get("/employer/payroll/template/", headers={"Accept-Language": "zh-hans"})
    assert zh.content.decode("utf-8-sig").splitlines()[0].startswith("证件号码,人员编号,工资（分）")


def test_an_officer_sees_an_employees_amounts_and_why(world, employee_id):
    from socsec.employers.models import EmployerContribution

    from .test_declarations import declare

    declare(world, payroll_csv([(employee_id, "800000", "760000", "2")]))
    officer = Client()
    officer.force_login(world.users["officer"])
    page = officer.get(f"/officer/persons/{world.employee.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert "Contributions assessed on the payroll" in page and "1,216.00" in page  # 16% of 7,600.00
    pension = EmployerContribution.objects.get(scheme="PENSION")
    why = officer.get(f"/officer/persons/{world.employee.pk}/employer-contributions/{pension.pk}/",
                      headers={"Accept-Language": "zh-hans"})  # fmt: skip
    text = why.content.decode()
    assert why.status_code == 200
    assert "employer_pension_contribution" in text and "employee_pension_contribution" in text
    rider = Client()
    rider.force_login(world.users["platform"])  # another organisation: not its employee's amounts
    assert rider.get(f"/officer/persons/{world.employee.pk}/employer-contributions/{pension.pk}/").status_code == 404
