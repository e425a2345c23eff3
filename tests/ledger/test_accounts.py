"""The ledger's vocabulary: account codes, source keys, and the individual-account selectors."""

import datetime as dt

import pytest

from socsec.ledger import accounts
from socsec.ledger.keys import SourceKind, source_key, source_keys, source_prefix
from socsec.ledger.models import Account, LedgerTransaction
from socsec.ledger.selectors import (
    individual_account_balance,
    individual_account_movements,
    individual_account_statement,
)
from socsec.ledger.services import post


def test_each_builder_makes_its_account_code():
    assert accounts.platform_receivable("ridego") == "receivable:platform:ridego"
    assert accounts.government_receivable("440000") == "receivable:government:440000"
    assert accounts.fund("OIP", "440000") == "fund:OIP:440000"
    assert accounts.fund_interest("EMPLOYEE_PENSION", "110000") == "fund:EMPLOYEE_PENSION:110000:interest"
    assert accounts.individual_account(42) == "fund:individual-account:42"
    assert accounts.benefits_payable(42) == "payable:benefits:42"
    assert accounts.organisation_payable("acme") == "payable:organisation:acme"
    assert accounts.BANK_COLLECTION == "bank:collection"


def test_every_account_kind_is_one_the_ledger_opens():
    codes = [
        accounts.platform_receivable("p"),
        accounts.government_receivable("440000"),
        accounts.fund("OIP", "440000"),
        accounts.fund_interest("EMPLOYEE_PENSION", "440000"),
        accounts.individual_account(1),
        accounts.benefits_payable(1),
        accounts.organisation_payable("o"),
        accounts.BANK_COLLECTION,
    ]
    assert {code.split(":", 1)[0] for code in codes} == {"receivable", "fund", "payable", "bank"}
    assert set(accounts.ACCOUNT_KINDS) == {"receivable", "bank", "fund", "income", "payable"}


def test_an_individual_account_names_its_person():
    assert accounts.individual_account_person("fund:individual-account:42") == 42
    with pytest.raises(ValueError, match="'fund:OIP:440000' is not an individual account"):
        accounts.individual_account_person("fund:OIP:440000")


def test_source_keys_have_one_format():
    assert source_key(SourceKind.INVOICE, 7) == "invoice:7"
    assert source_key(SourceKind.PAYMENT, 7) == "payment:7"
    assert source_key(SourceKind.OWN_CONTRIBUTION, 7) == "own-contribution:7"
    assert source_key(SourceKind.BENEFIT_PAYMENT, 7) == "benefit-payment:7"
    assert source_key(SourceKind.RETENTION_REBATE, 7) == "retention-rebate:7"
    assert source_key(SourceKind.INTEREST, 2024, 7) == "interest:2024:7"
    assert source_prefix(SourceKind.INTEREST) == "interest:"
    assert source_prefix(SourceKind.INTEREST, 2024) == "interest:2024:"


@pytest.mark.django_db
def test_source_keys_of_a_query_are_built_by_the_database():
    post(entries=[("bank:collection", 5), ("fund:OIP:440000", -5)], description="x", source="s", idempotency_key="k")
    rows = Account.objects.order_by("pk")
    pks = list(rows.values_list("pk", flat=True))
    assert [r["ledger_source"] for r in source_keys(SourceKind.INVOICE, rows)] == [f"invoice:{pk}" for pk in pks]


def _credit(person: int, cents: int, key: str, on: dt.date) -> None:
    post(
        entries=[("fund:EMPLOYEE_PENSION:440000", cents), (accounts.individual_account(person), -cents)],
        description=key,
        source=key,
        idempotency_key=key,
        booked_on=on,
    )


@pytest.mark.django_db
def test_the_individual_account_balance_is_what_the_person_holds():
    _credit(7, 12_345, "own-contribution:1", dt.date(2024, 3, 1))
    _credit(7, -345, "own-contribution:2", dt.date(2024, 4, 1))
    assert individual_account_balance(7) == 12_000
    assert individual_account_balance(8) == 0


@pytest.mark.django_db
def test_the_individual_account_statement_shows_credits_as_positive():
    _credit(7, 1_000, "own-contribution:1", dt.date(2023, 5, 10))
    _credit(7, 500, "own-contribution:2", dt.date(2024, 3, 1))
    _credit(7, 30, "interest:2024:7", dt.date(2024, 12, 31))
    st = individual_account_statement(7, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    assert st.code == "fund:individual-account:7"
    assert (st.opening_cents, st.credits_cents, st.debits_cents, st.closing_cents) == (1_000, 530, 0, 1_530)
    assert [(line.source, line.balance_cents) for line in st.lines] == [
        ("own-contribution:2", 1_500),
        ("interest:2024:7", 1_530),
    ]


@pytest.mark.django_db
def test_individual_account_movements_count_the_sources_given_and_earlier_interest():
    _credit(7, 1_000, "own-contribution:1", dt.date(2023, 5, 10))
    _credit(7, 30, "interest:2023:7", dt.date(2023, 12, 31))
    _credit(7, 500, "own-contribution:2", dt.date(2024, 3, 1))
    _credit(7, 999, "own-contribution:3", dt.date(2024, 4, 1))  # not among the sources
    _credit(7, 45, "interest:2024:7", dt.date(2024, 12, 31))  # the year's own interest
    _credit(7, 77, "own-contribution:5", dt.date(2025, 1, 2))  # after the year
    _credit(9, 200, "own-contribution:4", dt.date(2024, 6, 30))
    post(entries=[("bank:collection", 9), ("fund:OIP:440000", -9)], description="x", source="o", idempotency_key="o")
    sources = LedgerTransaction.objects.filter(
        source__in=["own-contribution:1", "own-contribution:2", "own-contribution:4", "own-contribution:5"]
    ).values("source")
    assert individual_account_movements(2024, sources=sources) == {
        7: (1_030, [(dt.date(2024, 3, 1), 500)]),
        9: (0, [(dt.date(2024, 6, 30), 200)]),
    }
    assert individual_account_movements(2022, sources=sources) == {}
