"""Logging a principal's read of personal data: the purpose follows from the role. A worker's reads of
their own data are not logged (see ``socsec.audit.reads``)."""

from __future__ import annotations

from collections.abc import Iterable

from socsec.audit.models import ReadPurpose
from socsec.audit.reads import log_personal_read

from .models import Role
from .permissions import Principal

PURPOSE_OF_ROLE = {
    Role.OFFICER: ReadPurpose.CASE_HANDLING,
    Role.SUPERVISOR: ReadPurpose.SUPERVISION,
    Role.AUDITOR: ReadPurpose.AUDIT,
    Role.PLATFORM: ReadPurpose.PLATFORM_ADMINISTRATION,
}


def record_read(p: Principal, person_ids: Iterable[int], what: str) -> int:
    """Log that ``p`` read ``what`` of these persons. Returns the rows written (0 for own data)."""
    others = [pid for pid in person_ids if pid != p.person_id]
    purpose = PURPOSE_OF_ROLE.get(p.role)
    if not others or purpose is None:
        return 0
    return log_personal_read(actor=p.actor, role=p.role.value, person_ids=others, purpose=purpose, what=what)
