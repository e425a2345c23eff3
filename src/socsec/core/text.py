"""The one rule for text a person typed that others will read (names of persons and organisations): it is
normalised to Unicode NFC (the same name typed two ways is one name) and refused when it holds a character
that is not text: a control character (Unicode category Cc, such as NUL or BEL), a format character (Cf:
the bidirectional overrides that reverse how a name reads, zero-width joiners, ...), a lone surrogate (Cs:
half of a character, which UTF-8 cannot store) or a line or paragraph separator (Zl, Zp). Private-use
characters (Co) are accepted: rare characters of Chinese names are still held there by some systems.

``text_refusal`` is the pure check, used by the registry's services and bulk import
(``socsec.registry.validation``); ``CleanText`` and ``Name`` are the same rule as pydantic types for the API's
schemas. ``storage_refusal`` is the smaller rule for any text at all: what no database can store (a lone
surrogate, NUL)."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "a formatting character (such as a bidirectional override)",
    "Cs": "a lone surrogate (half of a character)",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


class TextRefused(ValueError):
    """Text that is refused, with the reason (it names the character by its code point, never quotes it)."""

    def __init__(self, reason: str, field: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _describe(kind: str, char: str, position: int) -> str:
    return f"holds {kind}, U+{ord(char):04X}, at character {position + 1}; it is not accepted."


def text_refusal(value: str) -> str | None:
    """Why ``value`` is refused as a name, or None when it is accepted."""
    for position, char in enumerate(value):
        kind = REFUSED_CATEGORIES.get(unicodedata.category(char))
        if kind:
            return _describe(kind, char, position)
    return None


def storage_refusal(value: str) -> str | None:
    """Why ``value`` cannot be stored at all (a lone surrogate, or NUL), or None."""
    for position, char in enumerate(value):
        if char == "\x00":
            return _describe(REFUSED_CATEGORIES["Cc"], char, position)
        if "\ud800" <= char <= "\udfff":
            return _describe(REFUSED_CATEGORIES["Cs"], char, position)
    return None


def clean_text(value: str) -> str:
    """``value`` normalised to NFC, or ``TextRefused``. The check runs before normalising: a lone
    surrogate cannot be normalised."""
    refusal = text_refusal(value)
    if refusal:
        raise TextRefused(refusal)
    return unicodedata.normalize("NFC", value)


def _pydantic_clean(value: str) -> str:
    try:
        return clean_text(value)
    except TextRefused as exc:
        raise ValueError(exc.reason) from None


CleanText = Annotated[str, AfterValidator(_pydantic_clean)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(_pydantic_clean)]
