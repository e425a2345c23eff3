"""The API's JSON body parser: JSON as usual, then anything anywhere in the body that no database or
formula can hold is refused: text with a lone surrogate or NUL (``socsec.core.text.storage_refusal``), an
integer outside 64 bits, ``NaN`` or ``Infinity``, nesting deeper than ``MAX_DEPTH``. A refusal names the
field (``person.name``, ``facts.witness``); ninja wraps it in its "cannot parse" error, which
``socsec.api.base`` answers as a 422 naming that field. The schemas then bound each field more closely
(``socsec.api.bounds``)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from socsec.core.text import storage_refusal

MAX_DEPTH = 16
INT64 = 2**63


class BodyRefused(ValueError):
    def __init__(self, reason: str, field: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON accepts")


def check_stored_text(value: Any, path: str = "", depth: int = 0) -> None:
    """Raise ``BodyRefused`` naming the first key or value that cannot be stored."""
    if depth > MAX_DEPTH:
        raise BodyRefused(f"is nested more than {MAX_DEPTH} levels deep.", path or "body")
    if isinstance(value, str):
        refusal = storage_refusal(value)
        if refusal:
            raise BodyRefused(refusal, path or "body")
    elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise BodyRefused("is outside the whole numbers accepted (64 bits).", path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            refusal = storage_refusal(key)
            if refusal:
                raise BodyRefused(f"a key {refusal}", path or "body")
            check_stored_text(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_stored_text(item, f"{path}.{index}" if path else str(index), depth + 1)


class StrictJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_constant=_no_constant)
        check_stored_text(data)
        return data
