"""Tables downloaded as a workbook: uploaded values with control characters (which XML cannot hold) are
written with the replacement character instead of failing the download."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from socsec.web.downloads import table_response


def test_control_characters_in_values_do_not_break_the_workbook():
    response = table_response(
        [("Errors", ["Row", "Value"], [[2, "AB\x07"], [3, "x\x00y\x1f"], [4, "=1+1"]])], "r", "xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["Row", "Value"],
        [2, "AB\ufffd"],
        [3, "x\ufffdy\ufffd"],
        [4, "'=1+1"],
    ]
