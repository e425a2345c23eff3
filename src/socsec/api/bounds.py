"""The bounds of what the API's schemas accept, so that no input reaches a service, a formula or the
database outside what they can hold: a date between 1900 and 2200, an id a positive 64-bit integer, an
amount of money under ten billion yuan, a code or a reference of bounded length, a name by the one text
rule (``socsec.core.text``), and free-form facts bounded in keys, length and nesting. Beyond these, the
JSON parser (``socsec.api.parsing``) refuses anywhere what no database stores."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints

from socsec.core.text import CleanText, Name

__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_CENTS",
    "MAX_ID",
    "CleanText",
    "Cents",
    "Code",
    "Count",
    "Day",
    "Facts",
    "Id",
    "Moment",
    "Name",
    "Reference",
    "Text",
    "Year",
]

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2200, 12, 31)
MAX_ID = 2**63 - 1
MAX_CENTS = 10**12  # ten billion yuan: above any one payment, contribution base or award
MAX_COUNT = 10**9

MAX_FACT_KEYS = 50
MAX_FACT_KEY_LENGTH = 64
MAX_FACT_TEXT = 2000
MAX_FACT_DEPTH = 4
MAX_FACT_NUMBER = 2**53  # what every JSON reader holds exactly


def _day_in_range(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside the dates accepted, {EARLIEST} to {LATEST}.")
    return value


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    """A moment, with or without its offset, on a day (as written) between 1900 and 2200: far enough from
    the ends of the calendar that no offset or time zone carries it past them."""
    if not EARLIEST <= value.date() <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside the times accepted, {EARLIEST} to {LATEST}.")
    return value


def _bounded_facts(value: dict[str, Any]) -> dict[str, Any]:
    _check_fact(value, 1)
    return value


def _check_fact(value: Any, depth: int) -> None:
    if depth > MAX_FACT_DEPTH:
        raise ValueError(f"is nested more than {MAX_FACT_DEPTH} levels deep.")
    if isinstance(value, dict):
        if len(value) > MAX_FACT_KEYS:
            raise ValueError(f"has {len(value)} keys; at most {MAX_FACT_KEYS} are accepted.")
        for key, item in value.items():
            if len(key) > MAX_FACT_KEY_LENGTH:
                raise ValueError(f"has a key longer than {MAX_FACT_KEY_LENGTH} characters.")
            _check_fact(item, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_FACT_KEYS:
            raise ValueError(f"has a list of {len(value)} items; at most {MAX_FACT_KEYS} are accepted.")
        for item in value:
            _check_fact(item, depth + 1)
    elif isinstance(value, str) and len(value) > MAX_FACT_TEXT:
        raise ValueError(f"has a text longer than {MAX_FACT_TEXT} characters.")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float) and (not math.isfinite(value) or abs(value) > MAX_FACT_NUMBER):
        raise ValueError(f"has a number beyond {MAX_FACT_NUMBER} in size.")


Day = Annotated[dt.date, AfterValidator(_day_in_range)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_range)]
Year = Annotated[int, Field(ge=EARLIEST.year, le=LATEST.year)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Cents = Annotated[int, Field(ge=-MAX_CENTS, le=MAX_CENTS)]  # the services refuse a negative amount in words
Count = Annotated[int, Field(ge=-MAX_COUNT, le=MAX_COUNT)]
Code = Annotated[str, StringConstraints(max_length=64)]
Reference = Annotated[str, StringConstraints(max_length=200)]
Text = Annotated[str, StringConstraints(max_length=MAX_FACT_TEXT)]
Facts = Annotated[dict[str, Any], AfterValidator(_bounded_facts)]
