"""Showing money. Amounts are integer cents everywhere; this turns them into yuan text without float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_yuan(cents: int) -> str:
    """12345678 -> '123,456.78'; -5 -> '-0.05'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}.{part:02d}"


MAX_YUAN = 10**10  # ten billion yuan: above any amount a person or a form can mean


def parse_yuan(raw: str) -> int:
    """A typed amount in yuan (``1234.5``) as whole cents, half up; ValueError unless it is a finite number
    from 0 to ten billion yuan."""
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{raw!r} is not a number") from None
    if not value.is_finite() or not 0 <= value <= MAX_YUAN:
        raise ValueError(f"{raw!r} is not an amount from 0 to {MAX_YUAN:,} yuan")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
