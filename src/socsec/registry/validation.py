"""Field checks shared by the single-row services and the bulk import. They raise nothing: each returns
the cleaned value or adds a message to ``errors`` under the field's name."""

from __future__ import annotations

import datetime as dt
import functools

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from socsec.core.text import clean_text, text_refusal
from socsec.rules.coverage import Category, Sector
from socsec.rules.formulas.common import GROUPS_OF_SEX

Errors = dict[str, list[str]]


def add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


@functools.lru_cache(maxsize=1 << 16)
def _counties(code: str) -> type[Exception] | tuple[tuple[int | None, int | None], ...]:
    """The years in which a birth-place code (the first 6 digits) named a county, from python-stdnum's
    county table (``ric.get_birth_place`` reads the same table): a span per county, ``None`` for an open
    end, or the refusal when the code names none. Read once per code: the table search costs about 0.3 ms,
    which at a province's register (millions of IDs, a few thousand codes) would be most of an import."""
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    if not info:
        return InvalidComponent
    if "county" not in info:  # a province or city with no county
        return KeyError
    spans: list[tuple[int | None, int | None]] = []
    for county in info["county"].split(","):
        if not county.startswith("["):
            return ((None, None),)
        start, end = county[1:].split("]")[0].split("-")
        spans.append((int(start) if start else None, int(end) if end else None))
    return tuple(spans)


def _birth_place_refusal(code: str, year: int) -> type[Exception] | None:
    counties = _counties(code)
    if not isinstance(counties, tuple):
        return counties
    known = any((start is None or year >= start) and (end is None or year <= end) for start, end in counties)
    return None if known else InvalidComponent


def _validated_resident_id(value: str) -> str:
    """``ric.validate`` with the same checks in the same order and the same exceptions, its birth-place
    look-up cached (``_birth_place_refusal``). One difference: python-stdnum's digit test (a regular
    expression ending in ``$``) lets a newline before the last digit through, which then fails later
    (``id_sex``); here it is refused as a malformed number."""
    if len(value) != 18:
        raise InvalidLength()
    if not value[:-1].isdigit() or not value[:-1].isascii():
        raise InvalidFormat()
    if value[-1] != ric.calc_check_digit(value):
        raise InvalidChecksum()
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidComponent() from None
    refusal = _birth_place_refusal(value[:6], born.year)
    if refusal is not None:
        raise refusal()
    return value


def clean_resident_id(raw: object, errors: Errors, field: str = "resident_id") -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        add(errors, field, "is required.")
        return None
    plain = raw.strip()
    # python-stdnum's compact folds Unicode separators one character at a time; plain ASCII letters and
    # digits (nearly every ID) need only the upper-casing
    value = plain.upper() if plain.isascii() and plain.isalnum() else ric.compact(raw).upper()
    try:
        return _validated_resident_id(value)
    except InvalidLength:
        add(errors, field, "must have 18 characters.")
    except InvalidFormat:
        add(errors, field, "must be 17 digits followed by a digit or X.")
    except InvalidChecksum:
        add(errors, field, "the check digit does not match: the number is mistyped.")
    except InvalidComponent:
        add(errors, field, "the birth date or the birth-place code inside the number is not valid.")
    except KeyError:  # python-stdnum finds a province but no county for the birth-place code
        add(errors, field, "the birth-place code (first 6 digits) is not a known county.")
    except ValidationError as exc:  # any other stdnum complaint
        add(errors, field, f"is not a valid resident ID ({exc}).")
    return None


def is_valid_resident_id(value: str) -> bool:
    return clean_resident_id(value, {}) is not None


def id_birth_date(resident_id: str) -> dt.date:
    return ric.get_birth_date(resident_id)


def id_sex(resident_id: str) -> str:
    return "M" if int(resident_id[16]) % 2 == 1 else "F"


def check_consistent_with_id(
    resident_id: str, birth_date: dt.date | None, sex: str | None, errors: Errors
) -> tuple[dt.date, str]:
    """Birth date and sex come from the ID; when given too, they must agree with it."""
    id_birth, id_sx = id_birth_date(resident_id), id_sex(resident_id)
    if birth_date is not None and birth_date != id_birth:
        add(
            errors,
            "birth_date",
            f"{birth_date.isoformat()} contradicts the resident ID, which gives {id_birth.isoformat()}.",
        )
    if sex is not None and sex not in ("M", "F"):
        add(errors, "sex", "must be M or F.")
    elif sex is not None and sex != id_sx:
        add(errors, "sex", f"{sex} contradicts the resident ID, whose 17th digit gives {id_sx}.")
    return id_birth, id_sx


def clean_retirement_group(raw: object, sex: str, errors: Errors) -> str:
    """The person's original retirement group: one of their sex's (``GROUPS_OF_SEX``); when not given, the
    first of them (men 60; women 55, the group of flexibly employed women in most provinces)."""
    allowed = [str(g) for g in GROUPS_OF_SEX.get(sex, ())]
    if raw in (None, ""):
        return allowed[0] if allowed else ""
    if raw not in allowed:
        add(errors, "retirement_group", f"{raw!r} is not a retirement group of sex {sex} ({', '.join(allowed)}).")
        return ""
    return str(raw)


def clean_name(raw: object, errors: Errors, field: str = "name", max_length: int = 100) -> str | None:
    """A name by the one text rule (``socsec.core.text``: NFC, no control, format or surrogate
    characters), its spaces collapsed."""
    if not isinstance(raw, str) or not raw.strip():
        add(errors, field, "is required.")
        return None
    refusal = text_refusal(raw)
    if refusal:
        add(errors, field, refusal)
        return None
    value = clean_text(" ".join(raw.split()))
    if len(value) > max_length:
        add(errors, field, f"is longer than {max_length} characters.")
        return None
    return value


def clean_choice(raw: object, allowed: type[Category] | type[Sector], errors: Errors, field: str) -> str | None:
    values = [c.value for c in allowed]
    if raw not in values:
        add(errors, field, f"{raw!r} is not one of {', '.join(values)}.")
        return None
    return str(raw)


def clean_credit_code(raw: object, errors: Errors, field: str = "credit_code") -> str | None:
    if raw in (None, ""):
        return None
    try:
        return str(uscc.validate(str(raw)))
    except ValidationError:
        add(errors, field, "is not a valid unified social credit code (18 characters with a check digit).")
        return None


def check_dates(start: dt.date | None, end: dt.date | None, errors: Errors) -> None:
    if start is None:
        add(errors, "start_date", "is required.")
    elif end is not None and end < start:
        add(errors, "end_date", f"{end.isoformat()} is before the start date {start.isoformat()}.")
