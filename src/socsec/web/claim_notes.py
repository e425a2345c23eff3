"""A claim's history notes in the reader's language. The services write the notes of automatic steps in
fixed English sentences (``benefits.intake``, ``decisions``, ``review``, ``payments``); each is read back
here by its pattern and written in words, amounts in yuan and months as the language writes them. A note
an officer typed (a reason) is shown as it was written. The same for how a bank line differs from a
payment a platform declared (``contributions.collection``), shown on the officer's payments page."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as noop

from socsec.core.money import format_yuan

from .ledger_text import item_text, month_text

Render = Callable[[re.Match[str]], str]

# the assessment's inputs, as ``decisions._assessment_note`` lists them ("outcome DISABILITY, grade 5")
ASSESSMENT_LABELS = {
    "outcome": noop("Outcome"),
    "grade": noop("Disability grade"),
    "incapacity_score": noop("Incapacity score"),
    "care_level": noop("Care level"),
    "medical_costs_cents": noop("Medical costs (yuan)"),
    "monthly_income_cents": noop("Monthly income (yuan)"),
    "months_off_work": noop("Months off work"),
    "months_before_records": noop("Months paid before the records"),
    "account_balance_before_records_cents": noop("Individual account before the records (yuan)"),
    "contribution_months": noop("Months of contributions"),
    "dependants": noop("Dependants"),
    "extension": noop("Treatment period extended"),
    "residents_pension": noop("Residents' pension"),
    "average_indexed_wage_ratio": noop("Average contribution index"),
    "setting": noop("Care setting"),
}
OUTCOMES = {"DISABILITY": noop("Disability"), "DEATH": noop("Death"), "NONE": noop("No lasting harm")}


def _cents(text: str) -> str:
    return format_yuan(int(text)) if text.lstrip("-").isdigit() else text


def _assessment_value(key: str, value: str) -> str:
    if key.endswith("_cents"):
        return _cents(value)
    if key == "outcome":
        return _(OUTCOMES.get(value, value))
    if value in ("True", "False"):
        return _("yes") if value == "True" else _("no")
    return value


def _assessment(note: str) -> str | None:
    parts = [part.split(" ", 1) for part in note.split(", ")]
    if not parts or any(len(p) != 2 or p[0] not in ASSESSMENT_LABELS for p in parts):
        return None
    colon = "：" if (get_language() or "").startswith("zh") else ": "
    shown = _join([f"{_(ASSESSMENT_LABELS[k])}{colon}{_assessment_value(k, v)}" for k, v in parts], "；", "; ")
    return _("Assessed: %(values)s") % {"values": shown}


ROUTES: list[tuple[re.Pattern[str], Render]] = [
    (
        re.compile(r"reported (?P<late>\d+) days after the injury; the time limit is (?P<limit>\d+) days"),
        lambda m: _("Reported %(late)s days after the injury; the time limit is %(limit)s days") % m.groupdict(),
    ),
    (
        re.compile(r"the platform's order data show no order of this worker on the day of the injury"),
        lambda m: _("The platform's order data show no order of this worker on the day of the injury"),
    ),
    (
        re.compile(r"order (?P<order>.+?) is not among the worker's orders on that day"),
        lambda m: _("Order %(order)s is not among the worker's orders on that day") % m.groupdict(),
    ),
    (
        re.compile(r"work-related injury: the employer's account of the accident is read by an officer"),
        lambda m: _("Injury at work: an officer reads the employer's account of the accident"),
    ),
    (
        re.compile(r"an officer checks the registry record before deciding"),
        lambda m: _("An officer checks the registry record before deciding"),
    ),
]

NOTES: list[tuple[re.Pattern[str], Render]] = [
    (
        re.compile(r"confirmed by the platform's order data: no certificate needed"),
        lambda m: _("Confirmed by the platform's order data: no certificate needed"),
    ),
    (re.compile(r"withdrawn by the claimant"), lambda m: _("Withdrawn by the claimant")),
    (re.compile(r"paid in (?P<month>\d{4}-\d{2})"), lambda m: _("Paid in %(month)s") % {"month": month_text(m[1])}),
    (
        re.compile(r"awarded: (?P<cents>-?\d+) cents in the first year"),
        lambda m: _("Awarded: %(amount)s yuan in the first year") % {"amount": _cents(m["cents"])},
    ),
    (re.compile(r"sent back: (?P<reason>.*)", re.S), lambda m: _("Sent back: %(reason)s") % m.groupdict()),
    (
        re.compile(r"the awards in force end: none was paid"),
        lambda m: _("The awards in force end: none was paid"),
    ),
    (
        re.compile(r"the awards in force end: (?P<ended>.+)"),
        lambda m: _("The awards in force end: %(ended)s") % {"ended": _ended(m["ended"])},
    ),
    (
        re.compile(
            r"(?P<item>\w+): (?P<amount>[\d,]+\.\d{2}) yuan was paid before the review beyond what is now due; "
            r"nothing is recovered \(paid in good faith\)"
        ),
        lambda m: (
            _(
                "%(item)s: %(amount)s yuan was paid before the review beyond what is now due; nothing is recovered "
                "(paid in good faith)"
            )
            % {"item": item_text(m["item"]), "amount": m["amount"]}
        ),
    ),
]
_ENDED = re.compile(r"(?P<item>\w+) \(paid to (?P<month>\d{4}-\d{2})\)")


def _join(parts: list[str], chinese: str, other: str) -> str:
    return (chinese if (get_language() or "").startswith("zh") else other).join(parts)


def _ended(text: str) -> str:
    parts = []
    for part in text.split(", "):
        found = _ENDED.fullmatch(part)
        if found is None:
            return text
        parts.append(_("%(item)s (paid to %(month)s)") % {"item": item_text(found[1]), "month": month_text(found[2])})
    return _join(parts, "、", ", ")


def _routes(note: str) -> str | None:
    """The reasons the automatic checks sent a claim to an officer, joined by '; '."""
    shown, rest = [], note
    while rest:
        for pattern, render in ROUTES:
            found = pattern.match(rest)
            if found and (found.end() == len(rest) or rest.startswith("; ", found.end())):
                shown.append(render(found))
                rest = rest[found.end() + 2 :]
                break
        else:
            return None
    return _join(shown, "；", "; ")


def note_text(note: str) -> str:
    """A history note in the active language; an officer's own words as written."""
    for pattern, render in NOTES:
        found = pattern.fullmatch(note)
        if found:
            return render(found)
    return _routes(note) or _assessment(note) or note


MISMATCHES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"declared (?P<declared>[\d,]+\.\d\d) yuan; the bank's line (?P<line>.+) is (?P<bank>[\d,]+\.\d\d) yuan"
        ),
        noop("Declared %(declared)s yuan; the bank's line %(line)s is %(bank)s yuan"),
    ),
    (
        re.compile(
            r"the bank's line (?P<line>.+) is (?P<bank>[\d,]+\.\d\d) yuan; officers confirmed "
            r"(?P<confirmed>[\d,]+\.\d\d) yuan under (?P<reference>.+)"
        ),
        noop("The bank's line %(line)s is %(bank)s yuan; officers confirmed %(confirmed)s yuan under %(reference)s"),
    ),
]


def mismatch_text(text: str) -> str:
    """How a bank line differs from a declared payment (``contributions.collection``), in the active
    language."""
    for pattern, sentence in MISMATCHES:
        found = pattern.fullmatch(text)
        if found:
            return _(sentence) % found.groupdict()
    return text
