"""The application's clock against the database's: batch commands refuse to run and officers' pages warn
when they disagree by more than allowed; no month is paid before it has ended by the database's clock.
The fault: the application's clock 40 days ahead."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest
from django.utils import timezone

from socsec.benefits.models import BenefitPayment, PaymentRun
from socsec.benefits.payments import pay_month
from socsec.core import clock
from socsec.core.clock import ClockSkew, clock_check, clock_skew
from socsec.core.errors import ValidationFailed
from socsec.web import clock as web_clock
from tests.world import SYSTEM

AHEAD = dt.timedelta(days=40)


@pytest.fixture
def ahead(monkeypatch):
    """The application's clock 40 days ahead of the database's (which is the machine's own)."""
    real = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real() + AHEAD)
    monkeypatch.setattr(web_clock, "_last", {"checked": -1e9, "skew": 0.0})  # the pages check again, this test only


@pytest.mark.django_db
def test_the_clocks_agree_normally():
    assert abs(clock_skew()) < dt.timedelta(seconds=5)
    clock_check()


@pytest.mark.django_db
def test_a_clock_forty_days_ahead_is_refused(ahead):
    assert abs(clock_skew() - AHEAD) < dt.timedelta(seconds=5)
    with pytest.raises(ClockSkew, match=r"differ by 345\d{4} s, more than the 300 s allowed") as caught:
        clock_check()
    assert caught.value.code == "clock_skew"


@pytest.mark.django_db
def test_no_month_is_paid_before_it_has_ended_by_the_databases_clock(world, data_dir, ahead):
    this_month = f"{clock.database_today():%Y-%m}"
    # by the application's clock (40 days on) this month is over; by the database's it is not
    assert f"{timezone.localdate():%Y-%m}" != this_month
    with pytest.raises(ValidationFailed, match=f"month: {this_month} is not closed yet"):
        pay_month(actor=SYSTEM, month=this_month)
    assert (PaymentRun.objects.count(), BenefitPayment.objects.count()) == (0, 0)


def test_batch_commands_refuse_to_run_with_the_clock_forty_days_ahead(tmp_path, migrated_var):
    var = migrated_var.copy_to(tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    before = (var / "socsec.sqlite3").read_bytes()
    for args in (
        ["pay", "--month", "2020-01"],
        ["assess", "--month", "2020-01"],
        ["credit-interest", "--year", "2020"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tests.faultrun", *args],
            capture_output=True,
            text=True,
            env=env | {"FAKE_CLOCK_DAYS": "40"},
            timeout=120,
        )
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        (line,) = done.stderr.splitlines()
        assert line.startswith("error: the application's clock (") and "more than the 300 s allowed" in line
        assert done.stdout == ""
    assert (var / "socsec.sqlite3").read_bytes() == before
    shutil.rmtree(var)


@pytest.mark.django_db
def test_officers_pages_warn_while_the_clocks_disagree(world, client, ahead):
    client.force_login(world.users["officer"])
    page = client.get("/officer/claims/").content.decode()
    assert '<p class="banner warning" role="alert">应用程序时钟与数据库时钟相差 345' in page
    page = client.get("/officer/claims/", headers={"accept-language": "en"}).content.decode()
    assert "The application&#x27;s clock and the database&#x27;s differ by 345" in page
    client.force_login(world.users["worker"])
    assert "banner warning" not in client.get("/me/claims/").content.decode()


@pytest.mark.django_db
def test_orders_dated_after_the_databases_today_are_refused_with_the_clock_ahead(world, data_dir, platform, ahead):
    from tests.contributions.test_ingest import order, send

    later = clock.database_today() + dt.timedelta(days=20)  # before the application's today, after the database's
    assert later < timezone.localdate()
    body = send(platform, [order(world, "f1", order_date=later.isoformat())], "k-ahead").json()
    assert (body["status"], body["rows_valid"], body["rows_invalid"]) == ("REJECTED", 0, 1)
