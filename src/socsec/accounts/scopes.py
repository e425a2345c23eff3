"""Which scope an API token needs for each operation. Reading needs ``read``; each write names its own
scope below, and a write not named here is refused to every token (a new endpoint must be given one)."""

from __future__ import annotations

import re

from django.http import HttpRequest

from .models import Scope

EVERY_SCOPE: tuple[str, ...] = tuple(Scope.values)
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# (method, path as the OpenAPI names it) -> scope
WRITE_SCOPES: dict[tuple[str, str], Scope] = {
    ("POST", "/api/workers"): Scope.REGISTRY_WRITE,
    ("POST", "/api/persons"): Scope.REGISTRY_WRITE,
    ("POST", "/api/organisations"): Scope.REGISTRY_WRITE,
    ("POST", "/api/engagements"): Scope.REGISTRY_WRITE,
    ("POST", "/api/engagements/{engagement_id}/end"): Scope.REGISTRY_WRITE,
    ("POST", "/api/engagements/{engagement_id}/end-decision"): Scope.REGISTRY_WRITE,
    ("POST", "/api/persons/{person_id}/reliefs"): Scope.REGISTRY_WRITE,
    ("POST", "/api/activations"): Scope.REGISTRY_WRITE,
    ("POST", "/api/orders/batches"): Scope.ORDERS_WRITE,
    ("POST", "/api/orders/batches/{batch_id}/withdrawal"): Scope.ORDERS_WRITE,
    ("POST", "/api/oip/adjustments"): Scope.ORDERS_WRITE,
    ("POST", "/api/payments"): Scope.PAYMENTS_WRITE,
    ("POST", "/api/payment-declarations/{declaration_id}/confirm"): Scope.PAYMENTS_WRITE,
    ("POST", "/api/payment-declarations/{declaration_id}/approve"): Scope.PAYMENTS_WRITE,
    ("POST", "/api/payment-declarations/{declaration_id}/reject"): Scope.PAYMENTS_WRITE,
    ("POST", "/api/claims"): Scope.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/decision"): Scope.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/assessment"): Scope.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/approval"): Scope.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/appeal"): Scope.CLAIMS_WRITE,
    ("POST", "/api/claims/{claim_id}/withdrawal"): Scope.CLAIMS_WRITE,
    ("POST", "/api/retention-rebates"): Scope.CLAIMS_WRITE,
    ("POST", "/api/me/contributions/own/payments"): Scope.REGISTRY_WRITE,
    ("POST", "/api/me/enrolments"): Scope.REGISTRY_WRITE,
    ("POST", "/api/me/withholding"): Scope.REGISTRY_WRITE,
    ("POST", "/api/me/withholding/{mandate_id}/end"): Scope.REGISTRY_WRITE,
    ("POST", "/api/pension/interest-credits"): Scope.REGISTRY_WRITE,
    ("POST", "/api/employers/payroll/declarations"): Scope.PAYROLL_WRITE,
}

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def operation_path(request: HttpRequest) -> str:
    """The path of the operation the request reached, as the OpenAPI names it (``/api/claims/{claim_id}``)."""
    match = request.resolver_match
    route = match.route if match is not None else request.path.lstrip("/")
    return "/" + _CONVERTER.sub(r"{\1}", route)


def scope_needed(method: str, path: str) -> str | None:
    """The scope an operation needs; None when no token may call it."""
    if method.upper() in READ_METHODS:
        return Scope.READ.value
    scope = WRITE_SCOPES.get((method.upper(), path))
    return scope.value if scope is not None else None


def parse_scopes(names: list[str] | tuple[str, ...]) -> list[str]:
    """The scopes named, checked and in a fixed order; a name that is not a scope raises ValueError."""
    unknown = sorted(set(names) - set(EVERY_SCOPE))
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)} (one of {', '.join(EVERY_SCOPE)})")
    return [s for s in EVERY_SCOPE if s in names]
