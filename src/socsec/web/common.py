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


def refusal_message(exc: DomainError) -> str:
    """The refusal in the reader's language where we know it, else the service's own words."""
    if exc.code == "stale":
        return _("Someone else changed this claim since you opened it. Nothing was saved: reload it and try again.")
    if exc.params:  # the sentence translated, then filled with its values (translated where they are labels)
        values = {k: translate_text(v) if isinstance(v, str) and v else v for k, v in exc.params.items()}
        return _(exc.template) % values
    # the fixed sentences are in the catalogue; the rest stay in the service's words ("" would fetch the header)
    return _(exc.message) if exc.message else ""
