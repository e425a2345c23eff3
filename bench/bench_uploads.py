"""Reading order uploads: a UTF-8 CSV through ``read_upload`` against the reader it replaced (the same
engine call without encodings, aliases or blank-row handling) in the same run; a GB18030 (Excel, Chinese)
CSV with Chinese headers; an .xlsx workbook read by python-calamine against openpyxl's read-only mode.
Prints JSON; the ratios compare in the same run on the same machine.

    .venv/bin/python bench/bench_uploads.py [--rows 1000000] [--xlsx-rows 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import time
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from socsec.batch.uploads import ORDER_COLUMNS, UPLOAD_COLUMNS, read_upload


def best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def before(content: bytes) -> tuple[pa.Table, np.ndarray]:
    """The reader as it was: a strict UTF-8 check, the engine, the rows' numbers, every column."""
    content.decode("utf-8")
    rejected: list[int] = []
    table = pacsv.read_csv(
        io.BytesIO(content),
        read_options=pacsv.ReadOptions(use_threads=False),
        parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: rejected.append(row.number) or "skip"),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in UPLOAD_COLUMNS}, strings_can_be_null=True
        ),
    )
    numbers = np.setdiff1d(
        np.arange(1, table.num_rows + len(rejected) + 1, dtype=np.int64),
        np.array(rejected, dtype=np.int64),
        assume_unique=True,
    )
    columns = [table.column(c) for c in UPLOAD_COLUMNS]
    return pa.table(columns, names=UPLOAD_COLUMNS), numbers


def csv_bytes(rows: int, header: list[str], encoding: str) -> bytes:
    lines = [",".join(header)]
    lines += [f"D{i:09d},NEW,11010519491231002X,440300,RIDE_HAILING,2026-11-03,{i % 5000}" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(ORDER_COLUMNS.headers("zh"))
    for i in range(rows):
        sheet.append([f"D{i:09d}", "NEW", "11010519491231002X", "440300", "RIDE_HAILING", "2026-11-03", i % 5000])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def openpyxl_rows(content: bytes) -> int:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    utf8 = csv_bytes(args.rows, UPLOAD_COLUMNS, "utf-8")
    gbk = csv_bytes(args.rows, ORDER_COLUMNS.headers("zh"), "gb18030")
    assert read_upload(utf8, "csv").table.num_rows == args.rows == read_upload(gbk, "csv").table.num_rows
    t_before, t_utf8 = float("inf"), float("inf")
    for _ in range(args.runs):  # interleaved, so that a busy moment of the machine falls on both
        t_before = min(t_before, best_of(1, lambda: before(utf8)))
        t_utf8 = min(t_utf8, best_of(1, lambda: read_upload(utf8, "csv")))
    t_gbk = best_of(args.runs, lambda: read_upload(gbk, "csv"))
    workbook = xlsx_bytes(args.xlsx_rows)
    t_calamine = best_of(args.runs, lambda: read_upload(workbook, "xlsx"))
    t_openpyxl = best_of(1, lambda: openpyxl_rows(workbook))
    print(
        json.dumps(
            {
                "csv_rows": args.rows,
                "utf8_before_s": round(t_before, 3),
                "utf8_now_s": round(t_utf8, 3),
                "utf8_now_over_before": round(t_utf8 / t_before, 3),
                "gb18030_chinese_headers_s": round(t_gbk, 3),
                "gb18030_over_utf8": round(t_gbk / t_utf8, 3),
                "xlsx_rows": args.xlsx_rows,
                "xlsx_calamine_s": round(t_calamine, 3),
                "xlsx_openpyxl_read_only_s": round(t_openpyxl, 3),
                "openpyxl_over_calamine": round(t_openpyxl / t_calamine, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
