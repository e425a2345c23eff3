"""The auditor's trail: filtered by actor, object, action and dates; paged by id through all of it, with
the total; exported whole as a streamed CSV with headers in the reader's language. Persons whose data the
shown entries hold are logged as read (``socsec.accounts.reads``)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import Principal, may_view_audit
from socsec.accounts.reads import record_read
from socsec.audit.models import AuditEntry
from socsec.audit.selectors import AuditFilter, audit_iter, audit_page
from socsec.core.csvsafe import csv_writer

from .audit_diff import changes, changes_text, object_label, persons_shown
from .audit_words import OBJECT_LABELS

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(
        label=gettext_lazy("Who (username or recorded actor)"), required=False, max_length=200, strip=True
    )
    object_type = forms.ChoiceField(label=gettext_lazy("Kind of record"), required=False)
    object_id = forms.CharField(label=gettext_lazy("Record number"), required=False, max_length=64, strip=True)
    action = forms.CharField(label=gettext_lazy("Action (code)"), required=False, max_length=60, strip=True)
    since = forms.DateField(label=gettext_lazy("From (date)"), required=False)
    until = forms.DateField(label=gettext_lazy("To (date, inclusive)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = sorted(((code, str(label)) for code, label in OBJECT_LABELS.items()), key=lambda c: c[1])
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All kinds")), *kinds]
        for name in ("since", "until"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def describe_errors(self) -> None:
        """Ties each refused field to its message (the template gives the message this id)."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-error"

    def audit_filter(self) -> AuditFilter:
        d = self.cleaned_data
        return AuditFilter(
            actor=d.get("actor") or "",
            object_type=d.get("object_type") or "",
            object_id=d.get("object_id") or "",
            action=d.get("action") or "",
            since=_start_of(d.get("since")),
            until=_start_of(d["until"] + dt.timedelta(days=1)) if d.get("until") else None,
        )


def _start_of(day: dt.date | None) -> dt.datetime | None:
    """Midnight of ``day`` where the agency is (the dates people type are local dates)."""
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _id_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _auditor(request: HttpRequest) -> Principal:
    p = principal_of(request)
    require(may_view_audit(p), "only auditors and supervisors read the audit trail")
    return p


def _filter_query(form: AuditFilterForm) -> dict[str, str]:
    """The filters as they were typed, to carry into the paging and export links."""
    return {k: str(form.data.get(k, "")) for k in form.fields if form.data.get(k)}


def _refused(request: HttpRequest, form: AuditFilterForm) -> HttpResponse:
    """Filters that cannot be read show nothing but the form with the reasons."""
    form.describe_errors()
    return render(request, "web/audit.html", {"form": form, "page": None, "rows": []}, status=422)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    p = _auditor(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    query = _filter_query(form)
    page = audit_page(
        form.audit_filter(),
        size=PAGE_SIZE,
        older_than=_id_param(request, "older"),
        newer_than=_id_param(request, "newer"),
    )
    record_read(p, sorted({pid for e in page.entries for pid in persons_shown(e)}), "audit trail")
    rows = [
        {
            "e": e,
            "kind": object_label(e.object_type),
            "changes": changes(e),
            "by_actor": urlencode({"actor": e.actor_label}),
            "by_object": urlencode({"object_type": e.object_type, "object_id": e.object_id}),
        }
        for e in page.entries
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "last": page.first + len(page.entries) - 1,
        "query": urlencode(query),
        "older_link": urlencode({**query, "older": page.older}) if page.older else "",
        "newer_link": urlencode({**query, "newer": page.newer}) if page.newer else "",
    }
    return render(request, "web/audit.html", context)


def _csv_line(row: list[object]) -> str:
    out = io.StringIO()
    csv_writer(out).writerow(row)
    return out.getvalue()


def _export_rows(p: Principal, f: AuditFilter, language: str) -> Iterator[str]:
    with translation.override(language):  # the rows are written after the view has returned
        yield from _export_lines(p, f)


def _export_lines(p: Principal, f: AuditFilter) -> Iterator[str]:
    yield "\ufeff"  # BOM: opens in Excel
    header = [_("Entry"), _("When"), _("Who"), _("Action"), _("Kind of record"), _("Record number")]
    yield _csv_line([*header, _("Changes"), _("Before (as recorded)"), _("After (as recorded)"), _("Hash")])
    for chunk in audit_iter(f):
        record_read(p, sorted({pid for e in chunk for pid in persons_shown(e)}), "audit trail")
        yield "".join(_csv_line(_export_row(e)) for e in chunk)


def _export_row(e: AuditEntry) -> list[object]:
    return [
        e.pk,
        timezone.localtime(e.at).isoformat(timespec="seconds"),
        e.actor_label,
        e.action,
        object_label(e.object_type) or e.object_type,
        e.object_id,
        changes_text(changes(e)),
        json.dumps(e.before, ensure_ascii=False, sort_keys=True) if e.before is not None else "",
        json.dumps(e.after, ensure_ascii=False, sort_keys=True) if e.after is not None else "",
        e.hash,
    ]


@login_required
def audit_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The whole filtered trail as CSV, streamed in chunks: any size, flat memory."""
    p = _auditor(request)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return _refused(request, form)
    response = StreamingHttpResponse(
        _export_rows(p, form.audit_filter(), translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
