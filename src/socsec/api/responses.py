"""What the OpenAPI says of every operation besides its success: the error statuses it can answer (each
with the one ``ErrorOut`` shape), the codes ``ErrorOut.code`` can take, and cursor pagination of lists.

``responses({200: X}, 404, 409)`` is the one way an endpoint declares its answers: the statuses any call
can get (a bad body, no credentials, not allowed, invalid input, too many requests) are always added.
A list answers ``{items, next_cursor}``: ``next_cursor`` is opaque (the last id of the page) and is sent
back as ``cursor`` for the next page; ``limit`` is 1 to 500."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import create_model

from socsec.accounts.errors import AccountErrorCode
from socsec.api.errors import ApiErrorCode, ErrorOut
from socsec.assistant.errors import AssistantErrorCode
from socsec.benefits.errors import BenefitErrorCode
from socsec.campaigns.errors import CampaignErrorCode
from socsec.contributions.errors import ContributionErrorCode, OrderRowErrorCode
from socsec.core.errors import ErrorCode, ValidationFailed
from socsec.coverage.errors import CoverageErrorCode
from socsec.employers.errors import EmployerErrorCode, PayrollRowErrorCode
from socsec.feedback.errors import FeedbackErrorCode
from socsec.interagency.errors import InterAgencyErrorCode
from socsec.jobs.errors import JobErrorCode
from socsec.notifications.errors import NotifyErrorCode
from socsec.partners.errors import PartnerErrorCode
from socsec.pension_accounts.errors import PensionAccountErrorCode
from socsec.quality.errors import QualityErrorCode
from socsec.registry.errors import RegistryErrorCode
from socsec.risk.errors import RiskErrorCode
from socsec.taxexchange.errors import TaxExchangeErrorCode
from socsec.transfers.errors import TransferErrorCode

# any call can get these: 400 a body that cannot be read, 401 no or bad credentials, 403 not allowed,
# 422 invalid input, 429 too many requests
COMMON_ERRORS = (400, 401, 403, 422, 429)


ERROR_CODE_ENUMS: tuple[type[StrEnum], ...] = (
    ErrorCode,
    ApiErrorCode,
    AccountErrorCode,
    AssistantErrorCode,
    BenefitErrorCode,
    ContributionErrorCode,
    CoverageErrorCode,
    EmployerErrorCode,
    InterAgencyErrorCode,  # a refusal's code, in a signed acknowledgement's "code"
    PartnerErrorCode,  # the partner API's refusals
    JobErrorCode,  # the jobs' refusals (the pages show them; a jobs API would answer with them)
    PensionAccountErrorCode,
    RegistryErrorCode,
    TaxExchangeErrorCode,  # the exchange's refusals (the commands and pages show them)
    FeedbackErrorCode,  # a rating refused (the pages show them)
    TransferErrorCode,  # a transfer's refusals (an agency's acknowledgement of a transfer document carries them)
    NotifyErrorCode,  # a notification refused (the preferences and outbox pages)
    RiskErrorCode,  # an officer's outcome of a risk case refused
    CampaignErrorCode,  # a campaign refused (an empty segment, an idempotency key used for another)
    QualityErrorCode,  # a data correction refused (the quality pages and API)
)


def error_codes() -> list[str]:
    """Every code an error response may carry, sorted: the union of the apps' enums."""
    return sorted({str(member) for enum in ERROR_CODE_ENUMS for member in enum})


# codes of the rows of an order batch's or a payroll declaration's error report (not of an error response)
ROW_CODE_ENUMS: tuple[type[StrEnum], ...] = (OrderRowErrorCode, PayrollRowErrorCode)


def row_error_codes() -> list[str]:
    """Every code a row of an order batch's error report may carry, sorted."""
    return sorted({str(member) for enum in ROW_CODE_ENUMS for member in enum})


def responses(ok: Mapping[int, Any], *errors: int) -> dict[int, Any]:
    """The responses of one operation: its successes, the common errors and the ones named."""
    out: dict[int, Any] = dict(ok)
    for status in sorted({*COMMON_ERRORS, *errors}):
        out[status] = ErrorOut
    return out


