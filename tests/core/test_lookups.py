"""``field__any=[...]``: the rows ``__in`` finds, on SQLite and PostgreSQL; on PostgreSQL the values travel
as one array, so the statement's text does not grow with them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.ledger.models import Account


@pytest.fixture
def accounts(db) -> list[Account]:
    return Account.objects.bulk_create(
        [Account(code=f"fund:OIP:{n:06d}", kind=Account.Kind.ASSET, name=f"fund {n}") for n in range(1, 7)]
    )


def test_the_rows_in_finds_repeats_none_and_strangers_left_out(accounts):
    codes = ["fund:OIP:000002", "fund:OIP:000005", "fund:OIP:000002", None, "fund:OIP:999999", 'it\'s "odd"']
    found = sorted(Account.objects.filter(code__any=codes).values_list("code", flat=True))
    assert found == ["fund:OIP:000002", "fund:OIP:000005"]
    assert found == sorted(Account.objects.filter(code__in=codes).values_list("code", flat=True))
    ids = [accounts[0].pk, accounts[3].pk, 2**40]
    assert sorted(Account.objects.filter(pk__any=ids).values_list("pk", flat=True)) == [accounts[0].pk, accounts[3].pk]


def test_no_values_find_nothing_and_a_subquery_is_an_in(accounts):
    assert list(Account.objects.filter(code__any=[])) == []
    assert list(Account.objects.filter(code__any=[None])) == []
    first_two = Account.objects.filter(code__lte="fund:OIP:000002").values("pk")
    assert Account.objects.filter(pk__any=first_two).count() == 2


def test_excluded_rows_are_the_rest(accounts):
    left = Account.objects.exclude(code__any=["fund:OIP:000001", "fund:OIP:000006"]).values_list("code", flat=True)
    assert sorted(left) == [f"fund:OIP:{n:06d}" for n in range(2, 6)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_on_postgresql_five_thousand_values_are_one_parameter(accounts):
    codes = [f"fund:OIP:{n:06d}" for n in range(1, 5001)]
    with CaptureQueriesContext(connection) as queries:
        assert Account.objects.filter(code__any=codes).count() == 6
    sql = queries.captured_queries[-1]["sql"]
    assert '"ledger_account"."code" = ANY(' in sql
    assert "%s" not in sql and " IN (" not in sql
