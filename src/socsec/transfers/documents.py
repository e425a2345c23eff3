"""The pension transfer document: what the sending agency issues and the receiving agency applies.

Interface (for the transport between agencies; within one instance the document goes straight from one
service to the other):

* Sending side (``socsec.transfers.services``):
  ``transfer_request(*, actor, person, to_region, channel, receiving_agency="") -> OutgoingTransfer`` records the
  request (the worker online, or the receiving agency on their behalf);
  ``transfer_issue(*, actor, transfer) -> TransferDocument`` checks nothing is outstanding, works out the
  amounts with the rules, posts the sending ledger entries and returns the document (a retry returns the
  same document, same ``document_id``).
* Receiving side: ``transfer_document_apply(*, actor, document) -> TransferReceipt`` takes the document
  as a ``TransferDocument`` or its JSON form (``dict``), checks it (format, version, the person known here
  by resident ID, the amounts adding up), credits the individual account and the record (months and bases)
  and posts the receiving ledger entries, all in one transaction; applied twice (same ``document_id``) it
  returns the first receipt and writes nothing. A refusal is a ``socsec.core.errors.DomainError`` with a
  code of ``TransferErrorCode`` and nothing written.
* Back on the sending side: ``transfer_receipt_apply(*, actor, receipt) -> OutgoingTransfer`` marks the
  transfer completed (idempotent); then, on the receiving side, ``transfer_incoming_complete(*, actor,
  document_id) -> IncomingTransfer`` marks it completed there too (idempotent).
* Each deployment names itself by ``settings.SOCSEC_AGENCY_CODE`` (``services.this_agency()``, default
  ``socsec``): a document whose ``receiving.agency`` is another code is refused; ``transfer_request`` takes
  the receiving agency's code (default: this one, for two regions of one deployment), and
  ``transfer_deliver_locally`` runs the three steps within one deployment.

``TransferDocument.as_json()`` is a plain JSON-ready ``dict`` (``format``, ``version``, ``document_id``,
...); ``TransferDocument.from_json(data)`` reads it back and raises ``DocumentError`` on anything missing,
of the wrong type, or of another format or version. Money is integer cents; months are ``YYYY-MM``; dates
ISO. A later version adds keys; a reader refuses a version it does not know.

This module imports no Django: the transport may use it to read a document before it touches a database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

DOCUMENT_FORMAT = "socsec.pension-transfer"
DOCUMENT_VERSION = 1
RECEIPT_FORMAT = "socsec.pension-transfer-receipt"
SCHEMES = ("PENSION", "UNEMPLOYMENT", "MEDICAL")  # the insurance relations whose months move with the worker
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_REGION = re.compile(r"^\d{6}$")


class DocumentError(ValueError):
    """A document (or receipt) that cannot be read: ``path`` names the key, ``reason`` says what is wrong."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Party:
    """An agency and the region (6-digit code) and province (``PP0000``) it serves in this transfer."""

    agency: str
    region: str
    province: str


@dataclass(frozen=True)
class PersonIdentity:
    resident_id: str
    name: str
    birth_date: str  # ISO date
    sex: str  # M or F
    retirement_group: str
    registered_residence: str  # region code of the household registration (hukou)


@dataclass(frozen=True)
class Period:
    """Consecutive months of one scheme on record in one region, from ``start`` (YYYY-MM), each month at
    ``monthly_base_cents`` (0 where the base is not on record: months taken over from an employer)."""

    scheme: str
    region: str
    start: str
    months: int
    monthly_base_cents: int


@dataclass(frozen=True)
class YearLine:
    """The employee pension of one calendar year: months on record, the sum of their actual bases, and the
    pooled part transferred for them (12% of the bases from 1998 on)."""

    year: int
    months: int
    base_cents: int
    pooled_cents: int


@dataclass(frozen=True)
class TransferDocument:
    document_id: str
    issued_at: str  # ISO datetime, UTC
    sending: Party
    receiving: Party
    person: PersonIdentity
    channel: str  # WORKER (asked online) or AGENCY (the receiving agency asked on their behalf)
    periods: list[Period]
    years: list[YearLine]
    individual_account_cents: int
    pooled_cents: int
    explanation: dict[str, Any] = field(default_factory=dict)
    format: str = DOCUMENT_FORMAT
    version: int = DOCUMENT_VERSION

    @property
    def total_cents(self) -> int:
        return self.individual_account_cents + self.pooled_cents

    def months(self, scheme: str) -> int:
        return sum(p.months for p in self.periods if p.scheme == scheme)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TransferDocument:
        if not isinstance(data, Mapping):
            raise DocumentError("document", "is not an object")
        if data.get("format") != DOCUMENT_FORMAT:
            raise DocumentError("format", f"is not {DOCUMENT_FORMAT}")
        if data.get("version") != DOCUMENT_VERSION:
            raise DocumentError("version", f"{data.get('version')!r} is not a version this agency reads")
        periods = [_period(p, f"periods[{i}]") for i, p in enumerate(_list(data, "periods"))]
        years = [_year(y, f"years[{i}]") for i, y in enumerate(_list(data, "years"))]
        explanation = data.get("explanation", {})
        if not isinstance(explanation, dict):
            raise DocumentError("explanation", "is not an object")
        issued = _text(data, "issued_at")
        try:
            dt.datetime.fromisoformat(issued)
        except ValueError:
            raise DocumentError("issued_at", "is not an ISO date and time") from None
        return cls(
            document_id=_text(data, "document_id"),
            issued_at=issued,
            sending=_party(data.get("sending"), "sending"),
            receiving=_party(data.get("receiving"), "receiving"),
            person=_person(data.get("person"), "person"),
            channel=_choice(data, "channel", ("WORKER", "AGENCY")),
            periods=periods,
            years=years,
            individual_account_cents=_cents(data, "individual_account_cents"),
            pooled_cents=_cents(data, "pooled_cents"),
            explanation=explanation,
        )


