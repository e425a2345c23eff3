"""A payment run's bank file is part of what it commits: recorded (path, SHA-256, rows) with the payments,
written after the commit, written again by the next run of the month when absent or damaged, and the run
reports failure while it cannot be written (a full disk, a read-only directory)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.db import connection

from socsec.benefits import payments
from socsec.benefits.bank_files import BankFileNotWritten, bank_file
from socsec.benefits.models import BankFile, BenefitPayment
from socsec.benefits.payments import pay_month
from tests.benefits.test_awards_and_payments import awarded
from tests.world import SYSTEM

JUNE_2 = dt.date(2026, 6, 2)
FILE = "payments/month=2026-05/bank-instructions-001.csv"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_bank_file_is_recorded_with_the_payments_and_written_as_recorded(world, data_dir):
    awarded(world, {"grade": 3})
    result = pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    record = BankFile.objects.get()
    content = (data_dir / FILE).read_bytes()
    assert (record.path, record.instruction, record.rows, record.sha256) == (FILE, 1, 2, sha(content))
    assert content == bank_file(result.run, 1).encode()
    assert result.rewritten == []


def test_a_rerun_writes_a_lost_or_damaged_bank_file_again_byte_for_byte(world, data_dir):
    awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    original = (data_dir / FILE).read_bytes()
    (data_dir / FILE).unlink()  # lost between the commit and the write (before: the re-run wrote nothing)
    again = pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert (again.new_payments, again.rewritten) == (0, [data_dir / FILE])
    assert (data_dir / FILE).read_bytes() == original
    (data_dir / FILE).write_bytes(original.replace(b"103500.00", b"103500.01"))  # damaged
    assert pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2).rewritten == [data_dir / FILE]
    assert (data_dir / FILE).read_bytes() == original
    assert pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2).rewritten == []


@pytest.mark.parametrize("fault", ["enospc", "erofs"])
def test_a_full_disk_or_read_only_directory_fails_the_run_until_the_file_is_written(
    world, data_dir, monkeypatch, fault
):
    awarded(world, {"grade": 3})
    monkeypatch.setenv("SOCSEC_FAULT", f"file.write:{fault}")
    with pytest.raises(BankFileNotWritten) as caught:
        pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert caught.value.message.startswith(f"bank file {data_dir / FILE} is recorded but could not be written (")
    assert BenefitPayment.objects.count() == 2  # the payments stand, and so does the file's record
    assert BankFile.objects.count() == 1
    assert not (data_dir / FILE).exists()
    assert [p.name for p in (data_dir / "payments" / "month=2026-05").iterdir()] == []  # no temporary left
    with pytest.raises(BankFileNotWritten):  # a re-run still cannot write it: it says so again
        pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    monkeypatch.delenv("SOCSEC_FAULT")
    again = pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert (again.new_payments, again.rewritten) == (0, [data_dir / FILE])
    assert sha((data_dir / FILE).read_bytes()) == BankFile.objects.get().sha256


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory; the fault hook covers it")
def test_a_read_only_directory_fails_the_run(world, data_dir):
    awarded(world, {"grade": 3})
    folder = data_dir / "payments" / "month=2026-05"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        with pytest.raises(BankFileNotWritten, match="Permission denied"):
            pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    finally:
        folder.chmod(0o700)
    assert pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2).rewritten == [data_dir / FILE]


def test_a_file_the_payments_no_longer_give_is_not_written_in_their_place(world, data_dir):
    claim = awarded(world, {"grade": 3})
    pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    (data_dir / FILE).unlink()
    person = claim.person
    person.name = "Someone Else"
    person.save()
    with pytest.raises(BankFileNotWritten, match="no longer give the file that was recorded"):
        pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert not (data_dir / FILE).exists()


def test_the_bank_file_logs_a_read_by_the_system_of_each_person_it_names_once(world, data_dir):
    from socsec.audit.models import PersonalDataAccess, ReadPurpose

    claim = awarded(world, {"grade": 3})  # two payments (grant and a month's allowance), one person
    pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert BenefitPayment.objects.count() == 2
    paying = PersonalDataAccess.objects.filter(purpose=ReadPurpose.PAYMENT)
    reads = list(paying.values_list("person_id", "actor_role", "actor_label", "purpose", "what"))
    assert reads == [(claim.person_id, "SYSTEM", "payment run", ReadPurpose.PAYMENT, "bank file")]
    pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)  # nothing new paid: an empty file names no one
    assert paying.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_run_s_planner_settings_hold_inside_it_and_leave_the_callers_transaction_as_it_was(world, data_dir):
    """The test's transaction is the caller's: the run (a savepoint in it) gives its own settings back."""

    def current() -> tuple[str, ...]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('work_mem'), current_setting('jit'), current_setting('cursor_tuple_fraction'),"
                " current_setting('max_parallel_workers_per_gather')"
            )
            return tuple(cursor.fetchone())

    awarded(world, {"grade": 3})
    before = current()
    inside: list[tuple[str, ...]] = []
    real = payments.apply_suspensions

    def seen(*args, **kwargs):
        inside.append(current())
        return real(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(payments, "apply_suspensions", seen)
        pay_month(actor=SYSTEM, month="2026-05", today=JUNE_2)
    assert inside == [("256MB", "off", "1", "0")]
    assert current() == before
