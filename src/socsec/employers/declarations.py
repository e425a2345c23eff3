"""Payroll declarations: an employer declares a month's payroll per employee (a file, or the API's body),
each row checked (``checks``); the rows kept and the declaration are written in one transaction, so that a
declaration is stored whole or not at all.

A month holds one accepted declaration per employer. Declaring it again is refused; a CORRECTION replaces
the accepted one (which stays, REPLACED, with its lines: the audit trail) and the month is assessed anew.
An accepted declaration is assessed in the same transaction (``assessment``).
Idempotency: the employer's key with the same rows (as read, whatever the bytes) is answered with the first
declaration; with other rows it is refused (409). The same key sent twice at once: the second waits for the
first (the employer's row lock) and replays it (``socsec.core.idempotency``)."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.uploads import UploadError, check_upload_limits, read_upload
from socsec.contributions.orders.digest import legacy_digest
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.core.faults import fault
from socsec.core.idempotency import lock_wait_for_transaction, read_unless_locked, waiting_turn
from socsec.registry.models import Organisation

from .assessment import employer_month_assess
from .checks import CheckedPayroll, check_payroll
from .columns import PAYROLL
from .errors import EmployerErrorCode
from .models import PayrollDeclaration, PayrollLine

EMPLOYER_KINDS = (Organisation.Kind.EMPLOYER, Organisation.Kind.PLATFORM)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def employer_check(*, actor: Actor, employer: Organisation) -> None:
    """Refuse an actor of another organisation, and an organisation that employs no one (an agency)."""
    if actor.organisation_id is not None and actor.organisation_id != employer.pk:
        raise Forbidden("an employer may only declare its own payroll", field="employer")
    if employer.kind not in EMPLOYER_KINDS:
        raise ValidationFailed(
            "employer: %(employer)s is not an employer.",
            field="employer",
            code=EmployerErrorCode.NOT_AN_EMPLOYER,
            params={"employer": employer.code},
        )


def month_check(month: str) -> str:
    if not MONTH.match(month or ""):
        raise ValidationFailed(
            "month: %(month)r is not a month (YYYY-MM).",
            field="month",
            code=EmployerErrorCode.INVALID_MONTH,
            params={"month": month},
        )
    return month


def payroll_declare(
    *,
    actor: Actor,
    employer: Organisation,
    month: str,
    content: bytes | None = None,
    path: Path | None = None,
    fmt: str,
    idempotency_key: str,
    correction: bool = False,
    source: str = "",
) -> tuple[PayrollDeclaration, bool]:
    """Declare ``employer``'s payroll of ``month`` (a file's bytes, or its path). Returns (declaration,
    replayed): replayed is True when the same key and rows were declared before and nothing was done."""
    employer_check(actor=actor, employer=employer)
    month_check(month)
    if month > timezone.localdate().strftime("%Y-%m"):
        raise ValidationFailed(
            "month: %(month)s has not begun; a payroll is declared for a month that has begun.",
            field="month",
            code=EmployerErrorCode.FUTURE_MONTH,
            params={"month": month},
        )
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationFailed("idempotency_key: is required (1-100 characters).", field="idempotency_key")
    data = path.read_bytes() if path is not None else (content or b"")
    try:
        check_upload_limits(data, fmt, max_bytes=settings.ORDERS_MAX_BYTES, max_rows=settings.ORDERS_MAX_ROWS,
                            max_xlsx_rows=settings.ORDERS_MAX_XLSX_ROWS)  # fmt: skip
        upload = read_upload(data, fmt, PAYROLL)
    except UploadError as exc:
        raise ValidationFailed("file: " + exc.template, field="file", params=exc.params or None) from None
    digest = legacy_digest(upload)
    earlier = read_unless_locked(
        PayrollDeclaration.objects.filter(employer=employer, idempotency_key=idempotency_key).first
    )
    if earlier is not None:
        return _replay(earlier, digest, month, correction), True
    checked = check_payroll(upload, employer=employer, month=month, keep_errors=settings.ORDERS_MAX_STORED_ERRORS)

    def attempt(seconds_left: float) -> tuple[PayrollDeclaration, bool]:
        with transaction.atomic():
            lock_wait_for_transaction(seconds_left)
            lock(Organisation.objects).filter(pk=employer.pk).first()  # one declaration of an employer at a time
            # the same key declared meanwhile (a request sent twice at once): this one waited, and replays it
            earlier = PayrollDeclaration.objects.filter(employer=employer, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return _replay(earlier, digest, month, correction), True
            return _write(actor, employer, month, correction, idempotency_key, digest, source, upload.read_as, checked)

    try:
        return waiting_turn(
            attempt,
            still_running="a declaration of this employer is still being written; send this one again later",
            code=EmployerErrorCode.DECLARATION_IN_PROGRESS,
        )
    except IntegrityError:  # the same key, or another declaration of the month, committed meanwhile
        earlier = PayrollDeclaration.objects.filter(employer=employer, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, digest, month, correction), True
        raise Conflict(
            "another declaration of this employer was recorded meanwhile; send this one again",
            field="idempotency_key",
            code=EmployerErrorCode.IDEMPOTENCY_KEY_REUSED,
        ) from None


def _write(
    actor: Actor,
    employer: Organisation,
    month: str,
    correction: bool,
    idempotency_key: str,
    digest: str,
    source: str,
    read_as: str,
    checked: CheckedPayroll,
) -> tuple[PayrollDeclaration, bool]:
    """The declaration and its lines, assessed if accepted (inside the caller's transaction and lock)."""
    accepted = PayrollDeclaration.objects.filter(
        employer=employer, month=month, status=PayrollDeclaration.Status.ACCEPTED
    ).first()
    _month_open_check(accepted, month, correction)
    errors = checked.errors
    valid = checked.lines.num_rows
    declaration = PayrollDeclaration.objects.create(
        employer=employer,
        month=month,
        kind=PayrollDeclaration.Kind.CORRECTION if correction else PayrollDeclaration.Kind.ORIGINAL,
        status=PayrollDeclaration.Status.REJECTED,
        replaces=accepted if valid else None,
        idempotency_key=idempotency_key,
        content_sha256=digest,
        source=source[:200],
        read_as=read_as,
        rows_total=checked.rows_total,
        rows_valid=valid,
        rows_invalid=errors.invalid_rows,
        errors=errors.report(),
        error_counts=dict(sorted(errors.counts.items())),
    )
    if valid:
        if accepted is not None:
            accepted.status = PayrollDeclaration.Status.REPLACED
            accepted.save(update_fields=["status"])
            audit_record(actor=actor, action="payroll.replaced", instance=accepted)
        _lines_create(declaration, checked.lines)
        declaration.status = PayrollDeclaration.Status.ACCEPTED
        declaration.save(update_fields=["status"])
        # assessed at once: a correction re-assesses the month
        declaration = employer_month_assess(actor=actor, employer=employer, month=month)
    audit_record(actor=actor, action="payroll.declare", instance=declaration)
    fault("employers.declare.commit")  # killed with everything written but not committed
    return declaration, False


def _replay(earlier: PayrollDeclaration, digest: str, month: str, correction: bool) -> PayrollDeclaration:
    kind = PayrollDeclaration.Kind.CORRECTION if correction else PayrollDeclaration.Kind.ORIGINAL
    if earlier.content_sha256 != digest or earlier.month != month or earlier.kind != kind:
        raise Conflict(
            "idempotency key %(idempotency_key)r was used for another declaration (%(existing)s)",
            field="idempotency_key",
            code=EmployerErrorCode.IDEMPOTENCY_KEY_REUSED,
            params={"idempotency_key": earlier.idempotency_key, "existing": earlier.pk},
        )
    return earlier


def _month_open_check(accepted: PayrollDeclaration | None, month: str, correction: bool) -> None:
    if accepted is not None and not correction:
        raise Conflict(
            "month: %(month)s was declared already (declaration %(existing)s); send a CORRECTION declaration "
            "to replace it.",
            field="month",
            code=EmployerErrorCode.MONTH_ALREADY_DECLARED,
            params={"month": month, "existing": accepted.pk},
        )
    if accepted is None and correction:
        raise Conflict(
            "month: %(month)s has no accepted declaration to correct; send it as an original declaration.",
            field="month",
            code=EmployerErrorCode.NOTHING_TO_CORRECT,
            params={"month": month},
        )


LINES_BATCH = 5_000


def _lines_create(declaration: PayrollDeclaration, lines: pa.Table) -> None:
    """The kept rows, inserted in batches of bounded size (a query per batch, never per row)."""
    for batch in lines.to_batches(max_chunksize=LINES_BATCH):
        values = batch.to_pydict()
        PayrollLine.objects.bulk_create(
            [
                PayrollLine(
                    declaration=declaration,
                    row=row,
                    person_id=person,
                    region_code=region,
                    industry_class=klass,
                    wage_cents=wage,
                    base_wage_cents=base,
                )
                for row, person, region, klass, wage, base in zip(
                    values["row"],
                    values["person_id"],
                    values["region_code"],
                    values["industry_class"],
                    values["wage_cents"],
                    values["base_wage_cents"],
                    strict=True,
                )
            ]
        )
        fault("employers.declare.lines")  # killed with some lines written
