"""What the pages share: whether a request came from htmx (which gets the fragment only), the version a
form posted back, and a service's refusal in the reader's language."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from socsec.core.errors import DomainError
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
        values = {k: translate_text(v) if isinstance(v, str) and v else v for k, v in exc.params.items()}
        try:
            return _(exc.template) % values
        except (KeyError, TypeError, ValueError):  # a translation that does not fit its parameters
            return exc.message
    return _(exc.message) if exc.message else ""  # "" would fetch the catalogue's header


def refusal_message(exc: DomainError) -> str:
    """The refusal in the reader's language (``error_text``), with the claim pages' own words for a
    claim changed meanwhile."""
    if exc.code == "stale":
        return _("Someone else changed this claim since you opened it. Nothing was saved: reload it and try again.")
    return error_text(exc)
