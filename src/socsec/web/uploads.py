"""The platform's order upload page: the file (CSV in UTF-8 or GB18030/GBK, .xlsx, Parquet, JSON lines),
the templates and code lists to fill it, and each batch's error report in the reader's language, every
row with the spreadsheet's row number and its order id."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.utils.translation import override as language_override

from socsec.accounts.access import access_order_batch, principal_of, require_platform
from socsec.batch.sheets import Columns
from socsec.batch.uploads import ORDER_COLUMNS, UPLOAD_FORMATS, upload_format
from socsec.contributions.orders.ingest import orders_ingest
from socsec.contributions.orders.selectors import batches_of
from socsec.core.errors import DomainError
from socsec.registry.selectors import regions

from .common import is_htmx, refusal_message
from .downloads import download_format, table_response
from .templatetags.socsec_tags import CATEGORY_LABELS, SECTOR_LABELS

SHOWN_ERRORS = 20  # the first errors of a batch shown on the page; the download has every stored one
READ_AS = {
    "utf-8": gettext_lazy("CSV, UTF-8"),
    "utf-8-sig": gettext_lazy("CSV, UTF-8 with byte-order mark"),
    "gb18030": gettext_lazy("CSV, Chinese GB18030/GBK (Excel)"),
    "xlsx": gettext_lazy("Excel workbook (.xlsx)"),
    "parquet": gettext_lazy("Parquet"),
    "jsonl": gettext_lazy("JSON lines"),
}


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _sector_names(codes: str) -> str:
    return ("、" if _zh() else ", ").join(str(SECTOR_LABELS.get(c.strip(), c.strip())) for c in codes.split(","))


def row_error_text(error: Mapping[str, Any]) -> str:
    """A stored row error in the reader's language: its template translated, then filled (sectors by their
    names). An error stored without a template is shown in the words it was stored with."""
    template = error.get("template")
    if not template:
        return _(error["message"]) if error.get("message") else ""
    values = {k: _sector_names(v) if k in ("sector", "sectors") else v for k, v in (error.get("params") or {}).items()}
    return _(template) % values


def column_header(field: str, columns: Columns) -> str:
    """The column a field is read from, by the header of the reader's template; "row" is the whole row."""
    if field == "row":
        return _("whole row")
    language = "zh" if _zh() else "en"
    return dict(zip(columns.names, columns.headers(language), strict=True)).get(field, field)


def error_rows(errors: Sequence[Mapping[str, Any]], columns: Columns) -> list[list[object]]:
    """The rows of an error report: row number, order id, column, reason, code."""
    return [
        [e["row"], e.get("order_id", ""), column_header(e["field"], columns), row_error_text(e), e.get("code", "")]
        for e in errors
    ]


def error_headers() -> list[str]:
    return [_("Row number"), _("Order id"), _("Column"), _("Reason"), _("Code")]


def chosen_upload(
    request: HttpRequest, formats: Collection[str], wrong_format: str
) -> tuple[UploadedFile[bytes] | None, str, str | None]:
    """The uploaded file and the format its name says, or (no file) the reason it cannot be read:
    none chosen, or ``wrong_format`` where its name says none of ``formats``."""
    upload = request.FILES.get("file")
    fmt = upload_format(upload.name or "") if upload else ""
    if upload is None:
        return None, fmt, _("Choose a file to upload.")
    if fmt not in formats:
        return None, fmt, wrong_format
    return upload, fmt, None


@login_required
def platform_orders(request: HttpRequest) -> HttpResponse:
    """A platform uploads a file of orders and sees the outcome, the first errors and its batches."""
    p = principal_of(request)
    platform = require_platform(p)
    result, error = None, None
    if request.method == "POST":
        upload, fmt, error = chosen_upload(
            request, UPLOAD_FORMATS.values(), _("The file must end in .csv, .xlsx, .parquet or .jsonl.")
        )
        if upload is not None:
            try:
                result, _replayed = orders_ingest(
                    actor=p.actor,
                    platform=platform,
                    content=upload.read(),
                    fmt=fmt,
                    idempotency_key=request.POST.get("idempotency_key", ""),
                    source=f"upload:{upload.name}",
                )
            except DomainError as exc:
                error = refusal_message(exc)
    context = {
        "batches": list(batches_of(platform=platform)[:50]),
        "result": result,
        "read_as": READ_AS.get(result.read_as, "") if result else "",
        "shown_errors": error_rows(result.errors[:SHOWN_ERRORS], ORDER_COLUMNS) if result else [],
        "more_errors": result is not None and result.rows_invalid > SHOWN_ERRORS,
        "error_headers": error_headers(),
        "error": error,
        "idempotency_key": uuid.uuid4().hex,
    }
    template = "web/_platform_orders_outcome.html" if is_htmx(request) else "web/platform_orders.html"
    # htmx swaps only a 2xx answer: the fragment carries the refusal as an alert
    return render(request, template, context, status=422 if error and not is_htmx(request) else 200)


@login_required
def platform_order_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    """A batch's error report in the reader's language, as CSV or (``?format=xlsx``) a workbook."""
    p = principal_of(request)
    require_platform(p)
    batch = access_order_batch(p, batch_id)
    fmt = download_format(request.GET.get("format", ""))
    rows = error_rows(batch.errors, ORDER_COLUMNS)
    return table_response([(_("Errors"), error_headers(), rows)], f"batch-{batch.pk}-errors", fmt)


@login_required
def platform_orders_template(request: HttpRequest) -> HttpResponse:
    """An empty order file with the headers in the reader's language and one example row."""
    require_platform(principal_of(request))
    fmt = download_format(request.GET.get("format", ""))
    headers = ORDER_COLUMNS.headers("zh" if _zh() else "en")
    example = [c.example for c in ORDER_COLUMNS.columns]
    return table_response([(_("Orders"), headers, [example])], "orders-template", fmt)


@login_required
def platform_code_list(request: HttpRequest, kind: str) -> HttpResponse:
    """The codes an upload uses, with their names in both languages: regions, sectors or (of workers'
    engagements) categories."""
    require_platform(principal_of(request))
    if kind not in ("regions", "sectors", "categories"):
        raise Http404(kind)
    fmt = download_format(request.GET.get("format", ""))
    if kind == "regions":
        headers = [_("Region code"), _("Name (Chinese)"), _("Name (English)"), _("Level"), _("Province code")]
        rows: list[list[object]] = [
            [r.code, r.name_zh, r.name, r.get_level_display(), r.parent.code if r.parent else r.code] for r in regions()
        ]
        return table_response([(_("Regions"), headers, rows)], "regions", fmt)
    labels, title = (SECTOR_LABELS, _("Sectors")) if kind == "sectors" else (CATEGORY_LABELS, _("Categories"))
    headers = [_("Sector code") if kind == "sectors" else _("Category code"), _("Name (Chinese)"), _("Name (English)")]
    rows = []
    for code, label in labels.items():
        with language_override("zh-hans"):
            zh = str(label)
        with language_override("en"):
            en = str(label)
        rows.append([code, zh, en])
    return table_response([(title, headers, rows)], kind, fmt)
