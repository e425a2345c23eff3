"""Texts from the rules (reasons, labels, legal references, scenario titles) in the reader's language.

The catalogue follows Django's template convention for a literal per cent sign: the msgid and the msgstr
write it ``%%`` and the entry is ``python-format`` ({% translate %} and {% blocktranslate %} look a text
up that way). :func:`catalogue_id` is the one place a rules text becomes its msgid, so a text with a
per cent sign is found the same way from a template, a filter or Python code."""

from __future__ import annotations

import re

from django.utils.functional import lazy
from django.utils.translation import get_language, gettext

from socsec.rules.texts import citations, public_text

_BARE_PER_CENT = re.compile(r"%(?!\(\w+\)s)")


def catalogue_id(text: str) -> str:
    """The msgid under which the catalogue holds a rules text: each per cent sign that does not start a
    placeholder ("%(name)s") written twice."""
    return _BARE_PER_CENT.sub("%%", public_text(text))


def translate_text(text: object) -> str:
    """A rules text (no placeholders) in the reader's language, without maintainers' notes."""
    if not text:
        return ""
    return gettext(catalogue_id(str(text))).replace("%%", "%")


def translate_reference(reference: object) -> str:
    """A legal reference in the reader's language: each citation translated, joined the language's way."""
    if not reference:
        return ""
    separator = "；" if (get_language() or "").startswith("zh") else "; "
    return separator.join(translate_text(c) for c in citations(str(reference)))


translate_text_lazy = lazy(translate_text, str)
""":func:`translate_text` when the page renders (a form's help text declared at import)."""
