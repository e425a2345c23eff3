"""The errors of a bulk import: every bad row (1-based) with its field and reason, raised as one."""

from __future__ import annotations

from dataclasses import dataclass

from socsec.core.errors import ValidationFailed


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


def raise_row_problems(problems: list[RowError]) -> None:
    """One error for a whole batch: every bad row (1-based) with its field and reason, in row order."""
    if not problems:
        return
    problems.sort(key=lambda p: p.row)
    first = problems[0]
    raise ValidationFailed(
        "%(count)s problem(s); first: row %(row)s %(field)s %(first_message)s",
        field=first.field,
        details={"rows": [p.__dict__ for p in problems]},
        params={"count": len(problems), "row": first.row, "field": first.field, "first_message": first.message},
    )
