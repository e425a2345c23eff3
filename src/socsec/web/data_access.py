"""The worker portal's "who read my data" section: the latest reads of the worker's personal data by
others, with the reader's role and name, why and what, in the page's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socsec.accounts.models import Role
from socsec.audit.models import ReadPurpose
from socsec.audit.reads import READ_KINDS, personal_reads, reader_of, reads_load_spooled

SHOWN = 10


def data_access_rows(person_id: int) -> list[dict[str, Any]]:
    reads_load_spooled()  # reads logged while a batch job held the database
    rows = []
    for read in personal_reads(person_id=person_id)[:SHOWN]:
        role, name = reader_of(read)
        role_label = Role(role).label if role in Role.values else _("the agency's systems")
        rows.append(
            {
                "at": read.at,
                "reader": f"{role_label} · {name}" if name else str(role_label),
                "purpose": ReadPurpose(read.purpose).label,
                "what": READ_KINDS.get(read.what, read.what),
            }
        )
    return rows
