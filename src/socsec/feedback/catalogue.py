"""The catalogue of the agency's public services a person can rate: what each is, where it is done, what
the person must bring, and the time limit promised, each limit a dated parameter of the rules with its
reference (the law's limit where one exists: a claim's decision; the agency's published commitment
otherwise)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socsec.rules.parameters import load_parameters

from .models import Service

ONLINE = _("online, on the worker portal, any hour")

# service: (the parameter of its time limit, what it is, what the person brings)
_ENTRIES: dict[Service, tuple[str, Promise, Promise]] = {
    Service.CLAIM_DECISION: (
        "claims.deadlines.decision",
        _("The agency decides a claim for a benefit (injury, pension, unemployment, long-term care)."),
        _("Nothing the agency already holds: work, orders and records are read from the registers."),
    ),
    Service.FIRST_PAYMENT: (
        "service.promises.first_payment",
        _("An awarded benefit is paid to the person's bank account for the first time."),
        _("Nothing: the bank account of the claim is used."),
    ),
    Service.CONTRIBUTION_CREDIT: (
        "service.promises.contribution_credit",
        _("A contribution the person pays online is put on their record and individual account."),
        _("Nothing: the payment is matched to the person."),
    ),
    Service.PENSION_TRANSFER: (
        "service.promises.pension_transfer",
        _("The pension relation and its funds move from this agency to the agency of the new place of work."),
        _("Nothing more than the request: the record and the amounts are read from the registers."),
    ),
}


@dataclass(frozen=True)
class CatalogueEntry:
    service: Service
    what: Promise
    documents: Promise
    channel: Promise
    limit_days: int
    limit: dict[str, Any]  # the parameter: path, value, effective date, reference

    @property
    def label(self) -> str:
        return str(self.service.label)


def catalogue(on: dt.date) -> list[CatalogueEntry]:
    """Every service, with the time limit in force on the day."""
    parameters = load_parameters()
    entries = []
    for service, (path, what, documents) in _ENTRIES.items():
        leaf = parameters.leaf(path).resolve(on)
        entries.append(CatalogueEntry(service, what, documents, ONLINE, leaf.as_int(), leaf.as_dict()))
    return entries


def limit_days(service: Service, on: dt.date) -> int:
    return int(load_parameters().leaf(_ENTRIES[service][0]).resolve(on).as_int())


def rating_window_days(on: dt.date) -> int:
    """How long after its completion a service may be rated."""
    return int(load_parameters().leaf("service.promises.rating_window").resolve(on).as_int())
