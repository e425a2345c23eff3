"""The monthly assessment over real Parquet files on DuckDB (no Django, no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch.assess import assess_month
from socsec.batch.errors import AssessmentError
from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA
from socsec.rules.engine import RuleViolation, calc

MONTH = "2026-04"
DAY = dt.date(2026, 4, 12)


def write_orders(data: Path, platform: str, batch: str, rows: list[tuple[str, int, str, str]]) -> None:
    folder = data / "orders" / f"month={MONTH}" / f"platform={platform}"
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(
        [{"order_id": o, "person_id": p, "region": r, "sector": s, "order_date": DAY} for o, p, r, s in rows],
        schema=ORDER_SCHEMA,
    )
    pq.write_table(table, folder / f"{batch}.parquet")


def write_corrections(data: Path, platform: str, batch: str, rows: list[dict]) -> None:
    folder = data / "corrections" / f"month={MONTH}" / f"platform={platform}"
    folder.mkdir(parents=True, exist_ok=True)
    full = [{"new_person_id": None, "new_region": None, "new_sector": None, "order_date": DAY, **r} for r in rows]
    pq.write_table(pa.Table.from_pylist(full, schema=CORRECTION_SCHEMA), folder / f"{batch}.parquet")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_orders(tmp_path, "ridego", "b001", [(f"r{i}", 1, "440300", "RIDE_HAILING") for i in range(1001)])
    write_orders(tmp_path, "ridego", "b002", [("x1", 2, "110100", "RIDE_HAILING"), ("x2", 2, "110105", "RIDE_HAILING")])
    write_orders(tmp_path, "haul", "b001", [(f"h{i}", 3, "440100", "INTRA_CITY_FREIGHT") for i in range(7)])
    write_corrections(
        tmp_path,
        "ridego",
        "b003",
        [
            {
                "order_id": "r0",
                "action": "VOID",
                "old_person_id": 1,
                "old_region": "440300",
                "old_sector": "RIDE_HAILING",
            },
            {
                "order_id": "r1",
                "action": "AMEND",
                "old_person_id": 1,
                "old_region": "440300",
                "old_sector": "RIDE_HAILING",
                "new_person_id": 2,
                "new_region": "110100",
                "new_sector": "RIDE_HAILING",
            },
        ],
    )
    return tmp_path


def test_lines_and_totals_per_platform_worker_province_sector(data):
    a = assess_month(data, MONTH, {("haul", "440000"): 2})
    rows = [
        (
            r["platform"],
            r["person_id"],
            r["province"],
            r["sector"],
            r["order_count"],
            r["per_order_amount"],
            r["amount_cents"],
        )
        for r in a.lines.to_pylist()
    ]
    assert rows == [
        ("haul", 3, "440000", "INTRA_CITY_FREIGHT", 7, Decimal("21.600000"), 151),  # 7 x 21.6 = 151.2
        ("ridego", 2, "110000", "RIDE_HAILING", 3, Decimal("1.000000"), 3),  # x1, x2 and the amended r1
        ("ridego", 1, "440000", "RIDE_HAILING", 999, Decimal("1.000000"), 999),  # 1001 less void, less amend
    ]
    assert a.totals.to_pylist() == [
        {"platform": "haul", "province": "440000", "order_count": 7, "amount_cents": 151, "lines": 1},
        {"platform": "ridego", "province": "110000", "order_count": 3, "amount_cents": 3, "lines": 1},
        {"platform": "ridego", "province": "440000", "order_count": 999, "amount_cents": 999, "lines": 1},
    ]
    assert a.amount_cents == 1153
    assert a.lines["rule"][0].as_py().startswith("Ren She Bu Fa [2021] No. 110")


def test_every_line_equals_the_rule_for_one_case(data):
    a = assess_month(data, MONTH, {("ridego", "440000"): -3, ("haul", "440000"): 5})
    for line, steps in zip(a.lines.to_pylist(), [5, 0, -3], strict=True):
        one = calc(
            "oip_contribution",
            on=dt.date(2026, 4, 1),
            order_count=line["order_count"],
            sector=line["sector"],
            adjustment_steps=steps,
        )
        assert line["amount_cents"] == one.value


def test_rerun_and_file_layout_give_identical_output(data, tmp_path_factory):
    first = assess_month(data, MONTH)
    assert assess_month(data, MONTH).lines.equals(first.lines)
    other = tmp_path_factory.mktemp("split")
    rows = [(f"r{i}", 1, "440300", "RIDE_HAILING") for i in range(1001)]
    for k in range(0, 1001, 250):  # the same orders in five batches, written in another order
        write_orders(other, "ridego", f"z{1000 - k}", rows[k : k + 250])
    write_orders(other, "ridego", "a", [("x1", 2, "110100", "RIDE_HAILING"), ("x2", 2, "110105", "RIDE_HAILING")])
    write_orders(other, "haul", "b001", [(f"h{i}", 3, "440100", "INTRA_CITY_FREIGHT") for i in range(7)])
    for path in (data / "corrections").rglob("*.parquet"):
        target = other / path.relative_to(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    assert assess_month(other, MONTH).lines.equals(first.lines)


def test_an_empty_month_has_no_lines(data):
    a = assess_month(data, "2026-05")
    assert (a.lines.num_rows, a.amount_cents) == (0, 0)


@pytest.mark.parametrize("month", ["2026-4", "2026-13", "April"])
def test_a_bad_month_is_refused(data, month):
    with pytest.raises(AssessmentError, match="expected YYYY-MM"):
        assess_month(data, month)


def test_a_truncated_file_is_named(data):
    path = data / "orders" / f"month={MONTH}" / "platform=haul" / "b001.parquet"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(AssessmentError, match="cannot read the orders of 2026-04"):
        assess_month(data, MONTH)


def test_a_sector_without_a_per_order_amount_is_refused(data):
    write_orders(data, "shop", "b001", [("s1", 9, "440300", "RETAIL")])
    with pytest.raises(RuleViolation, match="sector 'RETAIL' has no OIP per-order amount"):
        assess_month(data, MONTH)
