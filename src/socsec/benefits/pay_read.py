"""What a payment run reads of each award, as plain rows: the award's terms, its claim's kind and person
(with the resident ID and name its bank file names), and the province of the fund that pays it, in one
query per batch of awards and without a model instance per award. What is encrypted at rest (the
beneficiary, the resident ID, the name) is kept as stored and decrypted only when a run needs it: the
beneficiary for an award that replaced others after a review (``replaced_key``), which few are, and for
a line of the bank file; the resident ID and name for a line of the bank file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from socsec.registry.models import Person

from .models import Award, Claim

# the columns read, in the order of PayAward's fields before ``token``
COLUMNS = (
    "id",
    "claim_id",
    "item",
    "periodic",
    "amount_cents",
    "start_month",
    "end_month",
    "suspended_from",
    "suspended_reason",
    "status",
    "paid_through",
    "paid_amounts",
    "claim__kind",
    "claim__person_id",
    "claim__engagement__work_region__code",
    "claim__person__residence_region__code",
)
INJURY = (Claim.Kind.OCCUPATIONAL_INJURY, Claim.Kind.WORK_INJURY)
_PERSON_RESIDENT_ID: Any = Person._meta.get_field("resident_id")
_PERSON_NAME: Any = Person._meta.get_field("name")


@dataclass(slots=True)
class PayAward:
    """An award as the run pays it (the names are ``Award``'s, so the rules read either)."""

    pk: int
    claim_id: int
    item: str
    periodic: bool
    amount_cents: int
    start_month: str
    end_month: str
    suspended_from: str
    suspended_reason: str
    status: str
    paid_through: str | None  # every month from the start through it paid (``pay_due.bounds``)
    paid_amounts: dict[str, int] | None  # a pension's amounts by year when its months were checked
    kind: str  # the claim's
    person_id: int
    work_region: str | None  # the region code of the claim's engagement, if any
    residence_region: str
    token: str | None  # the beneficiary as stored (encrypted)
    resident_token: str | None = field(default=None, repr=False)  # the person's resident ID as stored
    name_token: str | None = field(default=None, repr=False)  # the person's name as stored
    _beneficiary: str | None = field(default=None, repr=False)

    @property
    def beneficiary(self) -> str:
        if self._beneficiary is None:
            decrypted: Any = Award._meta.get_field("beneficiary").from_db_value(self.token, None, connection)
            self._beneficiary = decrypted or ""
        return self._beneficiary or ""

    def resident_id_and_name(self) -> tuple[str, str]:
        """The person's resident ID and name, decrypted (for the bank file)."""
        resident_id: Any = _PERSON_RESIDENT_ID.from_db_value(self.resident_token, None, connection)
        name: Any = _PERSON_NAME.from_db_value(self.name_token, None, connection)
        return resident_id or "", name or ""

    @property
    def province(self) -> str:
        """The province whose fund pays: where the injured worked, otherwise where the person lives."""
        code = self.work_region if self.work_region and self.kind in INJURY else self.residence_region
        return code[:2] + "0000"


def pay_awards(awards: QuerySet[Award], chunk: int) -> Iterator[PayAward]:
    """``awards`` in id order, streamed: one query, fetched ``chunk`` rows at a time."""
    as_stored = [
        Cast(name, TextField()) for name in ("beneficiary", "claim__person__resident_id", "claim__person__name")
    ]
    rows = awards.order_by("id").values_list(*COLUMNS, *as_stored)
    for row in rows.iterator(chunk_size=chunk):
        yield PayAward(*row)
