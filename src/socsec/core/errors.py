"""Domain errors with codes. Mapped to HTTP once (api/base.py, web views); never returned as flags.

Every code is a member of a ``StrEnum``: the codes any app may raise are ``ErrorCode`` here, and each app
lists its own in its ``errors.py`` (``socsec.registry.errors.RegistryErrorCode``, ...). A member is its
string, so responses carry the same ``"code": "person_exists"`` as a plain string would."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.utils import translation
from django.utils.functional import Promise


class ErrorCode(StrEnum):
    """The codes of the error classes below, shared by every app."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    CLOCK_SKEW = "clock_skew"  # the application's clock and the database's disagree
    FILE_DAMAGED = "file_damaged"  # a stored file is absent or not what its manifest recorded


class DomainError(Exception):
    """``message`` is English. With ``params`` it is a template (``%(name)s`` placeholders) filled with
    them, and ``template`` and ``params`` stay on the error, so that a page can translate the sentence and
    then fill it in. ``code`` defaults to the class's; a service passes one of its app's codes where a
    caller tells the case apart. ``details`` is JSON-ready data for the response."""

    status = 400
    code: StrEnum = ErrorCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: StrEnum | None = None,
        details: dict[str, Any] | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        self.template = message
        self.params = _in_english(params or {})
        if params:
            message = message % self.params
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        if self.details:
            out["details"] = self.details
        return out


class Reason(str):
    """A reason given as one value of an error's template, itself a template with its values: the English
    text, filled in, wherever the error is text (its message, the API); a page translates the reason by
    its own template before filling the error's (``socsec.web.common.error_text``). Mark the template for
    the catalogue where it is written (``gettext_noop``)."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Reason:
        made = super().__new__(cls, template % values if values else template)
        made.template, made.values = template, values
        return made


def kept_reason_text(reason: str, template: str, params: Mapping[str, object]) -> tuple[str, bool]:
    """A reason kept on a record (the English ``reason``, filled in from ``template`` and ``params``) in the
    active language, and whether it is in that language: a template the catalogue does not hold (another
    agency's software, an older record) gives the English reason and False."""
    english = (translation.get_language() or "en").startswith("en")
    if template:
        translated = translation.gettext(template)
        if translated != template or english:
            try:
                return (translated % dict(params) if params else translated), True
            except (KeyError, TypeError, ValueError):  # a translation that does not fit its values
                pass
    return reason, english or not reason


def _in_english(params: Mapping[str, object]) -> dict[str, object]:
    """The parameters with a label marked for translation (a model choice's, say) in English: the message
    is English; a page translates the label again with the template (``socsec.web.common.error_text``)."""
    if not any(isinstance(v, Promise) for v in params.values()):
        return dict(params)
    with translation.override("en"):
        return {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


class ValidationFailed(DomainError):
    status = 422
    code = ErrorCode.INVALID

    @classmethod
    def from_fields(cls, errors: dict[str, list[str]]) -> ValidationFailed:
        field, messages = next(iter(errors.items()))
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        return cls(text, field=field, details={"fields": errors})


class NotFound(DomainError):
    status = 404
    code = ErrorCode.NOT_FOUND


class Conflict(DomainError):
    status = 409
    code = ErrorCode.CONFLICT


class Forbidden(DomainError):
    status = 403
    code = ErrorCode.FORBIDDEN
