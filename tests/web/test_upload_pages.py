"""The order upload page in both languages: a Chinese Excel CSV taken, the first errors shown with the
spreadsheet's row number and the order id, the error report downloaded in the reader's language, the
templates and code lists; over-limit files refused in words with nothing written."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from socsec.contributions.models import OrderBatch
from tests.contributions.test_ingest import DAY

ZH_HEADER = "订单号,操作,身份证号,省份,行业,完成日期,金额（分）"


def clerk(world, language: str) -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users["platform"])
    return client


def gbk_file(world) -> SimpleUploadedFile:
    rid = world.rider.resident_id
    lines = [
        ZH_HEADER,
        f"G1,NEW,{rid},440300,RIDE_HAILING,{DAY},2350",
        f"G2,NEW,{rid},999999,RIDE_HAILING,{DAY},",
        f"G3,NEW,{rid},440300,FOOD_DELIVERY,{DAY},",
    ]
    return SimpleUploadedFile("订单.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"), content_type="text/csv")


def cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body is not None
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def report_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads a UTF-8 CSV right only with the mark
    return list(csv.reader(io.StringIO(text[1:])))


def test_a_gbk_csv_is_taken_and_its_errors_shown_and_reported_in_chinese(world, data_dir):
    client = clerk(world, "zh-hans")
    response = client.post("/platform/orders/", {"file": gbk_file(world), "idempotency_key": "k1"})
    html = response.content.decode()
    assert response.status_code == 200
    batch = OrderBatch.objects.get()
    assert f"批次 {batch.pk}：保留有效行 1 行，错误行 2 行。" in html
    assert "读取方式：CSV，中文 GB18030/GBK 编码（Excel）" in html
    day = DAY.isoformat()
    assert cells(html, "row-errors") == [
        ["3", "G2", "地区代码", "未知的地区代码 &#x27;999999&#x27;。"],
        ["4", "G3", "行业", f"该平台未登记「外卖配送」行业：它在 {day} 与该劳动者的用工关系属于网约车。"],
    ]
    report = report_csv(client.get(f"/platform/orders/{batch.pk}/errors/"))
    assert report == [
        ["行号", "订单号", "列", "理由", "代码"],
        ["3", "G2", "地区代码", "未知的地区代码 '999999'。", "unknown_region"],
        [
            "4",
            "G3",
            "行业",
            f"该平台未登记「外卖配送」行业：它在 {day} 与该劳动者的用工关系属于网约车。",
            "not_platform_sector",
        ],
    ]


def test_the_error_report_in_english_and_as_a_workbook(world, data_dir):
    client = clerk(world, "en")
    client.post("/platform/orders/", {"file": gbk_file(world), "idempotency_key": "k1"})
    batch = OrderBatch.objects.get()
    day = DAY.isoformat()
    expected = [
        ["Row number", "Order id", "Column", "Reason", "Code"],
        ["3", "G2", "region", "unknown region code '999999'.", "unknown_region"],
        [
            "4",
            "G3",
            "sector",
            f"the platform is not registered for the sector 'Food delivery': its engagement of this worker on {day} "
            "is in Ride-hailing.",
            "not_platform_sector",
        ],
    ]
    assert report_csv(client.get(f"/platform/orders/{batch.pk}/errors/")) == expected
    response = client.get(f"/platform/orders/{batch.pk}/errors/?format=xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="batch-{batch.pk}-errors.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == expected


def test_templates_in_the_readers_language_and_the_code_lists(world):
    zh, en = clerk(world, "zh-hans"), clerk(world, "en")
    assert report_csv(zh.get("/platform/orders/template/")) == [
        ["订单号", "操作", "证件号码", "地区代码", "行业", "完成日期", "金额（分）"],
        ["D202611030001", "NEW", "11010519491231002X", "440300", "RIDE_HAILING", "2026-11-03", "2350"],
    ]
    assert report_csv(en.get("/platform/orders/template/"))[0] == [
        "order_id",
        "action",
        "resident_id",
        "region",
        "sector",
        "order_date",
        "fare_cents",
    ]
    book = load_workbook(io.BytesIO(zh.get("/platform/orders/template/?format=xlsx").content), read_only=True)
    assert [list(r) for r in book.worksheets[0].iter_rows(values_only=True)][0][:3] == ["订单号", "操作", "证件号码"]
    sectors = report_csv(zh.get("/platform/codes/sectors/"))
    assert sectors[:3] == [
        ["行业代码", "中文名称", "英文名称"],
        ["RIDE_HAILING", "网约车", "Ride-hailing"],
        ["FOOD_DELIVERY", "外卖配送", "Food delivery"],
    ]
    regions = report_csv(en.get("/platform/codes/regions/"))
    assert regions[0] == ["Region code", "Name (Chinese)", "Name (English)", "Level", "Province code"]
    assert ["440300", "深圳市", "Shenzhen", "City", "440000"] in regions
    assert report_csv(zh.get("/platform/codes/categories/"))[:2] == [
        ["用工类别代码", "中文名称", "英文名称"],
        ["LABOUR_RELATION", "劳动关系", "Labour relation"],
    ]
    assert zh.get("/platform/codes/people/").status_code == 404


def test_a_file_over_the_row_limit_is_refused_in_words_with_nothing_written(world, data_dir, settings, unchanged):
    settings.ORDERS_MAX_ROWS = 2
    response = clerk(world, "zh-hans").post("/platform/orders/", {"file": gbk_file(world), "idempotency_key": "k1"})
    assert response.status_code == 422
    assert "文件：该批次有 3 行；每批次最多接受 2 行（请分多个批次报送订单）" in response.content.decode()
    assert list(data_dir.iterdir()) == []


def test_the_upload_box_has_a_label_and_the_downloads(world):
    html = clerk(world, "zh-hans").get("/platform/orders/").content.decode()
    assert '<label for="file">订单文件（.csv、.xlsx、.parquet 或 .jsonl）</label>' in html
    for link in ("/platform/orders/template/", "/platform/codes/regions/", "/platform/codes/sectors/"):
        assert f'href="{link}"' in html


def test_a_platform_registers_workers_from_a_file_and_downloads_the_refused_rows(world):
    from tests.registry.test_worker_uploads import HEADER, NEW_ID

    client = clerk(world, "zh-hans")
    rows = [HEADER, f"{NEW_ID},李四,440100,MANAGED_NON_LABOUR,RIDE_HAILING,440300,2026/11/01,R-1"]
    content = ("\r\n".join(rows) + "\r\n").encode("gbk")
    html = client.post("/platform/workers/upload/", {"file": SimpleUploadedFile("w.csv", content)}).content.decode()
    assert "已登记 0 名劳动者，0 名此前已登记、未作变动，1 行被拒绝。" in html
    expected = [
        ["行号", "证件号码", "列", "理由"],
        ["2", NEW_ID, "开始日期", "&#x27;2026/11/01&#x27; 不是日期（格式：YYYY-MM-DD）。"],
    ]
    assert [expected[0], *cells(html, "row-errors")] == expected
    assert report_csv(client.get("/platform/workers/upload/errors/"))[1] == [
        "2",
        NEW_ID,
        "开始日期",
        "'2026/11/01' 不是日期（格式：YYYY-MM-DD）。",
    ]
    assert report_csv(client.get("/platform/workers/upload/template/"))[0][:3] == ["证件号码", "姓名", "户籍地区代码"]


def test_a_sparse_workbook_of_workers_is_refused_in_words(world):
    from tests.batch.test_sheets import sparse_workbook

    client = clerk(world, "zh-hans")
    upload = SimpleUploadedFile("w.xlsx", sparse_workbook())
    html = client.post("/platform/workers/upload/", {"file": upload}).content.decode()
    assert "文件有 16384 列；每次上传最多接受 64 列。" in html


def test_a_big5_file_of_workers_is_refused_in_words(world):
    client = clerk(world, "zh-hans")
    content = "證件號碼,姓名\n110105199001011234,陳大文\n".encode("big5")
    html = client.post("/platform/workers/upload/", {"file": SimpleUploadedFile("w.csv", content)}).content.decode()
    assert "文件似乎使用了其他编码（如 Big5 或 Shift-JIS）：按 GBK 读取为乱码；请将文件另存为 UTF-8 或 GBK 编码" in html
