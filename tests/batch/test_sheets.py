"""Spreadsheet files (pure): the encodings Excel writes, headers in either language, workbook cells as
text, and the spreadsheet's row numbers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from socsec.batch.sheets import Column, Columns, UploadError, UploadTooLarge, cell_text, decode_csv, read_sheet

COLUMNS = Columns([Column("order_id", "订单号", ("订单编号",)), Column("order_date", "完成日期", ("日期",))])


def test_utf8_is_kept_as_it_is_and_a_bom_is_dropped():
    assert decode_csv("订单号\nA1\n".encode()) == ("订单号\nA1\n".encode(), "utf-8", True)
    assert decode_csv("\ufeff订单号\nA1\n".encode()) == ("订单号\nA1\n".encode(), "utf-8-sig", True)


def test_gbk_is_read_as_gb18030():
    assert decode_csv("订单号,日期\n张三,1\n".encode("gbk")) == ("订单号,日期\n张三,1\n".encode(), "gb18030", True)


def test_a_utf8_file_with_a_damaged_line_stays_utf8_for_that_line_to_be_refused():
    content = "订单号\nA1\n".encode() + b"\xff\xfe\n"
    assert decode_csv(content) == (content, "utf-8", False)


def test_bytes_neither_utf8_nor_gb18030_are_refused():
    with pytest.raises(UploadError) as caught:
        decode_csv(b"\xff\xff\n")
    assert caught.value.template == (
        "the file is neither UTF-8 nor GB18030 (GBK) text; save it from Excel as CSV or as .xlsx"
    )


def test_headers_in_either_language_and_their_aliases_name_one_column():
    assert COLUMNS.canonical(["订单编号", "日期", "备注"]) == ["order_id", "order_date", "备注"]
    assert COLUMNS.canonical(["ORDER ID", "完成日期"]) == ["order_id", "order_date"]
    assert COLUMNS.headers("zh-hans") == ["订单号", "完成日期"]
    assert COLUMNS.headers("en") == ["order_id", "order_date"]
    with pytest.raises(UploadError) as caught:
        COLUMNS.canonical(["订单号", "order_id"])
    assert str(caught.value) == "the column order_id appears twice in the header"


def test_workbook_cells_read_as_a_csv_would_hold_them():
    assert [cell_text(v) for v in (1234.0, 12.5, dt.date(2026, 11, 3), dt.datetime(2026, 11, 3), "", " a ", None)] == [
        "1234",
        "12.5",
        "2026-11-03",
        "2026-11-03",
        None,
        "a",
        None,
    ]


def test_rows_carry_the_spreadsheets_numbers_blank_rows_left_out():
    csv_sheet, how = read_sheet("订单编号,日期\r\nA1,2026-11-03\r\n\r\n,\r\nA2\r\n".encode("gbk"), "csv", COLUMNS)
    assert (how, csv_sheet.names, csv_sheet.rows, csv_sheet.numbers) == (
        "gb18030",
        ["order_id", "order_date"],
        [["A1", "2026-11-03"], ["A2", None]],
        [2, 5],
    )
    book = Workbook()
    book.active.append(["订单号", "完成日期"])
    book.active.append(["A1", dt.date(2026, 11, 3)])
    book.active.append([])
    book.active.append(["A2", None])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx_sheet, how = read_sheet(buffer.getvalue(), "xlsx", COLUMNS)
    assert (how, xlsx_sheet.rows, xlsx_sheet.numbers) == ("xlsx", [["A1", "2026-11-03"], ["A2", None]], [2, 4])


def test_a_workbooks_rows_are_counted_without_parsing_it_even_across_chunks():
    import zipfile

    from socsec.batch.sheets import xlsx_row_count

    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 40_001))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>")
        archive.writestr("xl/worksheets/sheet2.xml", '<worksheet><sheetData><row r="1"/></sheetData></worksheet>')
    assert xlsx_row_count(buffer.getvalue(), max_unpacked=10**8) == 40_000
    tail = io.BytesIO()  # a row tag at the very end of the sheet's last chunk
    with zipfile.ZipFile(tail, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", '<row r="1"><row r="2">')
    assert xlsx_row_count(tail.getvalue(), max_unpacked=10**8) == 2
    with pytest.raises(UploadError) as caught:
        xlsx_row_count(buffer.getvalue(), max_unpacked=1000)
    assert str(caught.value).startswith("the upload has ") and str(caught.value).endswith(
        " bytes; at most 1000 bytes are accepted in one batch"
    )


def test_a_utf8_file_with_english_headers_and_one_damaged_line_is_not_read_as_gbk():
    names = "".join(f"R{i},张王\n" for i in range(30))  # UTF-8 bytes that GB18030 decodes too
    content = ("resident_id,name\n" + names).encode() + "R99,啊\n".encode("gbk")
    assert decode_csv(content) == (content, "utf-8", False)
    gbk = ("resident_id,name\n" + names).encode("gbk")
    assert decode_csv(gbk)[1:] == ("gb18030", True)


def sparse_workbook() -> bytes:
    """Two cells, A1 and XFD200: a few kilobytes that a reader makes into a grid of 200 x 16,384 cells."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "resident_id"
    book.active["XFD200"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_sparse_workbook_is_refused_by_its_reach_before_it_is_read():
    from socsec.batch.sheets import XlsxExtent, check_xlsx_extent, xlsx_extent
    from socsec.batch.uploads import check_upload_limits

    content = sparse_workbook()
    assert len(content) < 10_000
    assert xlsx_extent(content, max_unpacked=10**8) == XlsxExtent(row_elements=2, last_row=200, last_column=16384)
    with pytest.raises(UploadTooLarge) as caught:
        check_upload_limits(content, "xlsx", max_bytes=10**6, max_rows=10**6, max_xlsx_rows=10**6)
    assert (caught.value.unit, caught.value.limit, caught.value.got) == ("columns", 64, 16384)
    with pytest.raises(UploadTooLarge) as caught:
        check_xlsx_extent(content, max_unpacked=10**8, max_rows=100, max_columns=20_000)
    assert (caught.value.unit, caught.value.limit, caught.value.got) == ("rows", 100, 199)
    check_xlsx_extent(content, max_unpacked=10**8, max_rows=199, max_columns=16384)


def test_the_reach_counts_cells_without_references_and_the_bytes_actually_unpacked():
    import zipfile

    from socsec.batch.sheets import XlsxExtent, xlsx_extent

    cells = "<c><v>1</v></c>" * 70
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml", f'<worksheet><dimension ref="A1:C3"/><row>{cells}</row></worksheet>'
        )
        archive.writestr("xl/sharedStrings.xml", "<sst>" + " " * 5000 + "</sst>")
    assert xlsx_extent(buffer.getvalue(), max_unpacked=10**6) == XlsxExtent(row_elements=1, last_row=3, last_column=70)
    with pytest.raises(UploadTooLarge) as caught:
        xlsx_extent(buffer.getvalue(), max_unpacked=5000)
    assert caught.value.unit == "bytes"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("證件號碼,姓名\n陳大文,1\n", "big5"),  # read as GBK: private-use characters
        ("氏名,番号\n山田太郎,1\n佐藤花子,2\n", "shift_jis"),  # read as GBK: rare characters only
    ],
)
def test_big5_and_shift_jis_are_refused_rather_than_read_as_garbled_gbk(text, encoding):
    with pytest.raises(UploadError) as caught:
        decode_csv(text.encode(encoding))
    assert str(caught.value) == (
        "the file seems to be in another encoding (such as Big5 or Shift-JIS): its text read as GBK is garbled; "
        "save the file as UTF-8 or GBK"
    )


def test_gbk_names_with_a_few_rare_characters_are_still_read():
    text = "证件号码,姓名,户籍地区代码\n1,王喆,110100\n2,李堃,110100\n3,张昇,110100\n"
    assert decode_csv(text.encode("gbk")) == (text.encode(), "gb18030", True)
