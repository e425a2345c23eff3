"""The API's JSON body parser: JSON as usual, then every key and string anywhere in the body is checked
for what no database can store (a lone surrogate, NUL: ``socsec.core.text.storage_refusal``), and the
nesting depth is bounded. A refusal names the field (``person.name``, ``facts.witness``); ninja wraps it in
its "cannot parse" error, which ``socsec.api.base`` answers as a 422 naming that field."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from socsec.core.text import TextRefused, storage_refusal

MAX_DEPTH = 16


def check_stored_text(value: Any, path: str = "", depth: int = 0) -> None:
    """Raise ``TextRefused`` naming the first key or string that cannot be stored, or a body nested
    deeper than ``MAX_DEPTH``."""
    if depth > MAX_DEPTH:
        raise TextRefused(f"is nested more than {MAX_DEPTH} levels deep.", path or "body")
    if isinstance(value, str):
        refusal = storage_refusal(value)
        if refusal:
            raise TextRefused(refusal, path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            refusal = storage_refusal(key)
            if refusal:
                raise TextRefused(f"a key {refusal}", path or "body")
            check_stored_text(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_stored_text(item, f"{path}.{index}" if path else str(index), depth + 1)


class StrictJSONParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        check_stored_text(data)
        return data
