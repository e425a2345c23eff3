"""The register's resident-ID check (``clean_resident_id``, its birth-place look-up cached per code and
year) accepts and refuses exactly what python-stdnum's ``ric.validate`` does, with the same message."""

from __future__ import annotations

import random

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from socsec.registry.validation import clean_resident_id

# birth-place codes: Beijing's districts (110103 named a county until 2010), Shijiazhuang's 130103 (1983-2014),
# Guangzhou's 440106 (from 1985), Shenzhen's 440305 (1983-1989, then from 1990), Luoyang's 410303 (from
# 1983), codes that no table holds, a city and a province with no county
CODES = ["110105", "110103", "130103", "440106", "440305", "410303", "110199", "999999", "110000", "440300", "000000"]


def _candidates(rng: random.Random) -> list[str]:
    out = []
    for _ in range(3000):
        body = rng.choice(CODES) + f"{rng.randrange(1890, 2030)}{rng.randrange(0, 14):02d}{rng.randrange(0, 33):02d}"
        body += f"{rng.randrange(0, 1000):03d}"
        good = body + ric.calc_check_digit(body + "0")
        bad = body + rng.choice("0123456789X")
        out += [good, bad, good.lower(), f" {good} ", good[:-2], good + "1"]
        out += [good.replace("1", "１", 1), good[:9] + "-" + good[9:]]  # a full-width digit, a separator
    return out


def test_the_cached_check_agrees_with_python_stdnum_everywhere():
    rng = random.Random(7)
    accepted = 0
    for raw in _candidates(rng):
        errors: dict[str, list[str]] = {}
        ours = clean_resident_id(raw, errors)
        try:
            theirs: str | None = str(ric.validate(ric.compact(raw).upper()))
        except (ValidationError, KeyError):
            theirs = None
        assert ours == theirs, raw
        assert (ours is None) == bool(errors), raw
        accepted += ours is not None
    assert accepted > 1000  # the sample holds both


def test_each_refusal_names_its_reason():
    def message(raw: str) -> list[str]:
        errors: dict[str, list[str]] = {}
        assert clean_resident_id(raw, errors) is None
        return errors["resident_id"]

    body = "11010519920229017"
    good = body + ric.calc_check_digit(body + "0")
    assert message(good[:-1]) == ["must have 18 characters."]
    assert message("1101051992022901AX") == ["must be 17 digits followed by a digit or X."]
    wrong = "0" if good[-1] != "0" else "1"
    assert message(good[:-1] + wrong) == ["the check digit does not match: the number is mistyped."]
    feb30 = "11010519920230017"
    assert message(feb30 + ric.calc_check_digit(feb30 + "0")) == [
        "the birth date or the birth-place code inside the number is not valid."
    ]
    unknown = "99999919920229017"
    assert message(unknown + ric.calc_check_digit(unknown + "0")) == [
        "the birth date or the birth-place code inside the number is not valid."
    ]
    assert message("   ") == ["is required."]
    # python-stdnum lets a newline before the last digit through (its digit test ends in "$"); not here
    assert message(good[:16] + "\n" + good[17]) == ["must be 17 digits followed by a digit or X."]
