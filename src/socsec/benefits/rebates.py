"""Job-retention rebates: an officer decides an enterprise's rebate for a year; the unemployment fund pays
it (one balanced ledger transaction).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry.models import Organisation
from socsec.rules.benefits import JobRetentionCheck
from socsec.rules.engine import RuleViolation, calc

from .claims import require_officer
from .errors import BenefitErrorCode
from .models import RetentionRebate


def retention_rebate_decide(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    staff: int,
    laid_off: int,
    enterprise_size: str,
    premiums_last_year_cents: int,
    today: dt.date | None = None,
) -> RetentionRebate:
    """An officer decides an enterprise's job-retention rebate for a year from its staff, layoffs, size and
    last year's premiums: the rules say whether it qualifies and how much; the fund pays it to the
    enterprise (one balanced ledger transaction). Once per enterprise and year."""
    from socsec.ledger.accounts import fund, organisation_payable
    from socsec.ledger.descriptions import LineKind
    from socsec.ledger.keys import SourceKind, source_key
    from socsec.ledger.services import post as ledger_post

    require_officer(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not 2000 <= year < today.year:
        errors["year"] = [f"{year} is not a finished year (up to {today.year - 1})"]
    if not 0 < staff <= 10**7:
        errors["staff"] = ["must be from 1 to 10,000,000"]
    if not 0 <= laid_off <= max(staff, 0):
        errors["laid_off"] = [f"{laid_off} is not between 0 and the staff ({staff})"]
    if enterprise_size not in RetentionRebate.Size.values:
        errors["enterprise_size"] = [f"{enterprise_size!r} is not LARGE or SME"]
    if not 0 <= premiums_last_year_cents <= 10**13:
        errors["premiums_last_year_cents"] = ["must be from 0 to 100 billion yuan, in cents"]
    if organisation.registered_region is None:
        errors["organisation"] = [f"{organisation.code} has no registered region: no fund to pay from"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    on = dt.date(year, 12, 31)
    inputs = {"staff": staff, "laid_off": laid_off, "enterprise_size": enterprise_size}
    try:
        check = calc("job_retention_rebate_check", on, **inputs)
        if int(check.value or 0) != JobRetentionCheck.ELIGIBLE:
            raise ValidationFailed(
                "laid_off: not eligible - %(reason)s", field="laid_off", params={"reason": check.meaning}
            )
        amount = calc("job_retention_rebate", on, premiums_last_year=premiums_last_year_cents, **inputs)
    except RuleViolation as exc:
        raise ValidationFailed("year: %(reason)s", field="year", params={"reason": str(exc)}) from None
    assert organisation.registered_region is not None
    province = organisation.registered_region.province_code
    with transaction.atomic():
        try:
            with transaction.atomic():
                rebate = RetentionRebate.objects.create(
                    organisation=organisation,
                    year=year,
                    staff=staff,
                    laid_off=laid_off,
                    enterprise_size=enterprise_size,
                    premiums_last_year_cents=premiums_last_year_cents,
                    amount_cents=int(amount.value or 0),
                    explanation=amount.as_dict(),
                    decided_on=today,
                )
        except IntegrityError:
            raise Conflict(
                "%(organisation)s's rebate for %(year)s is decided already",
                code=BenefitErrorCode.DUPLICATE,
                params={"organisation": organisation.code, "year": year},
            ) from None
        if rebate.amount_cents:
            key = source_key(SourceKind.RETENTION_REBATE, rebate.pk)
            ledger_post(
                entries=[
                    (fund("UNEMPLOYMENT", province), rebate.amount_cents),
                    (organisation_payable(organisation.code), -rebate.amount_cents),
                ],
                description=f"job-retention rebate {year} of {organisation.code}",
                kind=LineKind.RETENTION_REBATE,
                params={"year": year, "organisation": organisation.code},
                source=key,
                idempotency_key=key,
                booked_on=today,
            )
        audit_record(actor=actor, action="benefit.retention_rebate", instance=rebate)
    return rebate
