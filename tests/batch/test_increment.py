"""A late batch as an increment on the previous run's lines: the same lines and totals as a full
assessment of all the files, with only the lines whose amount can have changed priced again."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch import increment, pricing
from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.lines import LINE_SCHEMA, LINES_FILE_OPTIONS
from socsec.batch.orders import order_files
from socsec.batch.plan import aggregate
from socsec.batch.pricing import COVERED, Assessment, price
from tests.batch.test_assess import MONTH, write_corrections, write_orders


def files(data: Path) -> tuple[list[str], list[str]]:
    return order_files(data, MONTH), order_files(data, MONTH, "corrections")


@pytest.fixture
def month(tmp_path: Path) -> tuple[Path, Path]:
    """The month's first batches under ``first/`` and the late batches under ``late/``."""
    first, late = tmp_path / "first", tmp_path / "late"
    write_orders(first, "ridego", "b001", [(f"r{i}", 1, "440300", "RIDE_HAILING") for i in range(20)])
    write_orders(first, "ridego", "b002", [(f"s{i}", 4, "440100", "RIDE_HAILING") for i in range(5)])
    write_orders(first, "ridego", "b003", [("t1", 5, "110100", "RIDE_HAILING")])
    write_orders(first, "haul", "b001", [(f"h{i}", 3, "440100", "INTRA_CITY_FREIGHT") for i in range(7)])
    # late: more orders of worker 1, a new worker, a new platform x province, and worker 5's only order voided
    write_orders(late, "ridego", "b004", [("r20", 1, "440300", "RIDE_HAILING"), ("n1", 6, "440300", "RIDE_HAILING")])
    write_orders(late, "fleet", "b001", [("f1", 7, "310100", "INTRA_CITY_FREIGHT")])
    write_corrections(
        late,
        "ridego",
        "b005",
        [
            {
                "order_id": "t1",
                "action": "VOID",
                "old_person_id": 5,
                "old_region": "110100",
                "old_sector": "RIDE_HAILING",
            },
            {
                "order_id": "s0",
                "action": "AMEND",
                "old_person_id": 4,
                "old_region": "440100",
                "old_sector": "RIDE_HAILING",
                "new_person_id": 1,
                "new_region": "440300",
                "new_sector": "RIDE_HAILING",
            },
        ],
    )
    return first, late


def full(first: Path, late: Path, adjustments=None, coverage=None) -> Assessment:
    (o1, c1), (o2, c2) = files(first), files(late)
    return assess_month(first, MONTH, adjustments, files=(o1 + o2, c1 + c2), coverage=coverage)


def rows(a: Assessment) -> list[tuple]:
    return [
        (r["platform"], r["person_id"], r["province"], r["order_count"], r["per_order_amount"], r["amount_cents"])
        for r in a.lines.to_pylist()
    ]


def test_increment_from_the_lines_file_equals_a_full_assessment(month, tmp_path):
    first, late = month
    adjustments = {("haul", "440000"): 2}
    before = assess_month(first, MONTH, adjustments)
    pq.write_table(before.lines, tmp_path / "lines.parquet")
    after = assess_increment(tmp_path / "lines.parquet", MONTH, files(late), adjustments)
    expected = full(first, late, adjustments)
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)
    assert rows(after) == [
        ("fleet", 7, "310000", 1, Decimal("18.000000"), 18),
        ("haul", 3, "440000", 7, Decimal("21.600000"), 151),
        ("ridego", 1, "440000", 22, Decimal("1.000000"), 22),  # 20 + r20 + s0
        ("ridego", 4, "440000", 4, Decimal("1.000000"), 4),  # s0 amended away
        ("ridego", 6, "440000", 1, Decimal("1.000000"), 1),
    ]  # worker 5's line (its only order voided) is gone
    assert after.totals.to_pylist() == [
        {"platform": "fleet", "province": "310000", "order_count": 1, "amount_cents": 18, "lines": 1},
        {"platform": "haul", "province": "440000", "order_count": 7, "amount_cents": 151, "lines": 1},
        {"platform": "ridego", "province": "440000", "order_count": 27, "amount_cents": 27, "lines": 3},
    ]


