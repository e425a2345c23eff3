"""Filters of the platform's pages: an assessment run's kind in words, a per-order amount in yuan."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def run_kind(code: str) -> str:
    """An assessment run's kind by its label ('ORIGINAL' -> 'First invoice of the month')."""
    from socsec.contributions.models import AssessmentRun

    return str(AssessmentRun.Kind(code).label) if code in AssessmentRun.Kind.values else str(code)


@register.filter
def per_order(amount: Decimal) -> str:
    """A per-order amount in yuan with its significant decimals, at least two: 0.250000 -> '0.25'."""
    value = amount.normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"
