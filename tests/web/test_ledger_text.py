"""Ledger lines in the reader's language: the statement pages, their CSV downloads and the lines posted
before the kind and parameters were kept (read back from the stored English sentence)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from socsec.ledger.accounts import BANK_COLLECTION, platform_receivable
from socsec.ledger.descriptions import LineKind, parse_description
from socsec.ledger.models import LedgerTransaction
from socsec.ledger.selectors import account_statement
from socsec.ledger.services import post
from socsec.web.ledger_text import line_texts
from tests.contributions.test_ingest import MONTH, TODAY
from tests.contributions.test_statements import assessed  # noqa: F401 - the fixture

YEAR, NUMBER = (int(x) for x in MONTH.split("-"))
ZH_MONTH, EN_MONTH = f"{YEAR}年{NUMBER}月", f"{calendar.month_name[NUMBER]} {YEAR}"
ZH_INVOICE = f"{ZH_MONTH}新就业形态就业人员职业伤害保障（RideGo，广东省）"
EN_INVOICE = f"Occupational injury protection for platform workers, {EN_MONTH}, RideGo, Guangdong"


def _platform(world, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(world.users["platform"])
    return client


def _range(issued: dt.date) -> str:
    return f"start={issued.isoformat()}&end={(issued + dt.timedelta(days=30)).isoformat()}"


@pytest.mark.parametrize(
    ("language", "invoice", "payment"),
    [
        ("zh-hans", ZH_INVOICE, "RideGo缴款（付款编号 BANK-7）"),
        ("en", EN_INVOICE, "Payment BANK-7 from RideGo"),
    ],
)
def test_platform_statement_lines_in_the_readers_language(world, assessed, language, invoice, payment):  # noqa: F811
    page = _platform(world, language).get(f"/platform/statement/?{_range(assessed)}")
    lines = page.context["account"].lines
    assert [line.description for line in lines] == [invoice, payment]
    text = page.content.decode()
    assert f"<td>{invoice}</td>" in text
    assert "440000" not in text and "original run" not in text and "ridego" not in text


def test_platform_statement_csv_in_the_readers_language(world, assessed):  # noqa: F811
    start, end = assessed.isoformat(), (assessed + dt.timedelta(days=30)).isoformat()
    zh = _platform(world, "zh-hans").get(f"/platform/statement/?{_range(assessed)}&format=csv")
    assert zh.content.decode("utf-8-sig").splitlines() == [
        "日期,摘要,开票（元）,已缴或冲抵（元）,余额（元）",
        f"{start},上期结转,,,0.00",
        f"{assessed.isoformat()},{ZH_INVOICE},0.03,,0.03",
        f"{TODAY.isoformat()},RideGo缴款（付款编号 BANK-7）,,0.02,0.01",
        f"{end},结转下期,,,0.01",
    ]
    en = _platform(world, "en").get(f"/platform/statement/?{_range(assessed)}&format=csv")
    assert en.content.decode("utf-8-sig").splitlines()[:3] == [
        "Date,Description,Invoiced (yuan),Paid or credited (yuan),Balance (yuan)",
        f"{start},Balance brought forward,,,0.00",
        f'{assessed.isoformat()},"{EN_INVOICE}",0.03,,0.03',
    ]


def test_a_line_stored_before_its_kind_was_kept_still_reads_in_words(world):
    old = "OIP 2026-11 ridego 110000 (adjustment run 2)"
    post(
        entries=[(platform_receivable("ridego"), 5), (BANK_COLLECTION, -5)],
        description=old,
        source="invoice:999",
        idempotency_key="invoice:999",
        booked_on=dt.date(2026, 12, 1),
    )
    assert LedgerTransaction.objects.get(idempotency_key="invoice:999").kind == ""
    st = account_statement(platform_receivable("ridego"), start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 1))
    with translation.override("zh-hans"):
        assert line_texts(st.lines) == [
            "2026年11月新就业形态就业人员职业伤害保障（RideGo，北京市）：迟报或更正订单后的调整"
        ]
    with translation.override("en"):
        assert line_texts(st.lines) == [
            "Occupational injury protection for platform workers, November 2026, RideGo, Beijing: "
            "correction after late or corrected orders"
        ]


def test_a_sentence_of_no_known_kind_is_shown_as_stored(world):
    assert parse_description("opening balance taken over from the old system") is None
    post(
        entries=[(platform_receivable("ridego"), 5), (BANK_COLLECTION, -5)],
        description="opening balance taken over from the old system",
        source="migration:1",
        idempotency_key="migration:1",
        booked_on=dt.date(2026, 12, 1),
    )
    st = account_statement(platform_receivable("ridego"), start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 1))
    with translation.override("zh-hans"):
        assert line_texts(st.lines) == ["opening balance taken over from the old system"]


@pytest.mark.parametrize(
    ("stored", "kind", "params"),
    [
        (
            "OIP 2026-11 swiftride 110000 (original run 1)",
            LineKind.INVOICE,
            {
                "scheme": "OIP",
                "month": "2026-11",
                "platform": "swiftride",
                "region": "110000",
                "run_kind": "ORIGINAL",
                "sequence": 1,
            },
        ),
        ("payment BANK-7 from ridego", LineKind.PAYMENT, {"reference": "BANK-7", "platform": "ridego"}),
        (
            "payment P 1: officer's date 2026-11-02 reversed",
            LineKind.PAYMENT_DATE_REVERSED,
            {"reference": "P 1", "day": "2026-11-02"},
        ),
        (
            "payment P1: on the bank's date (line L9)",
            LineKind.PAYMENT_BANK_DATE,
            {"reference": "P1", "line": "L9"},
        ),
        (
            "EMPLOYEE_PENSION own contribution 2026-01 of person 10 withheld by ridego",
            LineKind.OWN_CONTRIBUTION,
            {"scheme": "EMPLOYEE_PENSION", "month": "2026-01", "person": 10, "withheld_by": "ridego"},
        ),
        (
            "MEDICAL own contribution 2026-01 of person 10",
            LineKind.OWN_CONTRIBUTION,
            {"scheme": "MEDICAL", "month": "2026-01", "person": 10},
        ),
        (
            "oip_disability_lump_sum 2026-03 (recovery) claim 4",
            LineKind.BENEFIT_PAYMENT,
            {"item": "oip_disability_lump_sum", "month": "2026-03", "payment_kind": "RECOVERY", "claim": 4},
        ),
        (
            "job-retention rebate 2025 of factory",
            LineKind.RETENTION_REBATE,
            {"year": 2025, "organisation": "factory"},
        ),
        (
            "interest 2025 at 2.62% on the individual account of person 10",
            LineKind.INTEREST,
            {"year": 2025, "rate": "2.62%", "person": 10},
        ),
    ],
)
def test_every_stored_sentence_is_read_back(stored, kind, params):
    assert parse_description(stored) == (kind, params)


def test_the_workers_individual_account_reads_in_words(world):
    import datetime as dt

    from socsec.contributions.own.payments import own_contribution_pay
    from tests.world import SYSTEM

    year = TODAY.year
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(year, 1, 1),
        months=1,
        declared_base_cents=500000,
        today=dt.date(year, 1, 5),
    )
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(world.users["worker"])
    page = client.get(f"/me/statement/?year={year}")
    assert [line.description for line in page.context["account"].lines] == [f"{year}年1月职工基本养老保险个人缴费"]
    csv = client.get(f"/me/statement/?year={year}&format=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "险种,参保月数,本人（元）,政府（元）,平台（元）,合计（元）"
    assert csv[1].startswith("职工基本养老保险,1,")
    assert "person" not in page.content.decode() and "EMPLOYEE_PENSION" not in "".join(csv)
