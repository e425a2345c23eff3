"""The tax collection's go-live (``SOCSEC_TAX_COLLECTION_GO_LIVE``): from it on an employer's months count
only when paid through the exchange, so an employer that never hands anything over leaves its employees
without those months; before it, months count as recorded. The Python and SQL readers agree."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from socsec.benefits.selectors import pension_months_on_record
from socsec.deployment import ConfigurationError, env_month
from socsec.registry.models import Person
from socsec.taxexchange.months_sql import employer_spans_sql
from socsec.taxexchange.selectors import employer_contribution_paid, employer_months_on_record_many
from tests.world import World

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 30)


def _sql(until: dt.date) -> list[tuple[int, int, int]]:
    sql, params = employer_spans_sql(until=until, postgres=connection.vendor == "postgresql")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(tuple(r) for r in cursor.fetchall())


def test_an_employer_that_never_hands_over_has_no_month_from_the_go_live(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    # the world's employee works at the factory since 2015-03; the factory never handed anything over
    assert settings.SOCSEC_TAX_EXCHANGE["collected_from"] == "2026-01"  # the default go-live
    persons = Person.objects.filter(pk=world.employee.pk)
    assert employer_months_on_record_many(persons, until=ON) == [(world.employee.pk, 2015 * 12 + 2, 2025 * 12 + 11)]
    assert _sql(ON) == [(world.employee.pk, 2015 * 12 + 2, 2025 * 12 + 11)]  # 2015-03 .. 2025-12
    assert pension_months_on_record(world.employee, ON) == 130  # 2015-03 .. 2025-12, not the six of 2026
    paid = {"employer_id": world.employer.pk, "person_id": world.employee.pk, "scheme": "PENSION"}
    assert employer_contribution_paid(**paid, month="2025-12")
    assert not employer_contribution_paid(**paid, month="2026-01")
    settings.SOCSEC_TAX_EXCHANGE = {**settings.SOCSEC_TAX_EXCHANGE, "collected_from": "2027-01"}
    assert pension_months_on_record(world.employee, ON) == 136  # before a later go-live: as recorded
    assert _sql(ON) == [(world.employee.pk, 2015 * 12 + 2, 2026 * 12 + 5)]


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "2026-01"), ({"GO": "2019-01"}, "2019-01"), ({"GO": " 2024-12 "}, "2024-12")],
)
def test_the_go_live_setting_is_a_month(env: dict[str, str], expected: str) -> None:
    assert env_month(env, "GO", "2026-01") == expected


@pytest.mark.parametrize("raw", ["2026", "2026-13", "2026-1", "26-01", "next month"])
def test_a_go_live_that_is_not_a_month_is_refused_by_name(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="^GO: .* is not a month YYYY-MM$"):
        env_month({"GO": raw}, "GO", "2026-01")
