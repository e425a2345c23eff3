"""An answer in the asker's language: each sentence's template and the rules' texts it names looked up in
the catalogue (the rules' texts under the same msgid as the pages find them)."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext

from socsec.rules.texts import citations, public_text

from .answering.answers import Answer, Line

_BARE_PER_CENT = re.compile(r"%(?!\(\w+\)s)")
LANGUAGES = {"zh": "zh-hans", "en": "en"}


def rules_text(text: str) -> str:
    """A rules text (a scheme's label, a reason, a formula's label) in the active language."""
    if not text:
        return ""
    return gettext(_BARE_PER_CENT.sub("%%", public_text(text))).replace("%%", "%")


def reference_text(reference: str) -> str:
    """A legal reference in the active language, citation by citation."""
    separator = "；" if (translation.get_language() or "").startswith("zh") else "; "
    return separator.join(rules_text(c) for c in citations(reference))


def sentence(line: Line) -> str:
    values = {k: rules_text(str(v)) if k in line.translated else v for k, v in line.values.items()}
    return gettext(line.text) % values if values else gettext(line.text)


def answer_text(answer: Answer, language: str) -> str:
    """The answer's sentences in ``language`` (``zh`` or ``en``), joined as that language writes them."""
    with translation.override(LANGUAGES.get(language, "en")):
        joiner = "" if language == "zh" else " "
        return joiner.join(sentence(line) for line in answer.lines)
