"""A platform's claim page: the claims on its workers and what it owes itself on awarded claims."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socsec.accounts.access import principal_of, require_platform
from socsec.accounts.reads import record_read
from socsec.benefits import selectors as claim_selectors


@login_required
def platform_claims(request: HttpRequest) -> HttpResponse:
    """Claims on the platform's workers and what it owes itself on awarded claims."""
    p = principal_of(request)
    platform = require_platform(p)
    claims = list(claim_selectors.claims_on_platform(organisation=platform))
    record_read(p, [c.person_id for c in claims], "claims")
    context = {
        "claims": claims,
        "liability": claim_selectors.liability_of(organisation=platform),
    }
    return render(request, "web/platform_claims.html", context)
