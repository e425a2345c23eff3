"""What the pages share: whether a request came from htmx (which gets the fragment only), the version a
form posted back, a date asked for in the address, and a service's refusal in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from socsec.core.errors import DomainError, Reason, kept_reason_text
from socsec.web.i18n import translate_text


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def posted_version(request: HttpRequest) -> int | None:
    """The version of the object the form was opened on, or None when it is missing or not a number."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None


def error_text(exc: DomainError) -> str:
    """A service's error in the reader's language: its template translated, then filled with its
    parameters (those that are texts, such as a rule's reason, translated too). A sentence the catalogue
    does not hold stays in the service's words; the API keeps the English ``message``."""
    if exc.params:
        values = {k: _value_text(v) for k, v in exc.params.items()}
        try:
            return _(exc.template) % values
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its parameters
            return exc.message
    return _(exc.message) if exc.message else ""  # "" would fetch the catalogue's header


def _value_text(value: object) -> object:
    """A value of an error's template in the reader's language: a ``Reason`` by its own template, a text
    as the rules' texts are, anything else as it is."""
    if isinstance(value, Reason):
        try:
            return _(value.template) % value.values if value.values else _(value.template)
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its values
            return str(value)
    return translate_text(value) if isinstance(value, str) and value else value


def stored_reason_html(reason: str, template: str, params: Mapping[str, object]) -> SafeString:
    """A reason kept on a record in the reader's language (``kept_reason_text``); English words where the
    catalogue has none, marked as English for screen readers and translators."""
    text, in_language = kept_reason_text(reason, template, params)
    return format_html("{}", text) if in_language else format_html('<span lang="en">{}</span>', text)


def refusal_message(exc: DomainError) -> str:
    """The refusal in the reader's language (``error_text``), with the claim pages' own words for a
    claim changed meanwhile."""
    if exc.code == "stale":
        return _("Someone else changed this claim since you opened it. Nothing was saved: reload it and try again.")
    return error_text(exc)


def date_param(request: HttpRequest, name: str = "on", default: dt.date | None = None) -> tuple[dt.date, str | None]:
    """The date the address asks for (``?on=YYYY-MM-DD``), else ``default`` (today), with a note where the
    text asked for is not a date."""
    fallback = default or timezone.localdate()
    raw = request.GET.get(name, "")
    if not raw:
        return fallback, None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return fallback, _("“%(value)s” is not a date; showing %(day)s.") % {"value": raw, "day": fallback.isoformat()}
