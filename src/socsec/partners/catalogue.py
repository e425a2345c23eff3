"""What a partner's agreement can name: the scopes of the partner API (what a token may do), the person
fields a partner may read, and the columns each feed sends. An agreement lists a subset of each; the
token endpoint grants no scope outside it and the API answers no field outside it."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SCOPES: dict[str, str | Promise] = {
    "persons:read": _("Look up persons (the fields of the agreement)"),
    "deaths:send": _("Send deaths from the civil register"),
    "injuries:send": _("Send hospital records of injuries"),
    "platforms:send": _("Send platform enterprises' market registrations"),
    "incomes:send": _("Send declared incomes"),
    "accounts:send": _("Send bank account checks"),
}

# the person fields the lookup can answer, as a person reads them on the portal
READ_FIELDS: dict[str, str | Promise] = {
    "name": _("name"),
    "birth_date": _("date of birth"),
    "sex": _("sex"),
    "residence_region": _("region of residence"),
    "died_on": _("date of death, where recorded"),
    "receives_pension": _("whether an old-age pension is paid"),
}

# the columns of each feed: required first, then optional
FEED_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "deaths": (("resident_id", "died_on"), ("certificate_no",)),
    "injuries": (("resident_id", "injured_on", "hospital", "admitted_on"), ("diagnosis_code",)),
    "platforms": (("credit_code", "name", "registered_on", "status"), ()),
    "incomes": (("resident_id", "period", "source", "amount_cents"), ()),
    "accounts": (("resident_id", "account_no", "result"), ("checked_on",)),
}
FEED_SCOPE = {kind: f"{kind}:send" for kind in FEED_COLUMNS}

SEND_FIELDS: tuple[str, ...] = tuple(
    dict.fromkeys(c for required, optional in FEED_COLUMNS.values() for c in (*required, *optional))
)