@pytest.mark.parametrize("options", [LINES_FILE_OPTIONS, {}], ids=["as-the-service-writes", "default"])
def test_lines_file_written_either_way_gives_the_same_increment(month, tmp_path, options):
    first, late = month
    before = assess_month(first, MONTH)
    pq.write_table(before.lines, tmp_path / "lines.parquet", **options)
    after = assess_increment(tmp_path / "lines.parquet", MONTH, files(late))
    expected = full(first, late)
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)


def test_the_lines_file_keeps_per_order_amounts_as_integers(month, tmp_path):
    first, _late = month
    pq.write_table(assess_month(first, MONTH).lines, tmp_path / "lines.parquet", **LINES_FILE_OPTIONS)
    schema = pq.ParquetFile(tmp_path / "lines.parquet").schema
    assert schema.column(schema.names.index("per_order_amount")).physical_type == "INT64"


@pytest.mark.parametrize("searched", ["as-one-number", "per-combination"])
def test_new_workers_below_between_and_above_the_previous_ones(tmp_path, monkeypatch, searched):
    if searched == "per-combination":  # workers too far apart for one number
        monkeypatch.setattr(increment, "_own_line_numbers", lambda *_: (None, 0, 0))
        monkeypatch.setattr(increment, "_line_numbers", lambda *_: None)
    first, late = tmp_path / "first", tmp_path / "late"
    write_orders(first, "ridego", "b001", [(f"r{p}", p, "440300", "RIDE_HAILING") for p in (5, 7, 9, 12)])
    write_orders(first, "haul", "b001", [("h1", 6, "440100", "INTRA_CITY_FREIGHT")])
    # late: workers below the lowest (two), between, equal and above the highest, in the same combinations
    late_workers = (3, 1, 8, 7, 30, 2, 12)
    write_orders(late, "ridego", "b002", [(f"l{p}", p, "440300", "RIDE_HAILING") for p in late_workers])
    write_orders(late, "haul", "b002", [("h2", 1, "440100", "INTRA_CITY_FREIGHT")])
    before = assess_month(first, MONTH)
    after = assess_increment(before.lines, MONTH, files(late))
    expected = full(first, late)
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)
    assert [(r["platform"], r["person_id"], r["order_count"]) for r in after.lines.to_pylist()] == [
        ("haul", 1, 1),
        ("haul", 6, 1),
        *[("ridego", p, 2 if p in (7, 12) else 1) for p in (1, 2, 3, 5, 7, 8, 9, 12, 30)],
    ]


def priced_lines(monkeypatch) -> list[int]:
    """How many lines each pricing by the ``oip_contribution`` formula prices, as the test goes on."""
    priced: list[int] = []
    real = pricing.Groups.amounts

    def counting(self, counts, wanted=None):  # type: ignore[no-untyped-def]
        priced.append(int(counts.size if wanted is None else np.count_nonzero(wanted)))
        return real(self, counts, wanted)

    monkeypatch.setattr(pricing.Groups, "amounts", counting)
    return priced


def test_only_the_touched_lines_are_priced_again(month, monkeypatch):
    first, late = month
    before = assess_month(first, MONTH)
    expected = full(first, late)
    priced = priced_lines(monkeypatch)
    after = assess_increment(before.lines, MONTH, files(late))
    assert after.lines.equals(expected.lines)
    assert priced == [4]  # fleet 7, ridego 4 and 1 touched, ridego 6 new; haul 3 keeps its amount


def test_changed_adjustment_prices_every_line_again(month, monkeypatch):
    first, late = month
    before = assess_month(first, MONTH)  # at the baseline
    expected = full(first, late, {("haul", "440000"): -5})
    priced = priced_lines(monkeypatch)
    after = assess_increment(before.lines, MONTH, files(late), {("haul", "440000"): -5})
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)
    assert priced == [5]  # every line
    assert rows(after)[1] == ("haul", 3, "440000", 7, Decimal("9.000000"), 63)  # 7 x 9 cents


def test_changed_coverage_of_an_untouched_line_is_priced_again(month):
    first, late = month
    before = assess_month(first, MONTH)

    def haul_excluded(lines: pa.Table, _month: str) -> np.ndarray:
        platforms = np.asarray(lines["platform"].to_pylist())
        return np.where(platforms == "haul", 51, COVERED)

    after = assess_increment(before.lines, MONTH, files(late), coverage=haul_excluded)
    expected = full(first, late, coverage=haul_excluded)
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)
    assert [(r["platform"], r["amount_cents"], r["coverage_reason"]) for r in after.lines.to_pylist()][1] == (
        "haul",
        0,
        51,
    )