_PAGES: dict[type, type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of a page of ``item``: ``{items: [item], next_cursor: str | null}``, named ``<item>Page``."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Out") + "Page"
        _PAGES[item] = create_model(
            name,
            __base__=Schema,
            items=(list[item], ...),  # type: ignore[valid-type]
            next_cursor=(str | None, Field(None, description="Send as `cursor` for the next page; null at the end.")),
        )
    return _PAGES[item]


class PageIn(Schema):
    cursor: str | None = Field(None, max_length=40, description="The `next_cursor` of the previous page.")
    limit: int = Field(100, ge=1, le=500, description="Items per page (1-500).")


def encode_cursor(last: int) -> str:
    """The cursor of a page that ends at ``last`` (an id, or a position): ``decode_cursor`` reads it."""
    return base64.urlsafe_b64encode(f"v1:{last}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor stands for; a cursor this API did not give is refused (422, field ``cursor``)."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _, number = text.partition(":")
        if prefix != "v1" or not number.isdigit() or len(number) > 18:
            raise ValueError(text)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationFailed("cursor: is not a cursor this API gave; start without one.", field="cursor") from None


M = TypeVar("M", bound=Model)


def paginate(
    queryset: QuerySet[M], page: PageIn, render: Callable[[M], Any], *, newest_first: bool = False
) -> dict[str, Any]:
    """One page of a queryset by id (ascending, or descending when ``newest_first``)."""
    after = decode_cursor(page.cursor)
    if after is not None:
        queryset = queryset.filter(pk__lt=after) if newest_first else queryset.filter(pk__gt=after)
    rows = list(queryset.order_by("-pk" if newest_first else "pk")[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": [render(r) for r in rows], "next_cursor": encode_cursor(rows[-1].pk) if more else None}


def paginate_read(
    read: Callable[..., list[M]], page: PageIn, render: Callable[[M], Any], **values: Any
) -> dict[str, Any]:
    """``paginate`` for a read that pages itself by id, ascending (``read(after=, size=, **values)``): one
    more row than the page is read to know whether another page follows."""
    rows = read(after=decode_cursor(page.cursor), size=page.limit + 1, **values)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return {"items": [render(r) for r in rows], "next_cursor": encode_cursor(rows[-1].pk) if more else None}


T = TypeVar("T")


def as_is(item: T) -> T:
    """``paginate``'s render when the caller renders the page itself (after logging what it shows)."""
    return item


def paginate_list(items: Sequence[T], page: PageIn, key: Callable[[T], int]) -> dict[str, Any]:
    """One page of items computed in memory, ordered by ``key`` (an id, or a position when they have none)."""
    after = decode_cursor(page.cursor)
    ordered = sorted(items, key=key)
    if after is not None:
        ordered = [i for i in ordered if key(i) > after]
    chunk = ordered[: page.limit]
    more = len(ordered) > page.limit
    return {"items": list(chunk), "next_cursor": encode_cursor(key(chunk[-1])) if more else None}


def paginate_in_order(items: Sequence[T], page: PageIn) -> dict[str, Any]:
    """One page of a list that has its own order and no ids (a work queue, a record by month): the
    cursor stands for a position in it."""
    numbered = list(enumerate(items, start=1))
    out = paginate_list(numbered, page, key=lambda pair: pair[0])
    out["items"] = [item for _, item in out["items"]]
    return out


def paginate_ordered(queryset: QuerySet[M], page: PageIn) -> dict[str, Any]:
    """One page of a queryset with its own order (a work queue), read a page at a time in the database: the
    cursor stands for a position in it, as ``paginate_in_order``'s does."""
    after = decode_cursor(page.cursor) or 0
    rows = list(queryset[after : after + page.limit + 1])
    more = len(rows) > page.limit
    return {"items": rows[: page.limit], "next_cursor": encode_cursor(after + page.limit) if more else None}
