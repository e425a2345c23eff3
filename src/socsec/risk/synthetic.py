"""A synthetic population with planted risk cases (pure: numpy and Arrow, no Django), to measure each rule's
recall and precision (``bench/risk.py``) and to test the screening at scale. Deterministic: the same seed
and size give the same rows and the same planted cases.

Workers take 8 to 16 orders a month on one platform in one city over six months (October 2025 to March
2026, screened on 1 April 2026); some claim an injury on a day they served an order; pensioners and
unemployed persons are paid monthly. Then, for each rule, cases it must find are planted, and near misses
it must not: a second claim of the same injury four days later on the same platform, a pension paid only
for the month of death, nine orders in a month of unemployment benefit, orders in two cities of one
province, one silent claim on a platform (two are needed), 20 orders where the platform's workers take 8 to
16, orders down by a fifth only. ``planted[rule]`` holds the case keys the rule must hit, and nothing else
should be hit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .engine import table_schema

ON = dt.date(2026, 4, 1)
MONTHS = [
    dt.date(2025, 10, 1),
    dt.date(2025, 11, 1),
    dt.date(2025, 12, 1),
    dt.date(2026, 1, 1),
    dt.date(2026, 2, 1),
    dt.date(2026, 3, 1),
]
END = dt.date(2026, 4, 1)
CITIES = ["440300", "440100", "310100", "110100", "330100", "510100"]  # two in Guangdong, then one a province
SECTORS = ["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "FREIGHT"]
EPOCH = dt.date(1970, 1, 1)


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _date(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


@dataclass
class Synthetic:
    tables: dict[str, pa.Table]
    planted: dict[str, set[str]]
    persons: int
    near_misses: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(t.num_rows for t in self.tables.values())


class _Rows:
    """Columns appended in chunks, made into an Arrow table once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.schema = table_schema(name)
        self.parts: dict[str, list[np.ndarray | list[object]]] = {f.name: [] for f in self.schema}

    def add(self, **columns: object) -> None:
        n = max(len(v) if isinstance(v, list | np.ndarray) else 1 for v in columns.values())
        for f in self.schema:
            value = columns.get(f.name)
            self.parts[f.name].append(value if isinstance(value, list | np.ndarray) else [value] * n)

    def table(self) -> pa.Table:
        arrays = []
        for f in self.schema:
            chunks = [pa.array(c, type=pa.int32() if f.type == pa.date32() else None) for c in self.parts[f.name]]
            chunks = [c.cast(f.type) if c.type != f.type else c for c in chunks]
            arrays.append(pa.chunked_array(chunks, type=f.type) if chunks else pa.chunked_array([], type=f.type))
        return pa.table(arrays, schema=self.schema)


