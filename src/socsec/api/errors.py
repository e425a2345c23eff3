"""The one shape of every error the API answers, whatever raised it: a domain error, a validation error,
ninja, Django (unknown path, wrong method, body too large, CSRF) or a failure (500).

``code`` is a stable machine word; ``message`` a sentence for a person, in the request's language where
the error is the API's own; ``field`` names the input at fault (``body``, ``person.name``, ...) or is null;
``details`` is data for a program (the fields at fault, the limit exceeded, the incident id) or null."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    details: dict[str, Any] | list[Any] | None = None
