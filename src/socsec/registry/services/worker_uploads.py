"""A platform registers many workers from a spreadsheet (CSV in UTF-8 or GB18030/GBK, or .xlsx): each row
is one person and their engagement, registered by ``worker_register``, the service ``POST /api/workers``
calls, so a row is checked and written exactly as one worker sent through the API.

Rows are accepted one by one, each in its own transaction: a clerk fixes the refused rows (each reported
with the spreadsheet's row number, the column and the reason) and uploads the same file again. A row
already registered the same way (same worker, start date, category, sector and work region) is counted as
unchanged, not registered twice nor refused, so that re-uploading a file is safe. Only the organisation's
own engagements are looked at for that, so the answer says nothing of persons registered elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop as noop

from socsec.audit.services import Actor
from socsec.batch.sheets import Column, Columns, UploadError, UploadTooLarge, check_xlsx_extent, read_sheet
from socsec.core.errors import DomainError

from ..models import Engagement, Organisation, Person
from .organisations import check_actor_may_use
from .workers import worker_register

WORKER_COLUMNS = Columns(
    [
        Column("resident_id", "证件号码", ("身份证号", "身份证号码", "公民身份号码"), "11010519491231002X"),
        Column("name", "姓名", ("名字",), "张三"),
        Column("residence_region", "户籍地区代码", ("户籍地", "居住地区代码", "常住地区代码"), "110100"),
        Column("category", "用工类别", ("类别", "用工形式"), "MANAGED_NON_LABOUR"),
        Column("sector", "行业", ("行业代码",), "RIDE_HAILING"),
        Column("work_region", "工作地区代码", ("工作地", "工作城市代码", "地区代码"), "440300"),
        Column("start_date", "开始日期", ("入职日期", "起始日期"), "2026-11-01"),
        Column("end_date", "结束日期", ("离职日期", "终止日期"), ""),
        Column("external_ref", "平台工号", ("工号", "骑手编号", "司机编号"), "R-0001"),
        Column("birth_date", "出生日期", (), ""),
        Column("sex", "性别", (), ""),
    ]
)
REQUIRED = ("resident_id", "name", "residence_region", "category", "sector", "work_region", "start_date")
NOT_A_DATE = noop("%(value)s is not a date (YYYY-MM-DD).")
IS_REQUIRED = noop("is required.")


@dataclass
class WorkersUpload:
    """What an upload did: how the file was read, the rows registered, those already registered the
    same way, and the refused rows as ``{"row", "resident_id", "field", "message", "template", "params"}``."""

    read_as: str
    registered: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({e["row"] for e in self.errors})


def workers_upload(
    *, actor: Actor, organisation: Organisation, content: bytes, fmt: str, max_bytes: int, max_rows: int
) -> WorkersUpload:
    """Register the workers of a spreadsheet, row by row (see the module). A file over ``max_bytes`` or
    ``max_rows`` rows, or whose header lacks a required column or names an unknown one, is an
    ``UploadError`` and nothing is written."""
    check_actor_may_use(actor, organisation)
    if len(content) > max_bytes:
        raise UploadTooLarge("bytes", max_bytes, len(content))
    if fmt == "xlsx":  # refused before it is read: a reader builds the whole grid from A1
        check_xlsx_extent(content, max_unpacked=20 * max_bytes, max_rows=max_rows)
    sheet, read_as = read_sheet(content, fmt, WORKER_COLUMNS)
    missing = [c for c in REQUIRED if c not in sheet.names]
    unknown = [n for n in sheet.names if n and n not in WORKER_COLUMNS.names]
    if missing or unknown:
        raise UploadError(
            "missing column(s) %(missing)s; unknown column(s) %(unknown)s; use the template's headers",
            missing=", ".join(missing) or "-",
            unknown=", ".join(unknown) or "-",
        )
    if len(sheet.rows) > max_rows:
        raise UploadTooLarge("rows", max_rows, len(sheet.rows))
    out = WorkersUpload(read_as)
    for number, values in zip(sheet.numbers, sheet.rows, strict=True):
        row = {n: v for n, v in zip(sheet.names, values, strict=True) if n in WORKER_COLUMNS.names}
        _upload_row(actor, organisation, number, row, out)
    return out


def _upload_row(actor: Actor, organisation: Organisation, number: int, row: dict[str, Any], out: WorkersUpload) -> None:
    resident_id = (row.get("resident_id") or "").strip().upper()
    errors_before = len(out.errors)

    def refuse(column: str, template: str, params: dict[str, Any] | None = None) -> None:
        message = template % params if params else template
        out.errors.append(
            {
                "row": number,
                "resident_id": resident_id,
                "field": column,
                "message": message,
                "template": template,
                "params": params or {},
            }
        )

    for name in REQUIRED:
        if not row.get(name):
            refuse(name, IS_REQUIRED)
    dates: dict[str, dt.date | None] = {}
    for name in ("start_date", "end_date", "birth_date"):
        raw = row.get(name)
        try:
            dates[name] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            refuse(name, NOT_A_DATE, {"value": repr(raw)})
    if len(out.errors) > errors_before:
        return
    engagement = {
        "category": (row.get("category") or "").strip().upper(),
        "sector": (row.get("sector") or "").strip().upper(),
        "work_region": row.get("work_region"),
        "start_date": dates["start_date"],
        "end_date": dates["end_date"],
        "external_ref": row.get("external_ref") or "",
    }
    if _registered_already(organisation, resident_id, engagement):
        out.unchanged += 1
        return
    person = {
        "resident_id": resident_id,
        "name": row.get("name"),
        "residence_region": row.get("residence_region"),
        "birth_date": dates["birth_date"],
        "sex": (row.get("sex") or "").strip().upper() or None,
    }
    try:
        with transaction.atomic():
            worker_register(actor=actor, organisation=organisation, person=person, engagement=engagement)
    except DomainError as exc:
        fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
        if fields:  # one error per column, each in the service's words
            for name, messages in fields.items():
                refuse(name.split(".")[-1], " ".join(messages))
        else:
            refuse((exc.field or "row").split(".")[-1], exc.template, dict(exc.params) or None)
        return
    out.registered += 1


def _registered_already(organisation: Organisation, resident_id: str, engagement: dict[str, Any]) -> bool:
    person = Person.objects.with_resident_id(resident_id).first()
    if person is None:
        return False
    return Engagement.objects.filter(
        person=person,
        organisation=organisation,
        start_date=engagement["start_date"],
        end_date=engagement["end_date"],
        category=engagement["category"],
        sector=engagement["sector"],
        work_region__code=engagement["work_region"],
    ).exists()
