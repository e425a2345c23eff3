"""The interface to the tax authority's exchange, as a real tax system would fit it: deliver a handover
document, then fetch its results file once the collection is done, and later the files of payments
collected after the results (receipts). ``standin.DropFolderExchange`` is the
local stand-in; ``exchange_configured`` builds the one the settings name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .documents import HandoverDocument


class ExchangeUnavailable(Exception):
    """The exchange did not answer (down, unreachable, timed out): worth trying again later."""


@dataclass(frozen=True)
class Acknowledgement:
    document_id: str
    receipt: str  # the tax authority's reference of the document


class TaxExchange(Protocol):
    def send(self, document: HandoverDocument) -> Acknowledgement:
        """Deliver a document; the same document delivered twice is acknowledged once (same receipt)."""
        ...

    def fetch_results(self, document_id: str) -> bytes | None:
        """The document's results file, or None while the collection is not done."""
        ...

    def receipt_files(self) -> list[str]:
        """The names of the files of later payments published so far, oldest first (``receipt_files``
        module: the payments collected on documents after their results)."""
        ...

    def fetch_receipt_file(self, name: str) -> bytes:
        """A file of later payments, as published under its name."""
        ...


def exchange_configured() -> TaxExchange:
    """The exchange the settings name (``SOCSEC_TAX_EXCHANGE``): the drop-folder stand-in."""
    from django.conf import settings

    from .standin import DropFolderExchange

    conf = settings.SOCSEC_TAX_EXCHANGE
    return DropFolderExchange(
        conf["folder"],
        unpaid_persons=frozenset(conf.get("unpaid_persons", ())),
        part_paid_persons=frozenset(conf.get("part_paid_persons", ())),
        unpaid_schemes=frozenset(conf.get("unpaid_schemes", ())),
    )
