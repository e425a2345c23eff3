"""A payment run's bank files: written by the run as it pays (the same lines its payments give when read
back, ``bank_file``), recorded (path, SHA-256, rows) in the run's own transaction, written after the
commit under a temporary name and renamed into place. Every run of a month first puts back any recorded
file that is absent or damaged, byte for byte as it was, and fails (``BankFileNotWritten``) while one
cannot be written: no payment is made that the bank never hears of."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from django.conf import settings

from socsec.audit.models import ReadPurpose
from socsec.audit.reads import log_personal_reads_in_batches
from socsec.audit.services import Actor
from socsec.batch.store import write_text_atomic
from socsec.core.csvsafe import csv_writer
from socsec.core.errors import DomainError
from socsec.core.stored import file_sha256

from .errors import BenefitErrorCode
from .models import BankFile, BenefitPayment, PaymentRun

READS_A_BATCH = 5000  # the persons a file names are logged as read per so many


class BankFileNotWritten(DomainError):
    """A recorded bank file could not be written (disk full, read-only directory) or could not be made
    again as it was recorded. The payments stand; the file is written by the next run of the month."""

    status = 503
    code = BenefitErrorCode.BANK_FILE_NOT_WRITTEN


class BankFileText:
    """A bank file's text, one line per payment or recovery added in the order paid (by payment id): the
    payment run writes it as it pays, ``bank_file`` from the payments recorded; both give the same bytes."""

    HEADER = (
        "payment_id",
        "person_id",
        "resident_id",
        "name",
        "beneficiary",
        "claim_id",
        "item",
        "month",
        "kind",
        "amount",
    )

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv_writer(self._out, lineterminator="\n")
        self._writer.writerow(self.HEADER)
        self.rows = 0

    def add(
        self,
        pk: int,
        person_id: int,
        resident_id: str,
        name: str,
        beneficiary: str | None,
        claim_id: int,
        item: str,
        month: str,
        kind: str,
        amount_cents: int,
    ) -> None:
        """One instruction: resident ID and name in full (the bank pays by them, Purpose.PAYMENT), the
        beneficiary where the award names one, otherwise the person's name."""
        sign = "-" if amount_cents < 0 else ""
        cents = abs(amount_cents)
        amount = f"{sign}{cents // 100}.{cents % 100:02d}"
        self._writer.writerow(
            [pk, person_id, resident_id, name, beneficiary or name, claim_id, item, month, kind, amount]
        )
        self.rows += 1

    def text(self) -> str:
        return self._out.getvalue()


def bank_file(run: PaymentRun, instruction: int = 1) -> str:
    """One of a run's bank files from its recorded payments: its payment instructions, one line per payment
    or recovery, in a fixed order (by payment id)."""
    out = BankFileText()
    rows = (
        BenefitPayment.objects.filter(run=run, instruction=instruction)
        .order_by("id")
        .values_list(
            "pk",
            "award__claim__person_id",
            "award__claim__person__resident_id",
            "award__claim__person__name",
            "award__beneficiary",
            "award__claim_id",
            "award__item",
            "month",
            "kind",
            "amount_cents",
        )
    )
    # streamed, and only the columns the file carries decrypted: a month's run may pay a million rows
    for row in rows.iterator(chunk_size=2000):
        out.add(*row)
    return out.text()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def bank_file_record(
    run: PaymentRun, instruction: int, path: str, made: tuple[BankFileText, Iterable[int]] | None = None
) -> tuple[BankFile, str]:
    """Inside the run's transaction: the file's text and record, with a read by the system of each person
    the file names (resident ID and name in full, for the bank). ``made``: the text the run wrote as it
    paid and the persons it names (each once) in the order paid; otherwise both are read from the payments
    just written. Returns the record and the text (written once the transaction commits)."""
    payments = BenefitPayment.objects.filter(run=run, instruction=instruction)
    if made is None:
        text, rows = bank_file(run, instruction), payments.count()
        # streamed in the order paid (an order by person over the join is what the database would sort)
        persons: Iterable[int] = (
            payments.order_by("id").values_list("award__claim__person_id", flat=True).iterator(chunk_size=READS_A_BATCH)
        )
    else:
        text, rows, persons = made[0].text(), made[0].rows, made[1]
    record = BankFile.objects.create(run=run, instruction=instruction, path=path, sha256=_digest(text), rows=rows)
    seen: set[int] | None = set() if made is None else None  # the run's own persons come once each already
    ids = iter(persons)
    while batch := list(islice(ids, READS_A_BATCH)):  # in bounded batches, each person once
        fresh = batch if seen is None else [p for p in dict.fromkeys(batch) if p not in seen]
        if seen is not None:
            seen.update(fresh)
        # logged with the run's payments or not at all, by COPY on PostgreSQL (one a batch: no other
        # statement, the next fetch included, may run while a COPY is open)
        log_personal_reads_in_batches(
            actor=Actor.system("payment run"),
            role="SYSTEM",
            batches=[fresh],
            purpose=ReadPurpose.PAYMENT,
            what="bank file",
        )
    return record, text


def bank_files_write(run: PaymentRun, texts: dict[int, str] | None = None) -> list[Path]:
    """Write each recorded bank file of the run that is absent or differs from its record; ``texts`` are
    files already made in this process (by instruction). Returns the paths written. Raises
    ``BankFileNotWritten`` naming the first file that cannot be written."""
    texts = texts or {}
    written = []
    for record in BankFile.objects.filter(run=run).order_by("instruction"):
        path = Path(settings.DATA_DIR) / record.path
        if file_sha256(path) == record.sha256:
            continue
        text = texts.get(record.instruction)
        if text is None:
            text = bank_file(run, record.instruction)
        if _digest(text) != record.sha256:
            raise BankFileNotWritten(
                "bank file %(path)s: the payments it carries no longer give the file that was recorded"
                " (SHA-256 %(sha256)s); it is not written",
                params={"path": str(path), "sha256": record.sha256},
                details={"path": str(path)},
            )
        try:
            write_text_atomic(text, path)
        except OSError as exc:
            raise BankFileNotWritten(
                "bank file %(path)s is recorded but could not be written (%(reason)s); the payments stand:"
                " fix the disk and run the month again to write it",
                params={"path": str(path), "reason": exc.strerror or str(exc)},
                details={"path": str(path)},
            ) from exc
        written.append(path)
    return written
