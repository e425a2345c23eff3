"""The month's run with the tax authority from the command line and as a background job."""

from __future__ import annotations

from pathlib import Path

import pytest

from socsec.cli import main
from socsec.jobs.services import job_start
from socsec.taxexchange.models import CollectionResult, Handover
from tests.jobs.worker import run_pending
from tests.world import World


@pytest.fixture
def exchange_folder(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "exchange"
    folder.mkdir()
    settings.SOCSEC_TAX_EXCHANGE = {
        **settings.SOCSEC_TAX_EXCHANGE,
        "folder": str(folder),
        "due_lines": "tests.taxexchange.lines_source.factory_lines",
        "retry_wait_seconds": 0,
    }
    return folder


def test_the_job_hands_over_the_month_and_fetches_its_results(world: World, exchange_folder: Path) -> None:
    from socsec.accounts.permissions import Principal

    job = job_start(actor=Principal.of_user(world.users["officer"]).actor, kind="TAX_EXCHANGE", month="2026-09")
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.steps_done, job.steps_total) == ("SUCCEEDED", 2, 2)
    assert job.outcome == {
        "documents": 1,
        "replaced": 0,
        "unchanged": 0,
        "acknowledged": 1,
        "not_acknowledged": 0,
        "results_in": 1,
        "results_refused": 0,
        "receipts": 0,
        "receipts_refused": 0,
    }
    assert Handover.objects.get().state == "RESULTS_IN"
    assert CollectionResult.objects.filter(status="PAID").count() == 4


def test_tax_send_and_fetch_commands(
    world: World, exchange_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "lines.csv"
    lines.write_text(
        "employer,person_id,month,scheme,base_cents,employer_cents,employee_cents\n"
        f"factory,{world.employee.pk},2026-09,PENSION,800000,128000,64000\n"
        f"factory,{world.employee.pk},2026-09,WORK_INJURY,800000,3200,0\n"
    )
    assert main(["tax", "send", "--month", "2026-09", "--lines", str(lines)]) == 0
    assert capsys.readouterr().out == (
        "tax exchange 2026-09: 1 document(s) written (0 replacing a corrected declaration), 0 unchanged; "
        "1 acknowledged, 0 not acknowledged (tried again later)\n"
    )
    assert main(["tax", "fetch"]) == 0
    assert capsys.readouterr().out == (
        "tax exchange: 1 document(s) with results (1,952.00 yuan due, 1,952.00 yuan paid), 0 waiting, "
        "0 not acknowledged, "
        "0 unreachable, 0 results file(s) refused\n"
        "later payments: 0 receipts file(s) recorded (0 receipt(s)), 0 recorded before, 0 refused\n"
    )
    assert sorted(CollectionResult.objects.values_list("scheme", "status", "paid_cents")) == [
        ("PENSION", "PAID", 192_000),
        ("WORK_INJURY", "PAID", 3_200),
    ]


def test_a_bad_row_of_the_lines_file_is_refused_naming_it(
    world: World, exchange_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = tmp_path / "lines.csv"
    lines.write_text(
        "employer,person_id,month,scheme,base_cents,employer_cents,employee_cents\n"
        f"factory,{world.employee.pk},2026-09,PENSION,800000,128000,64000\n"
        f"factory,{world.employee.pk},2026-09,MEDICAL,800000,-1,0\n"
    )
    assert main(["tax", "send", "--month", "2026-09", "--lines", str(lines)]) == 2
    assert capsys.readouterr().err == "error: lines, row 3, employer_cents: '-1' is not a whole number, 0 or more\n"
    assert Handover.objects.count() == 0


def test_an_unreachable_exchange_leaves_the_documents_sent(
    world: World, exchange_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exchange_folder.rmdir()
    assert main(["tax", "send", "--month", "2026-09"]) == 1
    assert "not acknowledged: SSX-factory-2026-09-1" in capsys.readouterr().out
    assert Handover.objects.get().state == "SENT"
    assert main(["tax", "fetch"]) == 1
    assert "1 not acknowledged" in capsys.readouterr().out
    exchange_folder.mkdir()
    assert main(["tax", "fetch"]) == 0
    assert Handover.objects.get().state == "RESULTS_IN"
