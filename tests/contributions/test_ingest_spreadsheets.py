"""Order files as a clerk saves them from Excel: a Chinese "CSV" (GB18030/GBK) with Chinese headers, UTF-8
with a byte-order mark, an .xlsx workbook; the rows numbered as the spreadsheet numbers them, each error
with its order id; a sector the platform is not registered for refused; files over a limit refused with
nothing written."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from socsec.contributions.models import OrderBatch
from socsec.core.errors import DomainError

from .test_ingest import DAY
from .test_ingest_limits import ingest

ZH_HEADER = "订单号,操作,身份证号,省份,行业,完成日期,金额（分）"


def zh_rows(world) -> list[str]:
    rid = world.rider.resident_id
    return [
        f"G1,NEW,{rid},440300,RIDE_HAILING,{DAY},2350",  # row 2
        f"G2,NEW,{rid},999999,RIDE_HAILING,{DAY},",  # row 3: unknown region
        f"G3,NEW,{rid},440300,FOOD_DELIVERY,{DAY},",  # row 4: the rider rides for RideGo; no food delivery
    ]


def excel_csv(world, encoding: str) -> bytes:
    return ("\r\n".join([ZH_HEADER, *zh_rows(world)]) + "\r\n").encode(encoding)


def stored_errors(batch: OrderBatch) -> list[tuple]:
    return [(e["row"], e["order_id"], e["field"], e["code"]) for e in batch.errors]


EXPECTED_ERRORS = [(3, "G2", "region", "unknown_region"), (4, "G3", "sector", "not_platform_sector")]


def test_a_gbk_csv_from_excel_with_chinese_headers_is_read(world, data_dir):
    content = excel_csv(world, "gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # what was refused before: "byte 0 cannot be decoded"
    batch, _ = ingest(world, content, "csv")
    assert (batch.status, batch.read_as, batch.rows_total, batch.rows_valid, batch.orders_new) == (
        "ACCEPTED",
        "gb18030",
        3,
        1,
        1,
    )
    assert stored_errors(batch) == EXPECTED_ERRORS


def test_a_utf8_csv_with_a_byte_order_mark_is_read(world, data_dir):
    batch, _ = ingest(world, excel_csv(world, "utf-8-sig"), "csv")
    assert (batch.status, batch.read_as, batch.rows_valid) == ("ACCEPTED", "utf-8-sig", 1)
    assert stored_errors(batch) == EXPECTED_ERRORS


def test_the_same_rows_in_other_encodings_are_the_same_batch(world, data_dir):
    first, replayed_first = ingest(world, excel_csv(world, "gbk"), "csv", key="same")
    again, replayed = ingest(world, excel_csv(world, "utf-8-sig"), "csv", key="same")
    assert (again.pk, replayed_first, replayed) == (first.pk, False, True)


def test_an_xlsx_workbook_is_read_with_the_sheets_row_numbers(world, data_dir):
    book = Workbook()
    sheet = book.active
    sheet.append([h for h in ZH_HEADER.split(",")])
    for line in zh_rows(world):
        values: list[object] = line.split(",")
        values[5] = DAY  # a date cell, as Excel keeps it
        values[6] = int(values[6]) if values[6] else None  # a number cell
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    batch, _ = ingest(world, buffer.getvalue(), "xlsx")
    assert (batch.status, batch.read_as, batch.rows_total, batch.rows_valid) == ("ACCEPTED", "xlsx", 3, 1)
    assert stored_errors(batch) == EXPECTED_ERRORS


def test_a_sector_the_platform_is_not_registered_for_is_refused(world, data_dir):
    rid = world.rider.resident_id
    content = f"order_id,resident_id,region,sector,order_date\nF1,{rid},440300,FOOD_DELIVERY,{DAY}\n".encode()
    batch, _ = ingest(world, content, "csv")
    assert (batch.status, batch.rows_valid, batch.orders_new) == ("REJECTED", 0, 0)
    assert batch.errors == [
        {
            "row": 2,
            "order_id": "F1",
            "field": "sector",
            "code": "not_platform_sector",
            "message": "the platform is not registered for the sector 'FOOD_DELIVERY': its engagement of this "
            f"worker on {DAY.isoformat()} is in RIDE_HAILING.",
            "template": "the platform is not registered for the sector '%(sector)s': its engagement of this "
            "worker on %(day)s is in %(sectors)s.",
            "params": {"sector": "FOOD_DELIVERY", "day": DAY.isoformat(), "sectors": "RIDE_HAILING"},
        }
    ]


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        (
            "ORDERS_MAX_ROWS",
            2,
            "file: the batch has 3 rows; at most 2 rows are accepted in one batch (send the orders in several batches)",
        ),
        (
            "ORDERS_MAX_BYTES",
            100,
            "file: the batch has 240 bytes; at most 100 bytes are accepted in one batch "
            "(send the orders in several batches)",
        ),
    ],
)
def test_a_csv_over_a_limit_is_refused_with_nothing_written(
    world, data_dir, settings, unchanged, limit, value, message
):
    setattr(settings, limit, value)
    content = excel_csv(world, "gbk")
    with pytest.raises(DomainError) as caught:
        ingest(world, content, "csv")
    assert (caught.value.status, caught.value.message) == (413, message.replace("240", str(len(content))))
    assert list(data_dir.iterdir()) == []


def test_a_workbook_over_the_workbook_row_limit_is_refused_with_nothing_written(world, data_dir, settings, unchanged):
    settings.ORDERS_MAX_XLSX_ROWS = 2
    book = Workbook()
    book.active.append(["订单号", "完成日期"])
    for i in range(3):
        book.active.append([f"X{i}", DAY.isoformat()])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(DomainError) as caught:
        ingest(world, buffer.getvalue(), "xlsx")
    assert (caught.value.status, caught.value.message) == (
        413,
        "file: the workbook has 3 rows; at most 2 rows are accepted in one .xlsx file "
        "(send more orders as CSV, or in several files)",
    )
    assert list(data_dir.iterdir()) == []


def test_the_api_takes_a_workbook_and_a_gbk_csv(world, data_dir, platform):
    book = Workbook()
    book.active.append(["订单号", "身份证号", "省份", "行业", "完成日期"])
    book.active.append(["W1", world.rider.resident_id, "440300", "RIDE_HAILING", DAY.isoformat()])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = platform.post(
        "/api/orders/batches", data=buffer.getvalue(), content_type=xlsx_type, headers={"Idempotency-Key": "x1"}
    )
    assert (response.status_code, response.json()["orders_new"]) == (201, 1)
    response = platform.post(
        "/api/orders/batches", data=excel_csv(world, "gbk"), content_type="text/csv", headers={"Idempotency-Key": "c1"}
    )
    assert (response.status_code, response.json()["orders_new"], response.json()["rows_invalid"]) == (201, 1, 2)
    assert OrderBatch.objects.get(idempotency_key="c1").read_as == "gb18030"
