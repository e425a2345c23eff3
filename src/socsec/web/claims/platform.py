"""A platform's claim page: the claims on its workers and what it owes itself on awarded claims."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socsec.accounts.access import principal_of, require_platform
from socsec.accounts.reads import record_read
from socsec.benefits import selectors as claim_selectors

from ..paging import page_of


@login_required
def platform_claims(request: HttpRequest) -> HttpResponse:
    """Claims on the platform's workers, newest first, a page at a time, and what it owes itself on awarded
    claims."""
    p = principal_of(request)
    platform = require_platform(p)
    page = page_of(request, claim_selectors.claims_on_platform(organisation=platform))
    claims = page.items
    record_read(p, [c.person_id for c in claims], "claims")
    context = {
        "claims": claims,
        "page": page,
        "liability": claim_selectors.liability_of(organisation=platform),
    }
    return render(request, "web/platform_claims.html", context)
