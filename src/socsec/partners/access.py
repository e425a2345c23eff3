"""What a partner's call may do: its token's agreement, in force today, with the scope of the operation
and, for a lookup, every field asked for named by the agreement. A field outside the agreement is refused,
not silently left out: a partner whose system asks for a field it may not have must learn so (and the
agency must see it), rather than read an answer that looks complete. Every refusal is kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from socsec.audit.services import Actor
from socsec.core.errors import Forbidden

from .errors import PartnerErrorCode
from .models import Agreement
from .refusals import refusal_record

PARTNER_ROLE = "PARTNER"  # the reader's role in the read log


@dataclass(frozen=True)
class PartnerCall:
    """A partner's authenticated call: its agreement and the scopes its token was granted."""

    agreement: Agreement
    scopes: frozenset[str]

    @property
    def actor(self) -> Actor:
        partner = self.agreement.partner
        return Actor(label=f"partner:{partner.code} ({self.agreement.reference})")


def _refuse(agreement: Agreement, action: str, error: Forbidden) -> Forbidden:
    refusal_record(action=action, code=str(error.code), message=error.message, agreement=agreement)
    error.refusal_kept = True  # type: ignore[attr-defined]  # ``refusals_logged`` keeps it once
    return error


def agreement_in_force(agreement: Agreement, *, action: str, today: dt.date) -> None:
    if not agreement.is_valid_on(today):
        raise _refuse(
            agreement,
            action,
            Forbidden(
                "agreement %(reference)s is in force from %(valid_from)s to %(valid_until)s; today is %(today)s",
                code=PartnerErrorCode.AGREEMENT_NOT_IN_FORCE,
                params={
                    "reference": agreement.reference,
                    "valid_from": agreement.valid_from.isoformat(),
                    "valid_until": agreement.valid_until.isoformat(),
                    "today": today.isoformat(),
                },
            ),
        )


def call_require(call: PartnerCall, *, scope: str, action: str, today: dt.date) -> None:
    """The agreement is in force and the token holds ``scope`` (which the agreement grants)."""
    agreement_in_force(call.agreement, action=action, today=today)
    if scope not in call.scopes or scope not in call.agreement.scopes:
        raise _refuse(
            call.agreement,
            action,
            Forbidden(
                "this operation needs the scope %(scope)s, which agreement %(reference)s does not grant this token",
                code=PartnerErrorCode.SCOPE_OUTSIDE_AGREEMENT,
                params={"scope": scope, "reference": call.agreement.reference},
            ),
        )


def fields_require(call: PartnerCall, *, fields: Iterable[str], allowed: Iterable[str], action: str) -> None:
    outside = sorted(set(fields) - set(allowed))
    if outside:
        raise _refuse(
            call.agreement,
            action,
            Forbidden(
                "%(fields)s: outside agreement %(reference)s (it names %(allowed)s)",
                field=outside[0],
                code=PartnerErrorCode.FIELD_OUTSIDE_AGREEMENT,
                params={
                    "fields": ", ".join(outside),
                    "reference": call.agreement.reference,
                    "allowed": ", ".join(sorted(allowed)) or "-",
                },
            ),
        )
