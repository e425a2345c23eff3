"""The tax exchange's error codes: what a caller of its services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class TaxExchangeErrorCode(StrEnum):
    UNREACHABLE = "tax_exchange_unreachable"  # the tax authority's exchange did not answer after the retries
    RESULTS_MALFORMED = "tax_results_malformed"  # a results file that cannot be read as a whole: nothing kept
    NO_PAYROLL_SOURCE = "tax_no_payroll_source"  # no source of the month's assessed amounts is configured
    LINES_INVALID = "tax_lines_invalid"  # assessed amounts that cannot be handed over (mixed months, negative)
    RECEIPTS_MALFORMED = "tax_receipts_malformed"  # a receipts file that cannot be read as a whole: nothing kept
    RECEIPT_REFUSED = "tax_receipt_refused"  # a receipt for no document with results, no line, or over the due