@dataclass(frozen=True)
class TransferReceipt:
    """What the receiving agency answers once a document is credited (or was credited before)."""

    document_id: str
    receiving_agency: str
    credited_at: str  # ISO datetime, UTC
    individual_account_cents: int
    pooled_cents: int
    months: dict[str, int]  # months credited per scheme
    format: str = RECEIPT_FORMAT
    version: int = DOCUMENT_VERSION

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TransferReceipt:
        if not isinstance(data, Mapping) or data.get("format") != RECEIPT_FORMAT:
            raise DocumentError("format", f"is not {RECEIPT_FORMAT}")
        if data.get("version") != DOCUMENT_VERSION:
            raise DocumentError("version", f"{data.get('version')!r} is not a version this agency reads")
        months = data.get("months")
        if not isinstance(months, dict) or any(
            k not in SCHEMES or not isinstance(v, int) or isinstance(v, bool) for k, v in months.items()
        ):
            raise DocumentError("months", "is not an object of scheme: months")
        return cls(
            document_id=_text(data, "document_id"),
            receiving_agency=_text(data, "receiving_agency"),
            credited_at=_text(data, "credited_at"),
            individual_account_cents=_cents(data, "individual_account_cents"),
            pooled_cents=_cents(data, "pooled_cents"),
            months=dict(months),
        )


def _text(data: Mapping[str, Any], key: str, path: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DocumentError(path + key, "is missing or not text")
    return value


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], path: str = "") -> str:
    value = _text(data, key, path)
    if value not in allowed:
        raise DocumentError(path + key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _cents(data: Mapping[str, Any], key: str, path: str = "") -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise DocumentError(path + key, "is not a whole number of cents, 0 or more")
    return value


def _region(data: Mapping[str, Any], key: str, path: str) -> str:
    value = _text(data, key, path)
    if not _REGION.match(value):
        raise DocumentError(path + key, f"{value!r} is not a 6-digit region code")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise DocumentError(key, "is missing or not a list")
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DocumentError(path, "is missing or not an object")
    return value


def _party(value: Any, path: str) -> Party:
    data, p = _object(value, path), path + "."
    return Party(
        agency=_text(data, "agency", p), region=_region(data, "region", p), province=_region(data, "province", p)
    )


def _person(value: Any, path: str) -> PersonIdentity:
    data, p = _object(value, path), path + "."
    birth = _text(data, "birth_date", p)
    try:
        dt.date.fromisoformat(birth)
    except ValueError:
        raise DocumentError(p + "birth_date", "is not an ISO date") from None
    return PersonIdentity(
        resident_id=_text(data, "resident_id", p),
        name=_text(data, "name", p),
        birth_date=birth,
        sex=_choice(data, "sex", ("M", "F"), p),
        retirement_group=_choice(data, "retirement_group", ("MEN_60", "WOMEN_55", "WOMEN_50"), p),
        registered_residence=_region(data, "registered_residence", p),
    )


def _period(value: Any, path: str) -> Period:
    data, p = _object(value, path), path + "."
    start = _text(data, "start", p)
    if not _MONTH.match(start):
        raise DocumentError(p + "start", f"{start!r} is not a month (YYYY-MM)")
    months = _cents(data, "months", p)
    if months < 1:
        raise DocumentError(p + "months", "is not 1 or more")
    return Period(
        scheme=_choice(data, "scheme", SCHEMES, p),
        region=_region(data, "region", p),
        start=start,
        months=months,
        monthly_base_cents=_cents(data, "monthly_base_cents", p),
    )


def _year(value: Any, path: str) -> YearLine:
    data, p = _object(value, path), path + "."
    return YearLine(
        year=_cents(data, "year", p),
        months=_cents(data, "months", p),
        base_cents=_cents(data, "base_cents", p),
        pooled_cents=_cents(data, "pooled_cents", p),
    )
