"""The month's run with the tax authority, as the command line and the background job start it: hand
over the month's assessed amounts, then fetch every result that has come in and the later payments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from socsec.audit.services import Actor

from .documents import DueLine
from .exchange import TaxExchange, exchange_configured
from .handovers import SendReport, handovers_send
from .receipts import receipts_fetch
from .results import FetchReport, handovers_fetch
from .sources import due_lines_configured


@dataclass(frozen=True)
class ExchangeRun:
    sent: SendReport
    fetched: FetchReport


def _retries() -> tuple[int, float]:
    conf = settings.SOCSEC_TAX_EXCHANGE
    return int(conf.get("retries", 3)), float(conf.get("retry_wait_seconds", 2))


def tax_send(
    *, actor: Actor, month: str, lines: Iterable[DueLine] | None = None, exchange: TaxExchange | None = None
) -> SendReport:
    """Hand over the month (the lines given, else those of the configured source)."""
    due = due_lines_configured(month) if lines is None else lines
    retries, wait = _retries()
    ex = exchange or exchange_configured()
    return handovers_send(actor=actor, month=month, lines=due, exchange=ex, retries=retries, wait_seconds=wait)


def tax_fetch(*, actor: Actor, month: str | None = None, exchange: TaxExchange | None = None) -> FetchReport:
    """Fetch every result that has come in (of a month, or all), then the later payments published."""
    retries, wait = _retries()
    ex = exchange or exchange_configured()
    report = handovers_fetch(actor=actor, exchange=ex, month=month, retries=retries, wait_seconds=wait)
    report.receipts = receipts_fetch(actor=actor, exchange=ex)
    return report


def tax_exchange_run(*, actor: Actor, month: str, exchange: TaxExchange | None = None) -> ExchangeRun:
    ex = exchange or exchange_configured()
    return ExchangeRun(tax_send(actor=actor, month=month, exchange=ex), tax_fetch(actor=actor, exchange=ex))
