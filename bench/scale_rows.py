"""The rows of the scale benchmark's database, drawn vectorised (numpy, Arrow) from a seeded generator:
persons with real ciphertexts and blind indexes, engagements, claims and awards, a year of paid benefit
months, own contributions, and the ledger transactions that post them. Each function returns Arrow tables
named by the database table they fill, column names as the database has them; ``scale_load`` writes them.

Only the pure parts live here (no database access), so a chunk is drawn without Django's ORM."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from stdnum.cn import ric

from socsec.core.crypto import KeyRing, normalise_identifier, normalise_name

ID_MASK = np.uint64(2**53 - 1)
ID_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: k -> k * A mod 2**53 is a bijection
STAMP = "2026-11-30 00:00:00+00:00"
PAY_MONTH = "2026-11"  # the month the pay run pays (closed on the benchmark's day)
FIRST_MONTH = "2025-12"  # the first month of the year of records before it
RECORD_YEAR = 2026
QUARTERS = [dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1), dt.date(2026, 10, 1)]
CONTRIBUTOR_SHARE = 0.2  # persons paying their own employee pension, quarterly
BASES_CENTS = [500_000, 800_000, 1_200_000]


def person_ids(k: np.ndarray) -> np.ndarray:
    """The id of the k-th person (k from 1): random-looking, unique, below 2**53, as ``new_person_id``'s."""
    with np.errstate(over="ignore"):
        return ((k.astype(np.uint64) * ID_MULTIPLIER) & ID_MASK).astype(np.int64) + 1


