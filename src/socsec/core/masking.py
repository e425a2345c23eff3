"""How much of a person's identifying data a reader is shown: one policy, used by the API, the pages and
the exports.

Masks:
- resident ID: the first 3 and the last 4 characters, the 11 between as ``*``
  (``110***********123X``): neither the county of birth nor the birth date is shown.
- name: the first character, then one ``*`` per further character (``张**``, ``L*****``).
- bank account: ``****`` and the last 4 digits.

Who sees what (``Purpose.SERVICE``: API answers, pages, exports for reading):
- a worker: their own data in full (they reach no one else's);
- an officer: in full when reading one person (a case: ``GET /api/persons/{id}``, a person's page), and
  masked as a supervisor is in a list of persons (a page of the register, a search's results: ``listing``),
  so that no one pages through the whole register unmasked;
- a platform: the resident ID masked, the name in full (the workers are its own; it registered them);
- a supervisor or an auditor: both masked (they oversee, they do not handle a person);
- anyone else: both masked.
``Purpose.PAYMENT`` (the bank file the bank pays from) carries everything in full.

A claimant's dependants (``dependant_disclosure``): in full to the claimant and officers, masked for the
rest, a platform included.

Roles are the values of ``socsec.accounts.models.Role``; this module imports no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Purpose(StrEnum):
    SERVICE = "SERVICE"
    PAYMENT = "PAYMENT"


def mask_resident_id(value: str) -> str:
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(value: str) -> str:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def mask_bank_account(value: str) -> str:
    digits = "".join(value.split())
    return "****" + digits[-4:] if len(digits) > 4 else "*" * len(digits)


@dataclass(frozen=True)
class Disclosure:
    """Whether a reader sees the resident ID and the name in full."""

    full_id: bool
    full_name: bool

    def resident_id(self, value: str) -> str:
        return value if self.full_id else mask_resident_id(value)

    def name(self, value: str) -> str:
        return value if self.full_name else mask_name(value)

    def bank_account(self, value: str) -> str:
        return value if self.full_id else mask_bank_account(value)


FULL = Disclosure(full_id=True, full_name=True)
MASKED = Disclosure(full_id=False, full_name=False)


def dependant_disclosure(role: str, *, own: bool = False, purpose: Purpose = Purpose.SERVICE) -> Disclosure:
    """What a reader of ``role`` is shown of a claimant's dependant (an award's beneficiary, the
    dependants assessed): in full to the claimant (``own``) and to officers, and in the bank file; masked
    for everyone else, a platform included (it registered the worker, not the worker's family)."""
    if purpose is Purpose.PAYMENT or own or role == "OFFICER":
        return FULL
    return MASKED


def disclosure(
    role: str, *, own: bool = False, purpose: Purpose = Purpose.SERVICE, listing: bool = False
) -> Disclosure:
    """What a reader of ``role`` is shown of a person (``own``: the person is the reader; ``listing``: the
    person is one of a list, not read on purpose)."""
    if purpose is Purpose.PAYMENT or own or (role == "OFFICER" and not listing):
        return FULL
    if role == "PLATFORM":
        return Disclosure(full_id=False, full_name=True)
    return MASKED


def mask_dependants(mapping: dict[str, Any], shown: Disclosure) -> dict[str, Any]:
    """A claim's facts or assessment with the names in its ``dependants`` list as ``shown`` allows (a
    copy; the rest as it is)."""
    dependants = mapping.get("dependants")
    if not isinstance(dependants, list):
        return mapping
    masked = [
        {**d, "name": shown.name(str(d["name"]))} if isinstance(d, dict) and "name" in d else d for d in dependants
    ]
    return {**mapping, "dependants": masked}


_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
_RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(\+?86[ -]?)?(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LONG_DIGITS = re.compile(r"(?<!\d)\d{12,19}(?!\d)")  # a bank card or account number


def mask_personal_text(text: str) -> str:
    """A message (a delivery's error, a peer's answer) with the personal data in it masked before it is
    shown: an email as its first character and domain (``a***@example.cn``), a resident ID as
    ``mask_resident_id``, a mobile number as ``138****5678``, a bank account as ``mask_bank_account``."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _RESIDENT_ID.sub(lambda m: mask_resident_id(m.group(0)), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1) or ''}{m.group(2)}****{m.group(3)}", text)
    return _LONG_DIGITS.sub(lambda m: mask_bank_account(m.group(0)), text)
