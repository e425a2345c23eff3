"""Loading risk rules: a rule with a parameter it does not declare, a parameter without a value, or a
malformed YAML case is refused with its file and line; the shipped rules' cases pass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from socsec.risk.definitions import RuleFileError, all_rules, rule_load
from socsec.risk.engine import case_run, cases_run

GOOD = """\
name: sample_rule
label: A sample
label_zh: 样例
reference: agency practice
reference_zh: 经办实践
valid_from: 2024-01-01
valid_until: null
score: 50
scope: person
parameters:
  min_orders:
    description: orders
    reference: agency practice
    values: {2024-01-01: 2, 2026-01-01: 3}
sql: |
  SELECT 'p:' || person_id AS case_key, person_id, CAST(NULL AS BIGINT) AS organisation_id, count(*) AS orders
  FROM orders GROUP BY person_id HAVING count(*) >= $min_orders
cases:
  - name: three orders
    period: 2026-02-01
    input:
      orders:
        - {order_id: a, person_id: 7, order_date: 2026-01-05, repeat: 3}
        - {order_id: b, person_id: 8, order_date: 2026-01-05, repeat: 2}
    output:
      hits: ["p:7"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sample_rule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_rule_loads_with_its_dated_parameters(tmp_path):
    rule = rule_load(_write(tmp_path, GOOD))
    assert (rule.name, rule.score, rule.scope, rule.valid_until) == ("sample_rule", 50, "person", None)
    assert rule.parameters["min_orders"].on(dt.date(2025, 6, 1)) == 2
    assert rule.values_on(dt.date(2026, 2, 1)) == {"min_orders": 3}
    assert [o.failures for o in cases_run([rule])] == [[]]
    assert (rule.cases[0].line, rule.cases[0].hits) == (19, ("p:7",))


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (
            ("HAVING count(*) >= $min_orders", "HAVING count(*) >= $max_orders"),
            15,
            "the query names $max_orders, which is not among the parameters",
        ),
        (("    values: {2024-01-01: 2, 2026-01-01: 3}\n", ""), 12, "parameter min_orders: missing values"),
        (
            ("    values: {2024-01-01: 2, 2026-01-01: 3}", "    values: {2024-01-01: two}"),
            14,
            "parameter min_orders: the value on 2024-01-01 is not a number",
        ),
        (("    period: 2026-02-01\n", ""), 19, "case 1: missing period"),
        (
            ('    output:\n      hits: ["p:7"]', "    output:\n      hit: p:7"),
            26,
            "case 1: output must give hits: [case keys]",
        ),
        (
            ("    input:\n      orders:", "    input:\n      orders: 3\n      x:"),
            22,
            "case 1: input must map table names to lists of rows",
        ),
        (("score: 50", "score: 500"), 8, "score 500: expected a whole number from 1 to 100"),
        (("scope: person", "scope: everyone"), 9, "scope 'everyone': expected one of person, population"),
        (("reference_zh: 经办实践\n", ""), 1, "missing reference_zh"),
        (
            ("valid_from: 2024-01-01", "valid_from: 2024-13-01"),
            6,
            "'2024-13-01' is not a date (YYYY-MM-DD): month must be in 1..12",
        ),
        (("label: A sample", "label: [A sample"), 3, None),
    ],
)
def test_a_bad_rule_is_refused_with_its_file_and_line(tmp_path, change, line, reason):
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleFileError) as refused:
        rule_load(_write(tmp_path, GOOD.replace(old, new)))
    assert (refused.value.file, refused.value.line) == ("sample_rule.yaml", line)
    if reason is not None:
        assert refused.value.reason == reason
    else:
        assert refused.value.reason.startswith("not YAML")


def test_a_case_expecting_the_wrong_hits_fails_with_both_lists(tmp_path):
    rule = rule_load(_write(tmp_path, GOOD.replace('hits: ["p:7"]', 'hits: ["p:8"]')))
    assert case_run(rule, rule.cases[0]).failures == ["expected hits ['p:8'], got ['p:7']"]


def test_a_case_naming_an_unknown_column_fails_with_it(tmp_path):
    rule = rule_load(_write(tmp_path, GOOD.replace("order_id: b, person_id: 8", "order_id: b, worker: 8")))
    assert case_run(rule, rule.cases[0]).failures == [
        "ValueError: orders row 4: no column worker "
        "(columns: order_id, person_id, organisation_id, region, sector, order_date)"
    ]


def test_every_shipped_rule_passes_its_cases():
    rules = all_rules()
    assert [r.name for r in rules] == [
        "claim_without_orders",
        "engagements_silent_with_claims",
        "injury_claimed_twice",
        "orders_falling_claims_rising",
        "orders_outlier",
        "paid_after_death",
        "two_provinces_same_day",
        "unemployment_while_working",
    ]
    outcomes = cases_run(rules)
    assert len(outcomes) == 17
    assert [o.failures for o in outcomes if o.failures] == []
