"""What the benefits steps write on a claim - why the checks sent it to an officer, the decision they took,
the history's notes (``benefits.intake``, ``decisions``, ``review``, ``payments``), the assessment, why an
award stopped (``benefits.stops``) - in the reader's language.

The domain stores these in English, composed of the fixed sentences below (several joined by "; "); a
text made of them is shown sentence by sentence in the reader's language, amounts in yuan, months and
award items in words. Anything else (an officer's own words) is shown as it was written."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from socsec.core.money import format_yuan

from .ledger_text import item_text, month_text

Values = dict[str, str]


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _join(parts: list[str], chinese: str, other: str) -> str:
    return (chinese if _zh() else other).join(parts)


def _cents(text: str) -> str:
    return format_yuan(int(text)) if text.lstrip("-").isdigit() else text


_ENDED = re.compile(r"(?P<item>\w+) \(paid to (?P<month>\d{4}-\d{2})\)")


def _ended(text: str) -> str:
    """'injury_allowance (paid to 2026-11), ...' as the awards by their labels, months in words."""
    parts = []
    for part in text.split(", "):
        found = _ENDED.fullmatch(part)
        if found is None:
            return text
        parts.append(_("%(item)s (paid to %(month)s)") % {"item": item_text(found[1]), "month": month_text(found[2])})
    return _join(parts, "、", ", ")


@dataclasses.dataclass(frozen=True)
class Sentence:
    """A fixed sentence as stored (``%(name)s`` for its values) and as shown (a message to translate), with
    how its stored values are shown."""

    stored: str
    shown: str
    values: Callable[[Values], Values] | None = None


# what a stored value may be, by its name (any other: some text)
_VALUE = {
    "late": r"\d+",
    "limit": r"\d+",
    "cents": r"-?\d+",
    "month": r"\d{4}-\d{2}",
    "item": r"\w+",
    "amount": r"[\d,]+\.\d{2}",
    "reason": r".*",  # an officer's words end the text
}

SENTENCES = (
    # why the checks sent a claim to an officer (``benefits.intake``)
    Sentence(
        "reported %(late)s days after the injury; the time limit is %(limit)s days",
        noop("Reported %(late)s days after the injury; the time limit is %(limit)s days"),
    ),
    Sentence(
        "the platform's order data show no order of this worker on the day of the injury",
        noop("The platform's order data show no order of this worker on the day of the injury"),
    ),
    Sentence(
        "order %(order)s is not among the worker's orders on that day",
        noop("Order %(order)s is not among the worker's orders on that day"),
    ),
    Sentence(
        "work-related injury: the employer's account of the accident is read by an officer",
        noop("Injury at work: an officer reads the employer's account of the accident"),
    ),
    Sentence(
        "an officer checks the registry record before deciding",
        noop("An officer checks the registry record before deciding"),
    ),
    # decisions and the history's notes
    Sentence(
        "confirmed by the platform's order data: no certificate needed",
        noop("Confirmed by the platform's order data: no certificate needed"),
    ),
    Sentence(
        "The platform's own order data confirm the worker was taking orders when injured.",
        noop("The platform's own order data confirm the worker was taking orders when injured."),
    ),
    Sentence("withdrawn by the claimant", noop("Withdrawn by the claimant")),
    Sentence("paid in %(month)s", noop("Paid in %(month)s"), lambda v: {"month": month_text(v["month"])}),
    Sentence(
        "awarded: %(cents)s cents in the first year",
        noop("Awarded: %(amount)s yuan in the first year"),
        lambda v: {"amount": _cents(v["cents"])},
    ),
    Sentence("sent back: %(reason)s", noop("Sent back: %(reason)s")),
    Sentence("more information asked of the claimant", noop("More information asked of the claimant")),
    Sentence("the claimant sent the information asked", noop("The claimant sent the information asked")),
    Sentence("stopped waiting for the claimant: %(reason)s", noop("Stopped waiting for the claimant: %(reason)s")),
    Sentence("the awards in force end: none was paid", noop("The awards in force end: none was paid")),
    Sentence(
        "the awards in force end: %(ended)s",
        noop("The awards in force end: %(ended)s"),
        lambda v: {"ended": _ended(v["ended"])},
    ),
    Sentence(
        "%(item)s: %(amount)s yuan was paid before the review beyond what is now due; "
        "nothing is recovered (paid in good faith)",
        noop(
            "%(item)s: %(amount)s yuan was paid before the review beyond what is now due; nothing is recovered "
            "(paid in good faith)"
        ),
        lambda v: {"item": item_text(v["item"]), "amount": v["amount"]},
    ),
    # the work-injury payer revisited when the month's contribution results come in (``taxexchange.injury_payers``)
    Sentence(
        "%(item)s: the employer's work-injury contribution for %(month)s is paid (%(day)s); the fund pays from now "
        "on and reimburses the employer %(cents)s cents it carried",
        noop(
            "%(item)s: the employer's work-injury contribution for %(month)s was paid (%(day)s); the fund pays from "
            "now on and reimburses the employer the %(amount)s yuan it carried"
        ),
        lambda v: {
            "item": item_text(v["item"]),
            "month": month_text(v["month"]),
            "day": v["day"],
            "amount": _cents(v["cents"]),
        },  # fmt: skip
    ),
    Sentence(
        "%(item)s: the employer's work-injury contribution for %(month)s is not paid; the employer pays from now on "
        "and %(cents)s cents the fund paid are recovered from it",
        noop(
            "%(item)s: the employer's work-injury contribution for %(month)s is not paid; the employer pays from now "
            "on and the %(amount)s yuan the fund paid are recovered from it"
        ),
        lambda v: {"item": item_text(v["item"]), "month": month_text(v["month"]), "amount": _cents(v["cents"])},
    ),
    # why an award stopped (``benefits.stops``): shown after "Suspended from <month>:" (the two engagement and
    # orders sentences before the re-employment one are kept for the stops made before it)
    Sentence("death on %(day)s (%(source)s)", noop("death on %(day)s (%(source)s)")),
    Sentence(
        "a new engagement appears in the registry (flagged to an officer)",
        noop("a new engagement appears in the registry (flagged to an officer)"),
    ),
    Sentence(
        "re-employed: a new labour-relation engagement appears in the registry (flagged to an officer)",
        noop("re-employed: a new labour-relation engagement appears in the registry (flagged to an officer)"),
    ),
    Sentence(
        "platform orders in the month show work again (flagged to an officer)",
        noop("platform orders in the month show work again (flagged to an officer)"),
    ),
    Sentence("automated checks", noop("automated checks")),
)


@cache
def _patterns() -> list[tuple[re.Pattern[str], Sentence]]:
    out = []
    for sentence in SENTENCES:
        parts = re.split(r"%\((\w+)\)s", sentence.stored)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{_VALUE.get(p, '.+?')})" for i, p in enumerate(parts))
        out.append((re.compile(regex + r"(?=; |$)", re.S), sentence))
    return out


def _sentences(text: str) -> list[str] | None:
    """``text`` shown sentence by sentence when it is made of the fixed sentences; None when it is not."""
    shown: list[str] = []
    at = 0
    while at < len(text):
        for pattern, sentence in _patterns():
            found = pattern.match(text, at)
            if found:
                values = found.groupdict()
                shown.append(_(sentence.shown) % (sentence.values(values) if sentence.values else values))
                at = found.end() + 2  # past "; "
                break
        else:
            return None
    return shown


# the assessment as the history keeps it (``decisions._assessment_note``: "outcome DISABILITY, grade 5"):
# the fields by the labels of the officer's form, and these for what the form does not ask
ASSESSMENT_LABELS = {
    "dependants": noop("Dependants"),
    "extension": noop("Treatment period extended"),
    "residents_pension": noop("Residents' pension"),
    "contribution_months": noop("Months of contributions"),
}
OUTCOMES = {"DISABILITY": noop("Disability"), "DEATH": noop("Death"), "NONE": noop("No lasting harm")}


def _labels() -> dict[str, str]:
    from socsec.web.claims.assessment_form import ASSESSMENT_FIELDS, SETTINGS

    labels = {name: _(label) for name, label in ASSESSMENT_LABELS.items()}
    labels.update({name: str(label) for fields in ASSESSMENT_FIELDS.values() for name, label, _s, _h in fields})
    labels.update({f"setting={code}": str(label) for code, label in SETTINGS})
    return labels


def _assessment(text: str) -> str | None:
    labels = _labels()
    parts = [part.split(" ", 1) for part in text.split(", ")]
    if any(len(p) != 2 or p[0] not in labels for p in parts):
        return None
    colon = "：" if _zh() else ": "
    shown = []
    for key, value in parts:
        if key.endswith("_cents"):
            value = _cents(value)
        elif key == "outcome":
            value = _(OUTCOMES.get(value, value))
        elif key == "setting":
            value = labels.get(f"setting={value}", value)
        elif value in ("True", "False"):
            value = _("yes") if value == "True" else _("no")
        shown.append(f"{labels[key]}{colon}{value}")
    return _("Assessed: %(values)s") % {"values": _join(shown, "；", "; ")}


def claim_text(text: str) -> str:
    """A text the benefits steps wrote on a claim, in the reader's language (see the module)."""
    if not text:
        return ""
    shown = _sentences(text)
    if shown:
        return _join(shown, "；", "; ")
    return _assessment(text) or text
