"""Employers that did not declare a month: listed for officers (selector, page in both languages, CLI
check), one query a page whatever their number, and gone once the month is declared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.cli import main
from socsec.employers.undeclared import (
    UndeclaredEmployer,
    employers_not_declaring_all,
    employers_not_declaring_page,
)
from socsec.registry.models import Organisation
from socsec.registry.services import engagement_create, organisation_create, person_register
from tests.world import SYSTEM, World, resident_id

from .conftest import MONTH, hire, payroll_csv
from .test_declarations import declare

pytestmark = pytest.mark.django_db


def _employers(world: World, n: int, *, at: int = 0) -> list[Organisation]:
    """``n`` more employers, each with two employees in a labour relation since 2025-01 (one of them ended
    on 2026-09-30, so it is not in force in 2026-10)."""
    made = []
    for i in range(at, at + n):
        employer = organisation_create(actor=SYSTEM, code=f"works-{i:03d}", name=f"Works {i}", name_zh=f"工厂{i}",
                                       kind="EMPLOYER", registered_region_code="440100")  # fmt: skip
        for j, end in ((0, None), (1, dt.date(2026, 9, 30))):
            rid = resident_id("440106", "19900101", 300 + 2 * (i * 2 + j))
            person = person_register(actor=SYSTEM, resident_id=rid, name=f"工人{i}-{j}", residence_region="440100")
            engagement_create(actor=SYSTEM, person=person, organisation=employer, category="LABOUR_RELATION",
                              sector="MANUFACTURING", work_region="440100", start_date=dt.date(2025, 1, 1),
                              end_date=end)  # fmt: skip
        made.append(employer)
    return made


def test_an_employer_with_labour_relations_and_no_declaration_is_listed_until_it_declares(world, employee_id):
    hire(world, 2)  # the factory: the world's employee and two more, all in force in 2026-10
    works = _employers(world, 1)[0]
    page, more = employers_not_declaring_page(month=MONTH)
    assert not more
    assert page == [
        UndeclaredEmployer(world.employer.pk, "factory", "Factory Ltd", "", MONTH, 3),
        UndeclaredEmployer(works.pk, "works-000", "Works 0", "工厂0", MONTH, 1),  # the ended one left out
    ]
    assert [e.employees for e in employers_not_declaring_page(month="2026-09")[0]] == [3, 2]
    assert [e.code for e in employers_not_declaring_page(month="2014-12")[0]] == []  # before any relation
    declare(world, payroll_csv([(employee_id, "800000", "", "2")]))  # one row declares the month
    assert [e.code for e in employers_not_declaring_all(month=MONTH)] == ["works-000"]
    assert [e.code for e in employers_not_declaring_all(month="2026-09")] == ["factory", "works-000"]


def test_one_query_a_page_whatever_the_number_of_employers(world):
    def page_queries(after: int | None) -> tuple[int, list[str], bool]:
        with CaptureQueriesContext(connection) as seen:
            rows, more = employers_not_declaring_page(month=MONTH, after=after, limit=2)
        return len(seen), [r.code for r in rows], more

    _employers(world, 1)
    assert page_queries(None) == (1, ["factory", "works-000"], False)
    _employers(world, 7, at=1)
    count, codes, more = page_queries(None)
    assert (count, codes, more) == (1, ["factory", "works-000"], True)
    last = Organisation.objects.get(code="works-000").pk
    assert page_queries(last) == (1, ["works-001", "works-002"], True)
    assert len(list(employers_not_declaring_all(month=MONTH))) == 9


def test_the_officer_sees_them_a_page_at_a_time_in_both_languages(world):
    _employers(world, 3)
    client = Client()
    client.force_login(world.users["officer"])
    en = client.get("/officer/tax-exchange/not-declared/", {"month": MONTH, "size": 2},
                    headers={"accept-language": "en"})  # fmt: skip
    html = en.content.decode()
    assert en.status_code == 200 and "Employers that did not declare" in html
    assert html.count('<tr><td><span class="name">') == 2 and "Factory Ltd" in html and 'rel="next"' in html
    zh = client.get("/officer/tax-exchange/not-declared/", {"month": MONTH, "size": 2, "page": 2},
                    headers={"accept-language": "zh-hans", "HX-Request": "true"})  # fmt: skip
    fragment = zh.content.decode()
    assert fragment.startswith('<section id="employers-not-declaring">') and "<html" not in fragment
    assert "工厂1" in fragment and "工厂2" in fragment and "劳动关系" in fragment
    early = client.get("/officer/tax-exchange/not-declared/", {"month": "2025-06"}, headers={"accept-language": "en"})
    assert "is before the tax collection's go-live (2026-01)" in early.content.decode()
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get("/officer/tax-exchange/not-declared/").status_code == 403


def test_the_command_line_check_names_them_and_fails_while_any(world, employee_id, capsys):
    assert main(["employers", "not-declared", "--month", MONTH]) == 1
    out = capsys.readouterr().out
    assert "factory\t2026-10\t1 employee(s) in a labour relation, not declared" in out
    declare(world, payroll_csv([(employee_id, "800000", "", "2")]))
    assert main(["employers", "not-declared", "--month", MONTH]) == 0
    assert "0 employer(s) did not declare 2026-10" in capsys.readouterr().out
    assert main(["employers", "not-declared", "--month", "2026-13"]) == 2
