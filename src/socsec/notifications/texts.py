"""A notice written out in a language: its event's subject and text from the catalogue, filled with its
values. A template the catalogue has no translation for in that language is an error (the message is
kept and flagged), not a silent fallback to English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from .delivery_codes import DeliveryError
from .events import EVENTS

SOURCE_LANGUAGE = "en"  # the language the templates are written in


class RenderError(Exception):
    def __init__(self, code: DeliveryError, text: str) -> None:
        super().__init__(text)
        self.code = code


def render(event: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """(subject, text) of a notice in ``language``; ``RenderError`` where it cannot be written."""
    spec = EVENTS.get(event)
    if spec is None:
        raise RenderError(DeliveryError.TEMPLATE_MISSING, f"no template for event {event!r}")
    with translation.override(None):
        sources = [str(spec.subject), str(spec.body)]
    with translation.override(language):
        written = [gettext(source) for source in sources]
        if not language.startswith(SOURCE_LANGUAGE):
            missing = [source for source, text in zip(sources, written, strict=True) if source == text]
            if missing:
                raise RenderError(DeliveryError.TEMPLATE_MISSING, f"no {language} text for {missing[0]!r}")
        values = {k: gettext(v) if k in spec.translated and isinstance(v, str) else v for k, v in context.items()}
        values.update(_in_language(context, language))
        try:
            subject, body = (text % values for text in written)
        except (KeyError, TypeError, ValueError) as exc:
            raise RenderError(DeliveryError.TEMPLATE_VALUES, f"the notice lacks a value: {exc}") from None
    return subject, body


def _in_language(context: Mapping[str, Any], language: str) -> dict[str, Any]:
    """The values written per language (``name@zh-hans``, ``name@en``: an officer's own text) as ``name``
    in this language; one without this language is missing, so the notice is flagged, not sent in another."""
    out = {}
    for key, value in context.items():
        name, at, written_in = key.partition("@")
        if at and written_in.lower() == language.lower():
            out[name] = value
    return out
