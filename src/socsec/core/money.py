"""Showing money. Amounts are integer cents everywhere; this turns them into yuan text without float."""


def format_yuan(cents: int) -> str:
    """12345678 -> '123,456.78'; -5 -> '-0.05'."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole:,}.{part:02d}"
