"""The worker portal's "who read my data" section: the latest reads of the worker's personal data by
others, with the reader's role and name, why and what, in the page's language. A partner department's
read names the department and its agreement's purpose and reference."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from socsec.accounts.models import Role
from socsec.audit.models import ReadPurpose
from socsec.audit.reads import READ_KINDS, personal_reads, reader_of, reads_load_spooled
from socsec.partners.selectors import agreements_by_reference

from .partners import agreement_purpose, partner_name

SHOWN = 10


def data_access_rows(person_id: int) -> list[dict[str, Any]]:
    reads_load_spooled()  # reads logged while a batch job held the database
    reads = list(personal_reads(person_id=person_id)[:SHOWN])
    agreements = agreements_by_reference(read.agreement or "" for read in reads)
    rows = []
    for read in reads:
        role, name = reader_of(read)
        agreement = agreements.get(read.agreement or "")
        purpose = str(ReadPurpose(read.purpose).label)
        if agreement is not None:
            role_label, name = str(_("Another department")), partner_name(agreement.partner)
            purpose = _("%(purpose)s (agreement %(reference)s)") % {
                "purpose": agreement_purpose(agreement),
                "reference": agreement.reference,
            }
        else:
            role_label = str(Role(role).label) if role in Role.values else _("the agency's systems")
        rows.append(
            {
                "at": read.at,
                "reader": f"{role_label} · {name}" if name else str(role_label),
                "purpose": purpose,
                "what": READ_KINDS.get(read.what, read.what),
                "partner": agreement is not None,
            }
        )
    return rows
