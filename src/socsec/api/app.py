"""The API as served: the NinjaAPI of ``socsec.api.base`` with every domain router mounted under ``/api/``.

One router per domain: me (who the caller is), registry, coverage, audit, orders, collection (payments
and arrears), statements, own contributions, pension accounts, projections, claims, employers, and the
documents other agencies send (interagency)."""

from __future__ import annotations

from socsec.api import (
    assistant,
    audit,
    campaigns,
    claims,
    collection,
    coverage,
    employers,
    interagency,
    me,
    orders,
    own_contributions,
    partner,
    pension,
    projections,
    quality,
    registry,
    risk,
    statements,
    supervision,
)
from socsec.api.base import api

__all__ = ["api"]

for module in (me, coverage, registry, audit, orders, collection, statements, own_contributions, pension):
    api.add_router("", module.router)
api.add_router("", projections.router)
api.add_router("", claims.router)
api.add_router("", employers.router)
api.add_router("", interagency.router)
api.add_router("", supervision.router)
api.add_router("", risk.router)
api.add_router("", quality.router)
api.add_router("", partner.router)
api.add_router("", assistant.router)
api.add_router("", campaigns.router)
