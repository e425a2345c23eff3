"""A platform registers workers from a spreadsheet: each row through ``worker_register`` (the service of
``POST /api/workers``), accepted row by row; refused rows reported with the spreadsheet's row number, the
column and the reason; the fixed file uploaded again registers the rest and leaves the others unchanged."""

from __future__ import annotations

import pytest

from socsec.audit.services import Actor
from socsec.batch.sheets import UploadError, UploadTooLarge
from socsec.registry.models import Engagement
from socsec.registry.services import workers_upload
from tests.world import resident_id

HEADER = "证件号码,姓名,户籍地区代码,用工类别,行业,工作地区代码,开始日期,平台工号"
NEW_ID = resident_id("440106", "19950101", 5)
OTHER_ID = resident_id("110105", "19970202", 8)


def lines(bad_id: str, start: str) -> list[str]:
    return [
        HEADER,
        f"{NEW_ID},李四,440100,MANAGED_NON_LABOUR,RIDE_HAILING,440300,2026-11-01,R-1",  # row 2
        f"{bad_id},王五,110100,MANAGED_NON_LABOUR,RIDE_HAILING,440300,2026-11-01,R-2",  # row 3
        f"{OTHER_ID},赵六,110100,MANAGED_NON_LABOUR,RIDE_HAILING,440300,{start},R-3",  # row 4
    ]


def upload(world, content: bytes, fmt: str = "csv", **limits: int):
    return workers_upload(
        actor=Actor(label="ridego-staff", user_id=world.users["platform"].pk, organisation_id=world.platform.pk),
        organisation=world.platform,
        content=content,
        fmt=fmt,
        max_bytes=limits.get("max_bytes", 100_000),
        max_rows=limits.get("max_rows", 100),
    )


def gbk(rows: list[str]) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode("gbk")


def test_rows_are_registered_one_by_one_and_a_fixed_file_sent_again_registers_the_rest(world):
    bad_id = NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1")  # a wrong check digit
    first = upload(world, gbk(lines(bad_id, "2026/11/01")))
    assert (first.read_as, first.registered, first.unchanged, first.refused_rows) == ("gb18030", 1, 0, 2)
    assert [(e["row"], e["resident_id"], e["field"]) for e in first.errors] == [
        (3, bad_id, "resident_id"),
        (4, OTHER_ID, "start_date"),
    ]
    assert first.errors[1]["message"] == "'2026/11/01' is not a date (YYYY-MM-DD)."
    assert Engagement.objects.filter(organisation=world.platform, external_ref="R-1").count() == 1
    second = upload(world, gbk(lines(resident_id("110105", "19960303", 7), "2026-11-01")))
    assert (second.registered, second.unchanged, second.refused_rows) == (2, 1, 0)
    assert Engagement.objects.filter(organisation=world.platform, external_ref__in=["R-1", "R-2", "R-3"]).count() == 3
    third = upload(world, gbk(lines(resident_id("110105", "19960303", 7), "2026-11-01")))
    assert (third.registered, third.unchanged, third.refused_rows) == (0, 3, 0)


def test_a_file_without_the_required_columns_writes_nothing(world, unchanged):
    with pytest.raises(UploadError) as caught:
        upload(world, "证件号码,姓名,备注\n1,2,3\n".encode())
    assert str(caught.value) == (
        "missing column(s) residence_region, category, sector, work_region, start_date; unknown column(s) 备注; "
        "use the template's headers"
    )


def test_a_file_over_the_row_limit_writes_nothing(world, unchanged):
    with pytest.raises(UploadTooLarge) as caught:
        upload(world, gbk(lines(OTHER_ID, "2026-11-01")), max_rows=2)
    assert (caught.value.unit, caught.value.limit, caught.value.got) == ("rows", 2, 3)


def test_a_sparse_workbook_is_refused_before_it_is_read_and_writes_nothing(world, unchanged, monkeypatch):
    from socsec.batch import sheets
    from tests.batch.test_sheets import sparse_workbook

    def never(content: bytes) -> list[list[object]]:
        raise AssertionError("the workbook was read")

    monkeypatch.setattr(sheets, "xlsx_rows", never)
    with pytest.raises(UploadTooLarge) as caught:
        upload(world, sparse_workbook(), fmt="xlsx")
    assert (caught.value.unit, caught.value.limit, caught.value.got) == ("columns", 64, 16384)
