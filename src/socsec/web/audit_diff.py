"""An audit entry's before and after as a person reads it: one line per recorded field that changed (every
field for a record made), the field by name in the reader's language, and each field the audit policy
withholds named as withheld, never its value."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from socsec.audit.models import AuditEntry
from socsec.audit.policy import AUDIT_FIELDS
from socsec.core.money import format_yuan

from .audit_words import FIELD_LABELS, OBJECT_LABELS

WITHHELD = object()  # a value the trail never holds


@dataclass(frozen=True)
class Change:
    field: str  # the field's code
    label: str  # the field in words, "" where none is known (the page shows the code)
    before: str
    after: str
    withheld: bool = False


def object_label(object_type: str) -> str:
    label: Promise | None = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else ""


def field_label(name: str) -> str:
    label: Promise | None = FIELD_LABELS.get(name)
    return str(label) if label is not None else ""


def shown(name: str, value: Any) -> str:
    """A recorded value as text: amounts in cents as yuan, yes/no, structures as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_cents") and isinstance(value, int):
        return format_yuan(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return str(value)


def changes(entry: AuditEntry) -> list[Change]:
    """The fields that differ between before and after, in the policy's order; every recorded field when
    the entry made the record (no before); then the withheld fields."""
    before: dict[str, Any] = entry.before or {}
    after: dict[str, Any] = entry.after or {}
    policy = AUDIT_FIELDS.get(entry.object_type)
    order = list(policy.recorded) if policy else []
    names = order + sorted((set(before) | set(after)) - set(order))
    made = entry.before is None
    out = []
    for name in names:
        if name not in before and name not in after:
            continue
        old, new = before.get(name), after.get(name)
        if not made and old == new:
            continue
        out.append(Change(name, field_label(name), "—" if made else shown(name, old), shown(name, new)))
    for name in policy.withheld if policy else ():
        word = _("withheld")
        out.append(Change(name, field_label(name), word, word, withheld=True))
    return out


def changes_text(items: Iterable[Change]) -> str:
    """The changes on one line, for the export: "field: before → after; ..."."""
    return "; ".join(f"{c.label or c.field}: {c.before} → {c.after}" for c in items)


def persons_shown(entry: AuditEntry) -> set[int]:
    """The persons whose data the entry shows: the person it is about, and any person its fields name."""
    ids = set()
    if entry.object_type == "registry.Person" and entry.object_id.isdigit():
        ids.add(int(entry.object_id))
    for side in (entry.before, entry.after):
        value = side.get("person_id") if isinstance(side, dict) else None
        if isinstance(value, int):
            ids.add(value)
    return ids
