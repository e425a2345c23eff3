"""What the benefits checks write on a claim - why they sent it to an officer, the decision they took, the
history's notes, why an award stopped - in the reader's language.

The domain stores these in English, composed from the fixed sentences below (several joined by "; ");
a text made of them is shown translated, sentence by sentence, its values kept. Anything else (an
officer's own words) matches none and is shown as it was written."""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import get_language, gettext

from socsec.core.money import format_yuan
from socsec.rules.texts import N_

SENTENCES = (
    N_("reported %(late)s days after the injury; the time limit is %(limit)s days"),
    N_("the platform's order data show no order of this worker on the day of the injury"),
    N_("order %(order)s is not among the worker's orders on that day"),
    N_("work-related injury: the employer's account of the accident is read by an officer"),
    N_("an officer checks the registry record before deciding"),
    N_("confirmed by the platform's order data: no certificate needed"),
    N_("The platform's own order data confirm the worker was taking orders when injured."),
    N_("withdrawn by the claimant"),
    N_("death on %(day)s (%(source)s)"),
    N_("a new engagement appears in the registry (flagged to an officer)"),
    N_("platform orders in the month show work again (flagged to an officer)"),
    N_("automated checks"),
)
# Sentences stored with an amount in cents, shown with it in yuan: stored -> shown.
IN_YUAN = {"awarded: %(cents)s cents in the first year": N_("awarded: %(yuan)s yuan in the first year")}


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for sentence in (*SENTENCES, *IN_YUAN):
        parts = re.split(r"%\((\w+)\)s", sentence)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(regex + r"(?=; |$)"), sentence))
    return out


def _sentences(text: str) -> list[tuple[str, dict[str, str]]] | None:
    """``text`` as the fixed sentences it is made of, with their values; None when it is not."""
    found, at = [], 0
    while at < len(text):
        for pattern, sentence in _patterns():
            match = pattern.match(text, at)
            if match:
                found.append((sentence, match.groupdict()))
                at = match.end() + 2  # past "; "
                break
        else:
            return None
    return found


def _shown(sentence: str, values: dict[str, str]) -> str:
    if sentence in IN_YUAN:
        return gettext(IN_YUAN[sentence]) % {"yuan": format_yuan(int(values["cents"]))}
    return gettext(sentence) % values


def _assessment(text: str) -> str | None:
    """An assessment as the history keeps it ("grade 9, care_level 2, monthly_income_cents 600000") with
    each field by its label and amounts in yuan; None when ``text`` is not one."""
    from socsec.web.claims.assessment_form import ASSESSMENT_FIELDS

    labels = {name: label for fields in ASSESSMENT_FIELDS.values() for name, label, _kind, _hint in fields}
    labels["dependants"] = gettext("Dependants")
    shown = []
    for part in text.split(", "):
        match = re.fullmatch(r"(\w+) (.+)", part)
        if match is None or match[1] not in labels:
            return None
        key, value = match[1], match[2]
        if key.endswith("_cents") and value.lstrip("-").isdigit():
            value = format_yuan(int(value))
        elif value in ("True", "False"):
            value = gettext("yes") if value == "True" else gettext("no")
        shown.append(f"{labels[key]} {value}")
    return ("，" if (get_language() or "").startswith("zh") else ", ").join(shown)


def claim_text(text: str) -> str:
    """A text the checks wrote on a claim, in the reader's language (see the module)."""
    sentences = _sentences(text or "")
    if not sentences:
        return _assessment(text) or text if text else ""
    separator = "；" if (get_language() or "").startswith("zh") else "; "
    return separator.join(_shown(s, values) for s, values in sentences)
