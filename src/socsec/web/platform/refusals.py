"""The registry's refusals in the reader's language, field by field. The services name the field and say
why in English (``socsec.registry.validation``, the engagement-end limits with their codes and values):
each known sentence has its translation here, filled with the values it carries; one not known here is
shown under a translated lead-in, so that the reader still sees which field and that it was refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from socsec.core.errors import DomainError
from socsec.registry.errors import RegistryErrorCode

Reword = Callable[[re.Match[str]], str]

# the registry's field sentences (``validation``, ``regions``, ``engagements``), by pattern
_SENTENCES: list[tuple[re.Pattern[str], Reword]] = [
    (re.compile(r"^is required\.$"), lambda m: _("This field is required.")),
    (re.compile(r"^must have 18 characters\.$"), lambda m: _("A resident ID has 18 characters.")),
    (
        re.compile(r"^must be 17 digits followed by a digit or X\.$"),
        lambda m: _("A resident ID is 17 digits followed by a digit or X."),
    ),
    (
        re.compile(r"^the check digit does not match"),
        lambda m: _("The last character (the check digit) does not match: the number is mistyped."),
    ),
    (
        re.compile(r"^the birth date or the birth-place code inside the number is not valid\.$"),
        lambda m: _("The birth date or the birth-place code inside the number is not valid."),
    ),
    (
        re.compile(r"^the birth-place code \(first 6 digits\) is not a known county\.$"),
        lambda m: _("The birth-place code (the first 6 digits) is not a known county."),
    ),
    (re.compile(r"^is not a valid resident ID"), lambda m: _("This is not a valid resident ID.")),
    (
        re.compile(r"^is longer than (\d+) characters\.$"),
        lambda m: _("At most %(n)s characters.") % {"n": m.group(1)},
    ),
    (re.compile(r"^holds "), lambda m: _("Holds a control or formatting character, which is not accepted.")),
    (re.compile(r"^unknown region code"), lambda m: _("Choose a region from the list.")),
    (re.compile(r"is not one of "), lambda m: _("Choose one from the list.")),
    (
        re.compile(r"^the person is under (\d+) on (\d{4}-\d{2}-\d{2}) "),
        lambda m: (
            _("The worker is under %(age)s on %(day)s: the Labour Law (Article 15) does not allow it.")
            % {"age": m.group(1), "day": m.group(2)}
        ),
    ),
    (
        re.compile(r"^(\d{4}-\d{2}-\d{2}) is before the earliest date the register accepts\.$"),
        lambda m: _("%(day)s is before the earliest date the register accepts.") % {"day": m.group(1)},
    ),
    (
        re.compile(r"^(\d{4}-\d{2}-\d{2}) is before the start date (\d{4}-\d{2}-\d{2})\.$"),
        lambda m: _("%(end)s is before the engagement's start, %(start)s.") % {"end": m.group(1), "start": m.group(2)},
    ),
]


def field_message(english: str) -> str:
    """One of the registry's field sentences in the reader's language."""
    for pattern, reword in _SENTENCES:
        found = pattern.search(english)
        if found:
            return reword(found)
    return _("Refused: %(reason)s") % {"reason": english}


def _end_limit(exc: DomainError) -> str | None:
    """An engagement-end limit, by its code, with the dates it carries."""
    params: dict[str, Any] = dict(exc.params)
    if exc.code == RegistryErrorCode.END_BEFORE_LAST_ORDER:
        return _(
            "The engagement cannot end on %(end)s: you reported orders for this worker up to %(last)s. "
            "Choose %(last)s or later; an earlier end needs an officer's decision."
        ) % {"end": params.get("end", ""), "last": params.get("last", "")}
    if exc.code == RegistryErrorCode.END_BEFORE_CLAIM:
        return _(
            "The engagement cannot end on %(end)s: a claim on this work has its event on %(event)s, and the "
            "claim is still open. Choose %(event)s or later; an earlier end needs an officer's decision."
        ) % {"end": params.get("end", ""), "event": params.get("event", "")}
    if exc.code == RegistryErrorCode.END_BACKDATED:
        return _(
            "You may date an end at most %(days)s days back (to %(earliest)s); %(end)s needs an officer's decision."
        ) % {"days": params.get("days", ""), "earliest": params.get("earliest", ""), "end": params.get("end", "")}
    if exc.code == RegistryErrorCode.OVERLAPPING_ENGAGEMENT:
        return _("This worker already has an engagement with you over these dates.")
    return None


def field_errors(exc: DomainError, prefixes: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """The refusal as messages per field in the reader's language; ``prefixes`` are stripped from the
    fields' names (``person.``, ``engagement.``). A refusal that names no field is under ``__all__``."""

    def name(field: str | None) -> str:
        field = field or "__all__"
        for prefix in prefixes:
            field = field.removeprefix(prefix)
        return field

    limit = _end_limit(exc)
    if limit is not None:
        return {name(exc.field): [limit]}
    fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
    if isinstance(fields, dict) and fields:
        return {name(k): [field_message(str(m)) for m in messages] for k, messages in fields.items()}
    return {name(exc.field): [field_message(exc.message)]}
