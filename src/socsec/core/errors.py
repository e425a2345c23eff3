"""Domain errors with codes. Mapped to HTTP once (api/base.py, web views); never returned as flags."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """``message`` is English. With ``params`` it is a template (``%(name)s`` placeholders) filled with
    them, and ``template`` and ``params`` stay on the error, so that a page can translate the sentence and
    then fill it in."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.template = message
        self.params = params or {}
        if params:
            message = message % params
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


class ValidationFailed(DomainError):
    status = 422
    code = "invalid"

    @classmethod
    def from_fields(cls, errors: dict[str, list[str]]) -> ValidationFailed:
        field, messages = next(iter(errors.items()))
        text = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        return cls(text, field=field, details={"fields": errors})


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