def generate(persons: int, seed: int = 17) -> Synthetic:
    """``persons`` workers (and as many again in fifty: pensioners and unemployed), with planted cases."""
    rng = np.random.default_rng(seed)
    platforms = max(8, persons // 2500)
    plant = max(10, persons // 5000)  # planted cases per person-level rule
    planted: dict[str, set[str]] = {
        r: set()
        for r in (
            "injury_claimed_twice",
            "claim_without_orders",
            "paid_after_death",
            "unemployment_while_working",
            "two_provinces_same_day",
            "engagements_silent_with_claims",
            "orders_outlier",
            "orders_falling_claims_rising",
        )
    }
    near: dict[str, int] = {}
    orders, claims, engagements, payments, deaths = (
        _Rows(n) for n in ("orders", "claims", "engagements", "payments", "deaths")
    )

    person = np.arange(1, persons + 1, dtype=np.int64)
    platform_of = (person % platforms) + 1
    sector_of_platform = np.array([SECTORS[i % len(SECTORS)] for i in range(platforms + 1)], dtype=object)
    city_of = np.array(CITIES, dtype=object)[rng.integers(0, len(CITIES), persons)]
    engagements.add(
        engagement_id=person,
        person_id=person,
        organisation_id=platform_of,
        sector=sector_of_platform[platform_of],
        region=city_of,
        start_date=np.full(persons, _day(dt.date(2024, 1, 1)), dtype=np.int32),
        end_date=[None] * persons,
    )

    # the falling platforms: the last quarter's orders halved, injury claims up (planted below)
    falling = list(range(1, platforms + 1, max(1, platforms // 3)))[:3]
    slight = falling[-1] % platforms + 1  # near miss: orders down by a fifth only, claims up as much
    silent_platforms = [p for p in range(2, platforms + 1) if p not in falling and p != slight][:3]

    # orders: 8 to 16 a month per worker, on random days of the month, in the worker's city
    months = np.array([_day(m) for m in MONTHS] + [_day(END)], dtype=np.int64)
    counts = rng.integers(8, 17, size=(persons, len(MONTHS)))
    recent = np.arange(len(MONTHS)) >= 3
    for p in falling:
        counts[np.ix_(platform_of == p, recent)] //= 2
    counts[np.ix_(platform_of == slight, recent)] = counts[np.ix_(platform_of == slight, recent)] * 4 // 5
    who = np.repeat(np.repeat(np.arange(persons), len(MONTHS)), counts.ravel())
    month = np.repeat(np.tile(np.arange(len(MONTHS)), persons), counts.ravel())
    length = (months[1:] - months[:-1])[month]
    day = months[:-1][month] + (rng.random(len(who)) * length).astype(np.int64)
    orders.add(
        person_id=person[who],
        organisation_id=platform_of[who],
        region=city_of[who],
        sector=sector_of_platform[platform_of[who]],
        order_date=day.astype(np.int32),
    )
    first_day = np.zeros(persons, dtype=np.int64)  # a day each worker served an order in March
    march = month == len(MONTHS) - 1
    first_day[who[march]] = day[march]

    next_claim = [1]

    def claim(
        pid: int, org: int, on: int, region: str, kind: str = "OCCUPATIONAL_INJURY", status: str = "SUBMITTED"
    ) -> int:
        cid = next_claim[0]
        next_claim[0] += 1
        claims.add(
            claim_id=[cid],
            person_id=[pid],
            kind=[kind],
            status=[status],
            event_date=np.array([on], dtype=np.int32),
            submitted_on=np.array([on + 2], dtype=np.int32),
            organisation_id=[org],
            region=[region],
        )
        return cid

    order_seq = [0]

    def extra_orders(pid: int, org: int, region: str, on: int, n: int) -> None:
        order_seq[0] += 1
        orders.add(
            person_id=np.full(n, pid, dtype=np.int64),
            organisation_id=np.full(n, org, dtype=np.int64),
            region=[region] * n,
            sector=[sector_of_platform[org]] * n,
            order_date=np.full(n, on, dtype=np.int32),
        )

    # ordinary injuries: 1 in 100 workers, on a day they served an order in March
    injured = rng.choice(persons, size=max(1, persons // 100), replace=False)
    for i in injured:
        claim(int(person[i]), int(platform_of[i]), int(first_day[i]), str(city_of[i]), status="ACCEPTED")
    pool = iter(rng.permutation(np.setdiff1d(np.arange(persons), injured)))

    def worker() -> int:
        return int(next(pool))

    # injury_claimed_twice: the same injury through a second platform a day later (orders both days)
    for _ in range(plant):
        i = worker()
        pid, org, city, d = int(person[i]), int(platform_of[i]), str(city_of[i]), int(first_day[i])
        other = org % platforms + 1
        a = claim(pid, org, d, city)
        extra_orders(pid, other, city, d + 1, 1)
        b = claim(pid, other, d + 1, city)
        planted["injury_claimed_twice"].add(f"claims:{a}-{b}")
    for _ in range(plant):  # near miss: the same platform and region, 4 days apart
        i = worker()
        pid, org, city, d = int(person[i]), int(platform_of[i]), str(city_of[i]), int(first_day[i]) - 4
        extra_orders(pid, org, city, d, 1)
        claim(pid, org, d, city)
        extra_orders(pid, org, city, d + 4, 1)
        claim(pid, org, d + 4, city)
    near["injury_claimed_twice"] = plant

    # claim_without_orders: an injury on a day with no order at all (the worker's orders moved off it)
    march_start = _day(MONTHS[-1])
    for _ in range(plant):
        i = worker()
        pid = int(person[i])
        # the screening day itself: after every order, so certainly none that day
        cid = claim(pid, int(platform_of[i]), _day(END), str(city_of[i]))
        planted["claim_without_orders"].add(f"claim:{cid}")
    near["claim_without_orders"] = len(injured)

    # two_provinces_same_day: three orders in Guangdong and three in Shanghai on one day
    for _ in range(plant):
        i = worker()
        pid, org = int(person[i]), int(platform_of[i])
        d = march_start + int(rng.integers(0, 28))
        extra_orders(pid, org, "440300", d, 3)
        extra_orders(pid, org, "310100", d, 3)
        planted["two_provinces_same_day"].add(f"person:{pid}:{_date(d).isoformat()}")

    def cantonese() -> int:
        while not str(city_of[i := worker()]).startswith("44"):
            pass
        return i

    for k in range(
        2 * plant
    ):  # near misses, of workers living in Guangdong: two of its cities; two orders across the border
        i = cantonese()
        pid, org = int(person[i]), int(platform_of[i])
        d = march_start + int(rng.integers(0, 28))
        extra_orders(pid, org, "440300", d, 3)
        extra_orders(pid, org, "440100" if k % 2 else "110100", d, 3 if k % 2 else 2)
    near["two_provinces_same_day"] = 2 * plant

    # orders_outlier: 60 orders more in February where the platform's workers take 8 to 16 (near miss: 10
    # more, a robust z-score of 4.7 at most)
    february = _day(MONTHS[4])
    for n, planted_it in ((60, True), (10, False)):
        for _ in range(plant):
            i = worker()
            pid, org = int(person[i]), int(platform_of[i])
            if org in falling or org == slight:
                continue
            extra_orders(pid, org, str(city_of[i]), february + 3, n)
            if planted_it:
                planted["orders_outlier"].add(f"person:{pid}:{org}:2026-02")
            else:
                near["orders_outlier"] = near.get("orders_outlier", 0) + 1

    # orders_falling_claims_rising: 2 claims in the earlier quarter, 6 in the recent one, orders halved
    for org in falling + [slight]:
        members = np.flatnonzero(platform_of == org)
        for k, m in enumerate(rng.choice(members, size=8, replace=False)):
            pid, city = int(person[m]), str(city_of[m])
            d = (_day(MONTHS[1]) + 5 * k) if k < 2 else (_day(MONTHS[3]) + 9 * (k - 2))
            extra_orders(pid, org, city, d, 1)
            claim(pid, org, d, city)
        if org != slight:
            planted["orders_falling_claims_rising"].add(f"platform:{org}:2026-01")
    near["orders_falling_claims_rising"] = 1

    # persons beyond the workers: pensioners, the unemployed, engaged workers who never served an order
    extra = persons + 1

    def new_person() -> int:
        nonlocal extra
        extra += 1
        return extra - 1

    award = [1]
    payment = [1]

    def pay(pid: int, kind: str, months_paid: list[dt.date], cents: int) -> int:
        aid = award[0]
        award[0] += 1
        cid = claim(pid, 0, _day(dt.date(2025, 9, 1)), "", kind=kind, status="PAID")
        n = len(months_paid)
        payments.add(
            payment_id=np.arange(payment[0], payment[0] + n, dtype=np.int64),
            person_id=np.full(n, pid, dtype=np.int64),
            award_id=np.full(n, aid, dtype=np.int64),
            claim_id=np.full(n, cid, dtype=np.int64),
            claim_kind=[kind] * n,
            month=np.array([_day(m) for m in months_paid], dtype=np.int32),
            amount_cents=np.full(n, cents, dtype=np.int64),
        )
        payment[0] += n
        return aid

    # paid_after_death: pensioners; planted ones paid on after their death, near misses paid to the death month
    for _ in range(max(1, persons // 50)):
        pay(new_person(), "PENSION", MONTHS, 250000)
    for k in range(plant):
        pid = new_person()
        died = MONTHS[1 + k % 4] + dt.timedelta(days=10)
        aid = pay(pid, "PENSION", MONTHS, 250000)
        deaths.add(person_id=[pid], died_on=np.array([_day(died)], dtype=np.int32), source=["civil register"])
        planted["paid_after_death"].add(f"award:{aid}")
    for k in range(plant):
        pid = new_person()
        died = MONTHS[1 + k % 4] + dt.timedelta(days=10)
        pay(pid, "PENSION", [m for m in MONTHS if m <= died], 250000)
        deaths.add(person_id=[pid], died_on=np.array([_day(died)], dtype=np.int32), source=["death notice"])
    near["paid_after_death"] = plant

    # unemployment_while_working: paid January to March; planted ones took 12 orders in February, near
    # misses 9
    org1 = silent_platforms[0] if silent_platforms else 1
    for _ in range(max(1, persons // 100)):
        pay(new_person(), "UNEMPLOYMENT", MONTHS[3:], 180000)
    for n, planted_it in ((12, True), (9, False)):
        for _ in range(plant):
            pid = new_person()
            aid = pay(pid, "UNEMPLOYMENT", MONTHS[3:], 180000)
            extra_orders(pid, org1 + 1, "330100", february + 8, n)
            if planted_it:
                planted["unemployment_while_working"].add(f"award:{aid}")
    near["unemployment_while_working"] = plant

    # engagements_silent_with_claims: two injured workers of a platform who never had an order reported
    # (each also an injury on a day with no order); near miss: one such worker on another platform
    engagement = [persons + 1]

    def engaged(org: int) -> int:
        pid = new_person()
        engagements.add(
            engagement_id=[engagement[0]],
            person_id=[pid],
            organisation_id=[org],
            sector=[sector_of_platform[org]],
            region=["510100"],
            start_date=np.array([_day(dt.date(2025, 6, 1))], dtype=np.int32),
            end_date=[None],
        )
        engagement[0] += 1
        return pid

    for org in silent_platforms[:-1] if len(silent_platforms) > 1 else silent_platforms:
        for k in range(2):
            pid = engaged(org)
            cid = claim(pid, org, march_start + 10 + k, "510100")
            planted["claim_without_orders"].add(f"claim:{cid}")
        planted["engagements_silent_with_claims"].add(f"platform:{org}:2026-03")
    if len(silent_platforms) > 1:
        pid = engaged(silent_platforms[-1])
        cid = claim(pid, silent_platforms[-1], march_start + 12, "510100")
        planted["claim_without_orders"].add(f"claim:{cid}")
        near["engagements_silent_with_claims"] = 1

    tables = {t.name: t.table() for t in (orders, claims, engagements, payments, deaths)}
    ids = pc.cast(pa.array(np.arange(tables["orders"].num_rows, dtype=np.int64)), pa.string())
    tables["orders"] = tables["orders"].set_column(0, "order_id", ids)
    return Synthetic(tables=tables, planted=planted, persons=extra - 1, near_misses=near)


def measure(planted: dict[str, set[str]], hits: dict[str, set[str]]) -> dict[str, dict[str, float]]:
    """Recall (planted cases found) and precision (hits that were planted) per rule."""
    out = {}
    for rule, want in sorted(planted.items()):
        got = hits.get(rule, set())
        found = len(want & got)
        out[rule] = {
            "recall": round(found / len(want), 4) if want else 1.0,
            "precision": round(found / len(got), 4) if got else (1.0 if not want else 0.0),
            "planted": len(want),
            "hits": len(got),
        }
    return out