def months_between(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class FieldCipher:
    """``EncryptedTextField`` and ``BlindIndexField`` values of one column, in a tight loop: the same
    AES-GCM token format and HMAC-SHA256 index as ``KeyRing`` writes (checked against it in ``check``)."""

    def __init__(self, ring: KeyRing, context: str, index_context: str) -> None:
        self.ring, self.context, self.index_context = ring, context, index_context
        self._cipher = ring._ciphers[ring.current_id]
        self._prefix = ring.current_id + "$"

    def encrypt(self, values: list[str]) -> list[str]:
        nonces = os.urandom(12 * len(values))
        ctx, enc, b64, prefix = self.context.encode(), self._cipher.encrypt, base64.b64encode, self._prefix
        return [
            prefix + b64(nonces[12 * i : 12 * i + 12] + enc(nonces[12 * i : 12 * i + 12], v.encode(), ctx)).decode()
            for i, v in enumerate(values)
        ]

    def index(self, normalised: list[str]) -> list[str]:
        head, key, digest = self.index_context.encode() + b"\0", self.ring.index_key, hmac.digest
        return [digest(key, head + v.encode(), hashlib.sha256).hex() for v in normalised]

    def check(self, value: str, normalised: str) -> None:
        token = self.encrypt([value])[0]
        assert self.ring.decrypt(token, context=self.context) == value
        assert self.index([normalised])[0] == self.ring.blind_index(normalised, context=self.index_context)


@dataclass
class Reference:
    """The ids the drawn rows point at: cities, provinces, platforms and the employer, fund accounts."""

    cities: list[tuple[int, str, float]]  # region id, code, weight
    province_of_city: dict[int, str]  # region id -> province code
    platforms: list[tuple[int, str]]  # organisation id, sector
    employer: tuple[int, str]
    accounts: dict[str, int]  # code -> id of the accounts opened before the load
    labels: dict[str, str]  # award item -> its formula's label
    own_explanations: dict[tuple[str, str, int], tuple[int, int, str]]  # (city, quarter, base) -> cents, JSON


def valid_districts(city: str) -> list[str]:
    """County codes under a city that python-stdnum knows for every birth year drawn (1963-2005): the
    registry refuses the others, and some counties exist only for some years."""
    found = []
    for d in range(100):
        county = f"{city[:4]}{d:02d}"
        bodies = [f"{county}{year}0101001" for year in (1963, 1970, 1980, 1990, 2000, 2005, 2006)]
        if all(_valid_id(body + ric.calc_check_digit(body + "0")) for body in bodies):
            found.append(county)
    if not found:
        raise RuntimeError(f"no county of city {city} is valid for every birth year drawn")
    return found


def _valid_id(resident_id: str) -> bool:
    try:
        ric.validate(resident_id)
    except (KeyError, ValueError):  # stdnum's errors are ValueErrors; KeyError: a province without counties
        return False
    return True


@dataclass
class People:
    """The drawn persons, whole (a few arrays of N), before their text is made chunk by chunk."""

    ids: np.ndarray
    birth: np.ndarray  # datetime64[D]
    male: np.ndarray
    city: np.ndarray  # index into Reference.cities
    district: np.ndarray
    seq: np.ndarray
    surname: np.ndarray
    given1: np.ndarray
    given2: np.ndarray  # -1: a one-character given name


def draw_people(rng: np.random.Generator, n: int, ref: Reference) -> People:
    ids = person_ids(np.arange(1, n + 1))
    birth = np.datetime64("1963-01-01") + rng.integers(0, 365 * 43, n).astype("timedelta64[D]")
    male = rng.random(n) < 0.78
    weights = np.array([w for _i, _c, w in ref.cities], dtype=float)
    city = rng.choice(len(ref.cities), n, p=weights / weights.sum())
    districts = [valid_districts(code) for _i, code, _w in ref.cities]
    district_pick = rng.integers(0, 1_000_000, n)
    counts = np.array([len(d) for d in districts])
    table = np.full((len(districts), counts.max()), 0, dtype=np.int64)
    for i, ds in enumerate(districts):
        table[i, : len(ds)] = [int(d) for d in ds]
    district = table[city, district_pick % counts[city]]
    # the sequence number: rank among persons of the same county and birth day, odd for men
    key = district * 100_000 + birth.astype(np.int64)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = rank_sorted
    if n and rank.max() >= 500:
        raise RuntimeError("too many persons of one county and birth day for distinct resident IDs")
    seq = rank * 2 + male.astype(np.int64)
    given2 = np.where(rng.random(n) < 2 / 3, rng.integers(0, 50, n), -1)
    return People(ids, birth, male, city, district, seq, rng.integers(0, 50, n), rng.integers(0, 50, n), given2)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰华建国志红玉梅文斌鹏飞宇浩然子轩欣怡晨阳思雨俊杰佳琪"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # ISO 7064 MOD 11-2 weights of the 17 digits


def resident_ids(people: People, sl: slice) -> list[str]:
    """The resident IDs of a slice of persons: county, birth day, sequence and the check digit."""
    days = people.birth[sl].astype("datetime64[D]")
    ymd = np.char.replace(np.datetime_as_string(days, unit="D"), "-", "")
    body = np.char.add(
        np.char.add(people.district[sl].astype("U6"), ymd), np.char.zfill(people.seq[sl].astype("U3"), 3)
    )
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - ord("0")
    check = (12 - (digits.astype(np.int64) @ np.array(WEIGHTS)) % 11) % 11
    check_char = np.where(check == 10, "X", check.astype("U2"))
    return list(np.char.add(body, check_char))


def names(people: People, sl: slice) -> list[str]:
    s, g = np.array(list(SURNAMES)), np.array(list(GIVEN))
    given2 = people.given2[sl]
    second = np.where(given2 >= 0, g[np.maximum(given2, 0)], "")
    return list(np.char.add(np.char.add(s[people.surname[sl]], g[people.given1[sl]]), second))


def person_table(people: People, sl: slice, ref: Reference, rid: FieldCipher, name: FieldCipher) -> pa.Table:
    rids, person_names = resident_ids(people, sl), names(people, sl)
    n = len(rids)
    distinct, which = np.unique(np.array(person_names), return_inverse=True)
    distinct_names = list(distinct)
    name_tokens = pa.array(name.encrypt(distinct_names), pa.string()).take(pa.array(which))
    name_indexes = pa.array(name.index([normalise_name(x) for x in distinct_names]), pa.string()).take(pa.array(which))
    city_ids = np.array([i for i, _c, _w in ref.cities])[people.city[sl]]
    return pa.table(
        {
            "id": people.ids[sl],
            "resident_id": rid.encrypt(rids),
            "resident_id_index": rid.index([normalise_identifier(r) for r in rids]),
            "name": name_tokens,  # one ciphertext per distinct name in the chunk, reused by its namesakes
            "name_index": name_indexes,
            "birth_date": pa.array(people.birth[sl], pa.date32()),
            "sex": np.where(people.male[sl], "M", "F"),
            "retirement_group": np.where(people.male[sl], "MEN_60", "WOMEN_55"),  # the group of each sex most drawn
            "residence_region_id": city_ids,
            "created_at": pa.repeat(STAMP, n),
        }
    )


def chunks(n: int, size: int) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def text(values: Any) -> pa.Array:
    return pa.array(values, pa.string())
