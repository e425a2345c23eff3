"""A partner's feed: a death register or hospital records of injuries, sent as a CSV file (the command
line) or as JSON rows (the partner API), checked row by row (``feed_rows``) and applied through the
agency's own services: a death is a death notice (``socsec.benefits.payments.death_notice_record``: the
next payment run stops the person's benefits); a hospital record is kept and confirms the injury on its
claim (``injuries``). The valid rows are applied and the refused ones reported, in one transaction with
the feed's record: a feed killed midway leaves nothing, and sending it again applies it.

Refused whole, with the reason kept (``refusals``): an agreement not in force or without the feed's scope,
a column the agreement does not let the partner send, an unreadable file, the partner's key used for other
rows. The same key with the same rows changes nothing and gets the first answer."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.benefits.payments import death_notices_record_many
from socsec.core.errors import Conflict, ValidationFailed

from .access import PartnerCall, call_require, fields_require
from .accounts import accounts_apply, check_accounts
from .catalogue import FEED_COLUMNS, FEED_SCOPE
from .errors import PartnerErrorCode
from .feed_rows import Checked, check_deaths, check_injuries
from .incomes import check_incomes, incomes_apply
from .injuries import hospital_records_apply
from .models import Agreement, Feed
from .platforms import check_platforms, platforms_apply
from .refusals import refusals_logged

FEED_MAX_ROWS = 20_000
FEED_MAX_BYTES = 8 * 1024 * 1024


def read_feed_csv(content: bytes) -> list[dict[str, str]]:
    """The rows of a CSV file with a header (UTF-8, a BOM allowed); refused whole when unreadable."""
    if len(content) > FEED_MAX_BYTES:
        raise ValidationFailed(
            "the file holds more than %(most)s bytes; send it in parts",
            code=PartnerErrorCode.FEED_UNREADABLE,
            params={"most": FEED_MAX_BYTES},
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("the file is not UTF-8 text", code=PartnerErrorCode.FEED_UNREADABLE) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ValidationFailed("the file has no header row", code=PartnerErrorCode.FEED_UNREADABLE)
    rows = []
    for row in reader:
        if None in row:  # more cells than the header names
            raise ValidationFailed(
                "line %(line)s has more cells than the header",
                code=PartnerErrorCode.FEED_UNREADABLE,
                params={"line": reader.line_num},
            )
        rows.append({k.strip(): v or "" for k, v in row.items()})
    return rows


def _digest(rows: list[dict[str, str]]) -> str:
    canonical = json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_columns(call: PartnerCall, kind: str, rows: list[dict[str, str]], action: str) -> None:
    required, optional = FEED_COLUMNS[kind]
    columns = sorted({name for row in rows for name in row} | set(required))
    unknown = [c for c in columns if c not in (*required, *optional)]
    if unknown:
        raise ValidationFailed(
            "%(columns)s: not a column of this feed (it has %(known)s)",
            field=unknown[0],
            params={"columns": ", ".join(unknown), "known": ", ".join((*required, *optional))},
        )
    fields_require(call, fields=columns, allowed=call.agreement.send_fields, action=action)


def feed_receive(
    *,
    call: PartnerCall,
    kind: str,
    rows: list[dict[str, str]],
    idempotency_key: str,
    first_row: int = 1,
    source: str = "",
    today: dt.date | None = None,
) -> tuple[Feed, bool]:
    """Check and apply a feed. Returns (feed, replayed): replayed when the same key and rows were
    received before (nothing is done again). ``first_row``: the number of the first row (2 in a CSV file
    with its header on line 1)."""
    today = today or timezone.localdate()
    action = f"feeds.{kind}"
    if kind not in FEED_COLUMNS:
        raise ValidationFailed("kind: %(kind)s is not a feed", field="kind", params={"kind": kind})
    call_require(call, scope=FEED_SCOPE[kind], action=action, today=today)
    with refusals_logged(action=action, agreement=call.agreement):
        if not idempotency_key or len(idempotency_key) > 100:
            raise ValidationFailed("idempotency_key: is required (1-100 characters)", field="idempotency_key")
        if not rows or len(rows) > FEED_MAX_ROWS:
            raise ValidationFailed(
                "rows: from 1 to %(most)s rows a feed",
                field="rows",
                code=PartnerErrorCode.FEED_UNREADABLE,
                params={"most": FEED_MAX_ROWS},
            )
        _check_columns(call, kind, rows, action)
        digest = _digest(rows)
        earlier = Feed.objects.filter(agreement=call.agreement, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replayed(earlier, digest, idempotency_key)
        checked = CHECKS[kind](rows, first=first_row, today=today, agreement=call.agreement)
        try:
            return _apply(call, kind, checked, rows, idempotency_key, digest, source, today), False
        except IntegrityError:  # the same key arrived twice at once: the other one applied it
            earlier = Feed.objects.filter(agreement=call.agreement, idempotency_key=idempotency_key).first()
            if earlier is None:
                raise
            return _replayed(earlier, digest, idempotency_key)


def _replayed(earlier: Feed, digest: str, key: str) -> tuple[Feed, bool]:
    if earlier.content_sha256 != digest:
        raise Conflict(
            "idempotency key %(key)r was used for other rows (feed %(feed)s)",
            field="idempotency_key",
            code=PartnerErrorCode.FEED_KEY_REUSED,
            params={"key": key, "feed": earlier.pk},
        )
    return earlier, True


def deaths_apply(*, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None:
    """The deaths as death notices, in bulk (the rows are checked: none is recorded already)."""
    partner = feed.agreement.partner
    deaths = [
        (row.person.pk, row.values["died_on"], f"{partner.name} {row.values['certificate_no']}".strip())
        for row in checked.valid
        if row.person is not None
    ]
    death_notices_record_many(actor=actor, deaths=deaths, today=today)


class _Check(Protocol):
    def __call__(self, rows: list[dict[str, str]], *, first: int, today: dt.date, agreement: Agreement) -> Checked: ...


class _Apply(Protocol):
    def __call__(self, *, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None: ...


# each feed: its row checks (bulk reads) and how its valid rows are applied (bulk writes where many)
CHECKS: dict[str, _Check] = {
    Feed.Kind.DEATHS: check_deaths,
    Feed.Kind.INJURIES: check_injuries,
    Feed.Kind.PLATFORMS: check_platforms,
    Feed.Kind.INCOMES: check_incomes,
    Feed.Kind.ACCOUNTS: check_accounts,
}
APPLY: dict[str, _Apply] = {
    Feed.Kind.DEATHS: deaths_apply,
    Feed.Kind.INJURIES: hospital_records_apply,
    Feed.Kind.PLATFORMS: platforms_apply,
    Feed.Kind.INCOMES: incomes_apply,
    Feed.Kind.ACCOUNTS: accounts_apply,
}


def _apply(
    call: PartnerCall,
    kind: str,
    checked: Checked,
    rows: list[dict[str, str]],
    key: str,
    digest: str,
    source: str,
    today: dt.date,
) -> Feed:
    actor = call.actor
    with transaction.atomic():
        feed = Feed.objects.create(
            agreement=call.agreement,
            kind=kind,
            idempotency_key=key,
            content_sha256=digest,
            received_at=timezone.now(),
            source=source[:200],
            rows_total=len(rows),
            rows_applied=len(checked.valid),
            rows_unchanged=checked.unchanged,
            rows_refused=checked.errors.invalid_rows,
            error_counts=dict(checked.errors.counts),
            errors=checked.errors.report(),
        )
        audit_record(actor=actor, action=f"partners.feed.{kind}", instance=feed)
        APPLY[kind](actor=actor, feed=feed, checked=checked, today=today)
    return feed
