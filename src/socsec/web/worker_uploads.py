"""The platform's bulk registration of workers from a spreadsheet: the template, the upload (each row
through the service ``POST /api/workers`` uses, accepted row by row) and the refused rows, on the page and
as a report to download. The last upload's report is kept in the session (bounded), so that it can be
downloaded after the page was shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require_platform
from socsec.batch.sheets import UploadError, UploadTooLarge
from socsec.core.errors import DomainError
from socsec.registry.services import WORKER_COLUMNS, workers_upload

from .common import is_htmx, refusal_message
from .downloads import download_format, table_response
from .uploads import READ_AS, chosen_upload, column_header, row_error_text

REPORT_KEY = "workers_upload_report"
KEPT_ERRORS = 1000


def _report_rows(errors: list[dict[str, Any]]) -> list[list[object]]:
    return [[e["row"], e["resident_id"], column_header(e["field"], WORKER_COLUMNS), row_error_text(e)] for e in errors]


def _report_headers() -> list[str]:
    resident_id = column_header("resident_id", WORKER_COLUMNS)  # as the template names it
    return [_("Row number"), resident_id, _("Column"), _("Reason")]


def _too_large_text(exc: UploadTooLarge) -> str:
    unit = {"bytes": _("bytes"), "columns": _("columns")}.get(exc.unit) or _("rows")
    return _("The file has %(got)s %(unit)s; at most %(limit)s %(unit)s are accepted in one upload.") % {
        "got": exc.got,
        "unit": unit,
        "limit": exc.limit,
    }


@login_required
def platform_workers_upload(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    platform = require_platform(p)
    result, error = None, None
    if request.method == "POST":
        upload, fmt, error = chosen_upload(request, ("csv", "xlsx"), _("The file must end in .csv or .xlsx."))
        if upload is not None and upload.size and upload.size > settings.WORKERS_UPLOAD_MAX_BYTES:
            error = _too_large_text(UploadTooLarge("bytes", settings.WORKERS_UPLOAD_MAX_BYTES, upload.size))
        elif upload is not None:
            try:
                result = workers_upload(
                    actor=p.actor,
                    organisation=platform,
                    content=upload.read(),
                    fmt=fmt,
                    max_bytes=settings.WORKERS_UPLOAD_MAX_BYTES,
                    max_rows=settings.WORKERS_UPLOAD_MAX_ROWS,
                )
            except UploadTooLarge as exc:
                error = _too_large_text(exc)
            except UploadError as exc:
                error = _(exc.template) % exc.params if exc.params else _(exc.template)
            except DomainError as exc:
                error = refusal_message(exc)
            else:
                request.session[REPORT_KEY] = result.errors[:KEPT_ERRORS]
    context = {
        "result": result,
        "read_as": READ_AS.get(result.read_as, "") if result else "",
        "rows": _report_rows(result.errors[:KEPT_ERRORS]) if result else [],
        "headers": _report_headers(),
        "error": error,
    }
    template = "web/_platform_workers_outcome.html" if is_htmx(request) else "web/platform_workers_upload.html"
    return render(request, template, context, status=422 if error and not is_htmx(request) else 200)


@login_required
def platform_workers_template(request: HttpRequest) -> HttpResponse:
    require_platform(principal_of(request))
    headers = WORKER_COLUMNS.headers("zh" if request.LANGUAGE_CODE.startswith("zh") else "en")
    example = [c.example for c in WORKER_COLUMNS.columns]
    return table_response(
        [(_("Workers"), headers, [example])], "workers-template", download_format(request.GET.get("format", ""))
    )


@login_required
def platform_workers_errors(request: HttpRequest) -> HttpResponse:
    """The refused rows of this session's last upload, in the reader's language."""
    require_platform(principal_of(request))
    errors = request.session.get(REPORT_KEY, [])
    fmt = download_format(request.GET.get("format", ""))
    return table_response([(_("Errors"), _report_headers(), _report_rows(errors))], "workers-errors", fmt)
