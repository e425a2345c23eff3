"""``field__any=[...]``: the rows ``__in`` finds, on SQLite and PostgreSQL, in filters, exclusions and
updates; on PostgreSQL the values are one array parameter (``= ANY``), not a placeholder each."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.ledger.models import Account, LedgerEntry
from socsec.registry.models import Organisation


@pytest.fixture
def accounts(db) -> list[Account]:
    return Account.objects.bulk_create(
        [Account(code=f"fund:OIP:{n:06d}", kind=Account.Kind.ASSET, name=f"fund {n}") for n in range(1, 7)]
    )


def test_the_rows_in_finds_repeats_none_and_strangers_left_out(accounts):
    codes = ["fund:OIP:000002", "fund:OIP:000005", "fund:OIP:000002", None, "fund:OIP:999999", 'it\'s {"odd"},\\']
    found = sorted(Account.objects.filter(code__any=codes).values_list("code", flat=True))
    assert found == ["fund:OIP:000002", "fund:OIP:000005"]
    assert found == sorted(Account.objects.filter(code__in=codes).values_list("code", flat=True))
    ids = [accounts[0].pk, accounts[3].pk, 2**40]
    assert sorted(Account.objects.filter(pk__any=ids).values_list("pk", flat=True)) == [accounts[0].pk, accounts[3].pk]


def test_no_values_find_nothing_and_a_subquery_is_an_in(accounts):
    assert list(Account.objects.filter(code__any=[])) == []
    assert list(Account.objects.filter(code__any=[None])) == []
    assert Account.objects.exclude(code__any=[]).count() == 6
    first_two = Account.objects.filter(code__lte="fund:OIP:000002").values("pk")
    assert Account.objects.filter(pk__any=first_two).count() == 2


def test_excluded_rows_are_the_rest_and_a_null_is_neither(accounts):
    left = Account.objects.exclude(code__any=["fund:OIP:000001", "fund:OIP:000006"]).values_list("code", flat=True)
    assert sorted(left) == [f"fund:OIP:{n:06d}" for n in range(2, 6)]
    Organisation.objects.bulk_create(
        [
            Organisation(code="a", name="A", kind=Organisation.Kind.EMPLOYER, credit_code="91110000000000001A"),
            Organisation(code="b", name="B", kind=Organisation.Kind.EMPLOYER, credit_code=None),
            Organisation(code="c", name="C", kind=Organisation.Kind.EMPLOYER, credit_code="91110000000000003C"),
        ]
    )
    chosen = ["91110000000000001A", None]
    assert list(Organisation.objects.filter(credit_code__any=chosen).values_list("code", flat=True)) == ["a"]
    others = Organisation.objects.filter(code__any=["a", "b", "c"]).exclude(credit_code__any=chosen)
    assert sorted(others.values_list("code", flat=True)) == sorted(
        Organisation.objects.filter(code__in=["a", "b", "c"])
        .exclude(credit_code__in=chosen)
        .values_list("code", flat=True)
    )


def test_an_update_changes_the_rows_named_only(accounts):
    changed = Account.objects.filter(pk__any=[accounts[1].pk, accounts[4].pk]).update(name="renamed")
    assert changed == 2
    assert sorted(Account.objects.filter(name="renamed").values_list("pk", flat=True)) == [
        accounts[1].pk,
        accounts[4].pk,
    ]


def test_not_on_json_nor_foreign_keys(db):
    with pytest.raises(FieldError):
        list(LedgerEntry.objects.filter(account__any=[1]))
    # a JSON field's key named "any" stays a key
    by_key = LedgerEntry.objects.filter(transaction__params__any="x")
    assert "ANY(" not in str(by_key.query) and list(by_key) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_on_postgresql_five_thousand_values_are_one_array(accounts):
    codes = [f"fund:OIP:{n:06d}" for n in range(1, 5001)]
    with CaptureQueriesContext(connection) as queries:
        assert Account.objects.filter(code__any=codes).count() == 6
    sql = queries.captured_queries[-1]["sql"]
    assert '"ledger_account"."code" = ANY(\'{fund:OIP:000001,fund:OIP:000002,' in sql
    assert " IN (" not in sql