def test_bare_previous_counts_are_priced_in_full(month):
    first, late = month
    before = assess_month(first, MONTH).lines.select(LINE_SCHEMA.names)
    assert assess_increment(before, MONTH, files(late)).lines.equals(full(first, late).lines)


def test_no_new_files_gives_the_previous_lines(month):
    first, _late = month
    before = assess_month(first, MONTH)
    again = assess_increment(before.lines, MONTH, ([], []))
    assert again.lines.equals(before.lines)
    assert again.totals.equals(before.totals)


def test_price_of_unsorted_lines_matches_sorted(month):
    first, _late = month
    lines = aggregate(*files(first), MONTH)
    adjustments = {("haul", "440000"): 3}
    shuffled = lines.take(pa.array([3, 0, 2, 1]))
    a, b = price(lines, MONTH, adjustments), price(shuffled, MONTH, adjustments)
    assert sorted(rows(a)) == sorted(rows(b))
    assert a.totals.equals(b.totals)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_late_batches_equal_a_full_assessment(tmp_path, seed):
    rng = np.random.default_rng(seed)
    regions = ["440300", "440100", "110100", "310100", "140100"]
    sectors = ["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"]
    first, late = tmp_path / "first", tmp_path / "late"
    sent: list[tuple[str, str, int, str, str]] = []
    for folder, platforms, count in ((first, ("p2", "p4"), 400), (late, ("p1", "p2", "p3", "p5"), 120)):
        for platform in platforms:
            rows = [
                (
                    f"{folder.name}-{platform}-{i}",
                    int(rng.integers(1, 60)),
                    regions[int(rng.integers(0, 5))],
                    sectors[int(rng.integers(0, 4))],
                )
                for i in range(count)
            ]
            write_orders(folder, platform, "b1", rows)
            sent += [(platform, *row) for row in rows if folder is first]
    picked = [sent[int(i)] for i in rng.choice(len(sent), 60, replace=False)]
    corrections: dict[str, list[dict]] = {}
    for k, (platform, oid, person, region, sector) in enumerate(picked):
        row = {"order_id": oid, "action": "VOID", "old_person_id": person, "old_region": region, "old_sector": sector}
        if k % 2:
            row |= {"action": "AMEND", "new_person_id": 99, "new_region": "320100", "new_sector": sector}
        corrections.setdefault(platform, []).append(row)
    for platform, rows in corrections.items():
        write_corrections(late, platform, "b2", rows)
    adjustments = {("p2", "440000"): 1, ("p4", "110000"): -2}
    before = assess_month(first, MONTH, adjustments)
    after = assess_increment(before.lines, MONTH, files(late), adjustments)
    expected = full(first, late, adjustments)
    assert after.lines.num_rows == expected.lines.num_rows > 100
    assert after.lines.equals(expected.lines)
    assert after.totals.equals(expected.totals)
    shuffled = before.lines.take(pa.array(rng.permutation(before.lines.num_rows)))
    assert assess_increment(shuffled, MONTH, files(late), adjustments).lines.equals(expected.lines)


def test_previous_lines_at_another_per_order_amount_are_priced_again(month):
    first, late = month
    before = assess_month(first, MONTH).lines
    assert before["platform"][0].as_py() == "haul"  # a line the late batches do not touch
    tampered = before
    for name, value in (("per_order_amount", Decimal("2.000000")), ("amount_cents", 14)):
        column = tampered.schema.get_field_index(name)
        values = tampered[name].to_pylist()
        values[0] = value
        kind = tampered.schema.field(column).type  # the per-order amount as a plain decimal column
        kind = kind.value_type if pa.types.is_dictionary(kind) else kind
        tampered = tampered.set_column(column, name, pa.array(values, kind))
    after = assess_increment(tampered, MONTH, files(late))
    assert after.lines.equals(full(first, late).lines)
    assert after.lines.to_pylist()[1]["amount_cents"] == 126  # 7 x 18 cents, priced again
