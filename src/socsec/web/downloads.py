"""Tables a clerk downloads to open in a spreadsheet: CSV (UTF-8 with a byte-order mark, so that Excel on
a Chinese system reads it right; cells that look like formulas escaped) or ``.xlsx`` (openpyxl, written
as a stream)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from socsec.core.csvsafe import csv_row, csv_writer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]], filename: str, fmt: str
) -> HttpResponse:
    """The sheets (title, headers, rows) as one ``.xlsx`` workbook when ``fmt`` is "xlsx", else the first
    as CSV. ``filename`` has no extension."""
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = Workbook(write_only=True)
        for title, headers, rows in sheets:
            sheet = book.create_sheet(title=title[:31])
            sheet.append(list(headers))
            for row in rows:
                # a cell that starts like a formula is text, as in the CSV; a control character an uploaded
                # value carried (which XML cannot hold) is shown as the replacement character
                sheet.append(
                    [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in csv_row(row)]
                )
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    _title, headers, rows = sheets[0]
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def download_format(raw: str) -> str:
    return "xlsx" if raw == "xlsx" else "csv"
