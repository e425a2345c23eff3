import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from socsec.core.errors import ValidationFailed
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.selectors import balance, trial_balance
from socsec.ledger.services import post
from socsec.ledger.totals import drift

ACCOUNTS = ["receivable:platform:a", "receivable:platform:b", "fund:OIP:440000", "fund:OIP:110000", "bank:collection"]


class LedgerProperties(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), st.sampled_from(ACCOUNTS), st.integers(min_value=1, max_value=10**12)),
            min_size=1,
            max_size=12,
        )
    )
    def test_every_transaction_balances_so_the_books_do(self, moves):
        for i, (debit, credit, cents) in enumerate(moves):
            if debit == credit:
                continue
            post(
                entries=[(debit, cents), (credit, -cents)],
                description="move",
                source="test",
                idempotency_key=f"{id(moves)}:{i}",
            )
        assert sum(trial_balance().values()) == 0
        for tx in LedgerTransaction.objects.all():
            assert sum(e.amount_cents for e in tx.entries.all()) == 0
        assert drift() == []  # the funds' monthly totals agree with their entries


class LedgerRefusals(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(ACCOUNTS), st.integers(min_value=-(10**9), max_value=10**9)),
            min_size=1,
            max_size=6,
        )
    )
    def test_any_entries_either_balance_and_post_or_are_refused_whole(self, entries):
        before = (LedgerTransaction.objects.count(), LedgerEntry.objects.count())
        if sum(cents for _account, cents in entries) != 0 or not any(cents for _a, cents in entries):
            with pytest.raises(ValidationFailed):
                post(entries=entries, description="x", source="t", idempotency_key=f"k{id(entries)}")
            assert (LedgerTransaction.objects.count(), LedgerEntry.objects.count()) == before
        else:
            post(entries=entries, description="x", source="t", idempotency_key=f"k{id(entries)}")
        assert sum(trial_balance().values()) == 0


@pytest.mark.django_db
def test_an_unbalanced_transaction_writes_nothing():
    with pytest.raises(ValidationFailed, match="does not balance \\(off by 1 cents\\)"):
        post(
            entries=[("bank:collection", 101), ("receivable:platform:a", -100)],
            description="x",
            source="t",
            idempotency_key="k",
        )
    assert (LedgerTransaction.objects.count(), LedgerEntry.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_posting_is_made_once_per_key():
    first = post(
        entries=[("bank:collection", 500), ("receivable:platform:a", -500)],
        description="pay",
        source="payment:1",
        idempotency_key="payment:1",
    )
    again = post(
        entries=[("bank:collection", 500), ("receivable:platform:a", -500)],
        description="pay",
        source="payment:1",
        idempotency_key="payment:1",
    )
    assert first.pk == again.pk
    assert balance("bank:collection") == 500


@pytest.mark.django_db
def test_unknown_account_kind_is_refused():
    with pytest.raises(ValueError, match="first part must be one of"):
        post(entries=[("cash:x", 5), ("bank:collection", -5)], description="x", source="t", idempotency_key="k")


def test_post_many_posts_each_key_once_and_refuses_all_if_one_does_not_balance(db):
    from socsec.ledger.services import Posting, post_many

    def move(key: str, cents: int, back: int | None = None) -> Posting:
        return Posting(
            [("fund:OIP:110000", cents), ("bank:collection", -(cents if back is None else back))], key, "t", key
        )

    first = post_many([move("a", 100), move("b", 250)])
    assert [(tx.idempotency_key, tx.description) for tx in first] == [("a", "a"), ("b", "b")]
    with pytest.raises(ValidationFailed, match=r"does not balance \(off by 1 cents\)"):
        post_many([move("c", 5), move("d", 10, back=9)])
    assert LedgerTransaction.objects.count() == 2  # c was not written either
    again = post_many([move("a", 100), move("c", 5)])  # a was posted before: left as it was
    assert [tx.idempotency_key for tx in again] == ["c"]
    assert (balance("fund:OIP:110000"), balance("bank:collection")) == (355, -355)
    assert LedgerEntry.objects.count() == 6
