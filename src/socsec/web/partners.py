"""The partners on the officers' pages: each department with its agreements (purpose, legal basis, scopes,
fields it may read and send, validity), its feeds and its refused attempts; the yearly check of pensioners
(the last run and the pensioners to look at, a page at a time); and the auditors' page of the read log,
filtered by person, agreement, purpose and dates (it names persons by number: reading it is not logged). The
persons the other pages show are logged as read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.permissions import Principal, may_view_audit
from socsec.accounts.reads import record_read
from socsec.audit.models import ReadPurpose
from socsec.audit.reads import READ_KINDS, personal_reads, reader_of, reads_load_spooled
from socsec.core.masking import mask_bank_account
from socsec.partners.catalogue import READ_FIELDS, SCOPES
from socsec.partners.models import Agreement, Partner
from socsec.partners.selectors import (
    accounts_held,
    agreements_by_reference,
    agreements_of,
    checks_needing_attention,
    feeds_of,
    incomes_beside_bases,
    last_check_run,
    partner_get,
    partners_list,
    payment_account_of,
    platforms_flagged,
    refusals_of,
)

from .paging import page_of


def partner_name(partner: Partner) -> str:
    """The partner's name in the page's language (its Chinese name where it has one)."""
    return partner.name_zh if partner.name_zh and (get_language() or "").startswith("zh") else partner.name


def agreement_purpose(agreement: Agreement) -> str:
    """The agreement's purpose in the page's language (in Chinese where it has it)."""
    chinese = agreement.purpose_zh and (get_language() or "").startswith("zh")
    return agreement.purpose_zh if chinese else agreement.purpose


def _agreement_row(agreement: Agreement, today: dt.date) -> dict[str, Any]:
    return {
        "a": agreement,
        "in_force": agreement.is_valid_on(today),
        "purpose": agreement_purpose(agreement),
        "scopes": [SCOPES.get(s, s) for s in agreement.scopes],
        "read_fields": [READ_FIELDS.get(f, f) for f in agreement.read_fields],
    }


@login_required
def officer_partners(request: HttpRequest) -> HttpResponse:
    require_staff(principal_of(request))
    today = timezone.localdate()
    rows = [
        {"partner": p, "name": partner_name(p), "agreements": [_agreement_row(a, today) for a in p.agreements.all()]}
        for p in partners_list()
    ]
    return render(request, "web/officer_partners.html", {"rows": rows})


@login_required
def officer_partner(request: HttpRequest, code: str) -> HttpResponse:
    require_staff(principal_of(request))
    partner = partner_get(code=code)
    today = timezone.localdate()
    context = {
        "partner": partner,
        "name": partner_name(partner),
        "agreements": [_agreement_row(a, today) for a in agreements_of(partner)],
        "feeds": list(feeds_of(partner)[:20]),
        "page": page_of(request, refusals_of(partner), size=20),
    }
    return render(request, "web/officer_partner.html", context)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= this_year else this_year


@login_required
def officer_pensioner_checks(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    require_staff(p)
    year = _year(request)
    page = page_of(request, checks_needing_attention(year=year))
    record_read(p, [c.person_id for c in page.items], "pensioner check")
    context = {"year": year, "run": last_check_run(year=year), "page": page}
    return render(request, "web/officer_pensioner_checks.html", context)


def _day(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None


def _moment(day: dt.date | None) -> dt.datetime | None:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None


@login_required
def audit_data_access(request: HttpRequest) -> HttpResponse:
    """Auditors: who read whose data, why, under which agreement; newest first, a page at a time."""
    require(may_view_audit(principal_of(request)), "only auditors and supervisors read the data access log")
    reads_load_spooled()
    raw_person = request.GET.get("person_id", "")
    person_id = int(raw_person) if raw_person.isascii() and raw_person.isdigit() and len(raw_person) < 19 else None
    purpose = request.GET.get("purpose", "")
    purpose = purpose if purpose in ReadPurpose.values else ""
    agreement = request.GET.get("agreement", "").strip()[:40]
    since, until = _day(request, "since"), _day(request, "until")
    reads = personal_reads(
        person_id=person_id,
        agreement=agreement or None,
        purpose=purpose or None,
        since=_moment(since),
        until=_moment(until + dt.timedelta(days=1) if until else None),
    )
    page = page_of(request, reads)  # persons by number only: reading the log reads no one's data
    agreements = agreements_by_reference(r.agreement or "" for r in page.items)
    rows = []
    for read in page.items:
        role, name = reader_of(read)
        shown = agreements.get(read.agreement or "")
        rows.append(
            {
                "r": read,
                "reader": partner_name(shown.partner) if shown else name,
                "role": role,
                "purpose": ReadPurpose(read.purpose).label,
                "what": READ_KINDS.get(read.what, read.what),
            }
        )
    context = {
        "rows": rows,
        "page": page,
        "purposes": ReadPurpose.choices,
        "filters": {
            "person_id": raw_person if person_id else "",
            "agreement": agreement,
            "purpose": purpose,
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
        },
    }
    return render(request, "web/audit_data_access.html", context)


@login_required
def officer_partner_data(request: HttpRequest) -> HttpResponse:
    """What the partners' feeds left for an officer: platforms deregistered by the market regulator while
    the agency has them, and persons whose payments are held because their bank found their account
    invalid or closed (logged as read)."""
    p = principal_of(request)
    require_staff(p)
    page = page_of(request, accounts_held(), size=50)
    record_read(p, [a.person_id for a in page.items], "payment account")
    context = {"platforms": list(platforms_flagged()[:200]), "page": page}
    return render(request, "web/officer_partner_data.html", context)


def person_partner_data_context(p: Principal, person_id: int) -> dict[str, Any]:
    """For staff on a person's page: the payment account (masked) and what its bank said of it, and the
    incomes the tax authority declared beside the contribution base the person chose."""
    if not p.is_staff:
        return {}
    account = payment_account_of(person_id)
    return {
        "partner_data": True,
        "payment_account": account,
        "payment_account_masked": mask_bank_account(account.account_no) if account else "",
        "declared_incomes": incomes_beside_bases(person_id),
    }
