"""An employer reading its employees' contributions (the statement page, the API, one amount's page) is a
read of their personal data: logged, one row per employee shown."""

from __future__ import annotations

from django.urls import reverse

from socsec.audit.models import PersonalDataAccess
from socsec.employers.models import EmployerContribution

from .conftest import MONTH, hire, payroll_csv
from .test_api import employer_client, send  # noqa: F401  (a fixture)
from .test_pages import employer_page, upload  # noqa: F401  (a fixture)


def _reads() -> list[tuple[int, str, str]]:
    return list(PersonalDataAccess.objects.order_by("id").values_list("person_id", "actor_role", "what"))


def test_the_statement_over_the_api_logs_the_employees_read(world, employer_client, employee_id):  # noqa: F811
    others = hire(world, 2)
    send(employer_client, payroll_csv([(r, "800000", "", "2") for r in [employee_id, *others]]), "s1")
    before = len(_reads())
    page = employer_client.get(f"/api/employers/statements/{MONTH}?limit=2").json()
    shown = [item["person_id"] for item in page["items"]]
    assert _reads()[before:] == [(pid, "PLATFORM", "employer contributions") for pid in shown]


def test_the_statement_page_and_an_amounts_page_log_the_employees_read(world, employer_page, employee_id):  # noqa: F811
    upload(employer_page, payroll_csv([(employee_id, "800000", "", "2")]))
    before = len(_reads())
    assert employer_page.get(f"/employer/statement/?month={MONTH}").status_code == 200
    contribution = EmployerContribution.objects.first()
    assert contribution is not None
    person = contribution.person_id
    assert _reads()[before:] == [(person, "PLATFORM", "employer contributions")]
    url = reverse("web:employer_contribution", kwargs={"person_id": person, "contribution_id": contribution.pk})
    assert employer_page.get(url).status_code == 200
    assert _reads()[before + 1 :] == [(person, "PLATFORM", "employer contributions")]
