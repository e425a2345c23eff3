"""The synthetic population: every rule finds every planted case and no near miss (recall and precision
1.0 at a small size), and the same seed gives the same rows."""

from __future__ import annotations

from socsec.risk.definitions import all_rules
from socsec.risk.engine import connect, screen
from socsec.risk.synthetic import ON, generate, measure


def test_each_rule_finds_its_planted_cases_and_no_near_miss():
    data = generate(2000, seed=17)
    result = screen(connect(data.tables), all_rules(), ON)
    hits: dict[str, set[str]] = {}
    for hit in result.hits:
        hits.setdefault(hit.rule, set()).add(hit.case_key)
    measured = measure(data.planted, hits)
    assert {rule: (m["recall"], m["precision"], m["planted"]) for rule, m in measured.items()} == {
        "claim_without_orders": (1.0, 1.0, 15),
        "engagements_silent_with_claims": (1.0, 1.0, 2),
        "injury_claimed_twice": (1.0, 1.0, 10),
        "orders_falling_claims_rising": (1.0, 1.0, 3),
        "orders_outlier": (1.0, 1.0, 4),
        "paid_after_death": (1.0, 1.0, 10),
        "two_provinces_same_day": (1.0, 1.0, 10),
        "unemployment_while_working": (1.0, 1.0, 10),
    }
    assert result.rows == data.rows == 131300


def test_the_same_seed_gives_the_same_rows():
    a, b = generate(500, seed=3), generate(500, seed=3)
    assert a.planted == b.planted
    assert all(a.tables[name].equals(b.tables[name]) for name in a.tables)
    assert not generate(500, seed=4).tables["orders"].equals(a.tables["orders"])
