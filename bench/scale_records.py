"""The scale benchmark's rows beyond the persons, for one slice of them, vectorised: engagements, claims
and their awards, the benefit months paid before the benchmarked month, own contributions of the year, and
the balanced ledger transactions of both, as the services post them (same sources, keys, descriptions,
kinds, params and accounts). Ids are computed from the person's number, so slices never collide."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scale_rows import (
    BASES_CENTS,
    CONTRIBUTOR_SHARE,
    FIRST_MONTH,
    PAY_MONTH,
    QUARTERS,
    STAMP,
    People,
    Reference,
    months_between,
)

MONTHS = months_between(FIRST_MONTH, PAY_MONTH)  # 12 months; runs before PAY_MONTH paid the earlier ones
CATEGORIES = ["MANAGED_NON_LABOUR", "CIVIL_LAW", "SELF_EMPLOYED", "LABOUR_RELATION"]
# claim kind, award item, fund, periodic, amount range (cents), months it lasts (0: until stopped)
AWARD_KINDS = [
    ("PENSION", "pension_monthly", "EMPLOYEE_PENSION", True, (300_000, 650_000), 0, 0.4),
    ("OCCUPATIONAL_INJURY", "oip_disability_allowance_monthly", "OIP", True, (200_000, 420_000), 0, 0.2),
    ("UNEMPLOYMENT", "unemployment_benefit_monthly", "UNEMPLOYMENT", True, (180_000, 260_000), 12, 0.2),
    ("LONG_TERM_CARE", "ltc_benefit_monthly", "LONG_TERM_CARE", True, (90_000, 150_000), 0, 0.1),
    ("OCCUPATIONAL_INJURY", "oip_disability_grant", "OIP", False, (3_000_000, 9_000_000), 0, 0.1),
]
ACCOUNT_BASE = 1000  # fixed accounts (bank, funds) are below; per-person accounts from here


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _s(values: np.ndarray | pa.Array) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def engagements(rng: np.random.Generator, people: People, sl: slice, ref: Reference) -> pa.Table:
    """One engagement each (70% with a platform), a second platform for a fifth: about 1.2 per person."""
    n = sl.stop - sl.start
    k = np.arange(sl.start, sl.stop, dtype=np.int64)
    city_ids = np.array([i for i, _c, _w in ref.cities])
    home = people.city[sl]
    region = np.where(rng.random(n) < 0.75, home, rng.integers(0, len(city_ids), n))
    on_platform = rng.random(n) < 0.7
    platform = rng.integers(0, len(ref.platforms), n)
    org = np.where(on_platform, np.array([p for p, _s in ref.platforms])[platform], ref.employer[0])
    sector = np.where(on_platform, np.array([s for _p, s in ref.platforms])[platform], ref.employer[1])
    category = np.where(on_platform, np.array(CATEGORIES)[rng.choice(4, n, p=[0.5, 0.3, 0.1, 0.1])], "LABOUR_RELATION")
    start = np.datetime64("2020-01-01") + rng.integers(0, 2465, n).astype("timedelta64[D]")
    end = start + rng.integers(90, 900, n).astype("timedelta64[D]")
    ended = (rng.random(n) < 0.12) & (end < np.datetime64("2026-11-01"))
    second = rng.random(n) < 0.2
    m = int(second.sum())
    second_platform = rng.integers(0, len(ref.platforms), m)
    ids = np.r_[2 * k + 1, (2 * k + 2)[second]]
    return pa.table(
        {
            "id": ids,
            "person_id": np.r_[people.ids[sl], people.ids[sl][second]],
            "organisation_id": np.r_[org, np.array([p for p, _s in ref.platforms])[second_platform]],
            "category": np.r_[category, np.where(rng.random(m) < 0.5, "CIVIL_LAW", "MANAGED_NON_LABOUR")],
            "sector": np.r_[sector, np.array([s for _p, s in ref.platforms])[second_platform]],
            "work_region_id": np.r_[city_ids[region], city_ids[region][second]],
            "start_date": pa.array(
                np.r_[start, np.datetime64("2021-01-01") + rng.integers(0, 2100, m).astype("timedelta64[D]")],
                pa.date32(),
            ),
            "end_date": pa.array(np.r_[end, end[second]], pa.date32(), mask=np.r_[~ended, np.ones(m, bool)]),
            "external_ref": pa.repeat("", n + m),
            "declared_name": pa.nulls(n + m, pa.string()),  # engaged by the agency: no declaration
            "declared_name_index": pa.nulls(n + m, pa.string()),
            "declared_region": pa.repeat("", n + m),
            "created_at": pa.repeat(STAMP, n + m),
        }
    )


def benefits(
    rng: np.random.Generator, people: People, sl: slice, ref: Reference, eng: pa.Table, pooled: dict[str, str]
) -> dict[str, pa.Table]:
    """A tenth of the persons have an award (a claim each); the months before ``PAY_MONTH`` are paid."""
    n = sl.stop - sl.start
    k = np.arange(sl.start, sl.stop, dtype=np.int64)
    has = rng.random(n) < 0.1
    idx = np.flatnonzero(has)
    a = len(idx)
    kind = rng.choice(len(AWARD_KINDS), a, p=[row[6] for row in AWARD_KINDS])
    table = np.array([row[:6] for row in AWARD_KINDS], dtype=object)
    low = np.array([row[4][0] for row in AWARD_KINDS])[kind]
    high = np.array([row[4][1] for row in AWARD_KINDS])[kind]
    amount = (low + rng.random(a) * (high - low)).astype(np.int64) // 100 * 100
    periodic = np.array([row[3] for row in AWARD_KINDS])[kind]
    lasts = np.array([row[5] for row in AWARD_KINDS])[kind]
    # pensions start in the record year (no yearly increase is due on them yet); the others over 12 months
    first = np.where(kind == 0, rng.integers(1, len(MONTHS), a), rng.integers(0, len(MONTHS), a))
    month_names = np.array(MONTHS)
    all_months = np.array(_months_after(MONTHS[0], len(MONTHS) + 12))
    claim_ids = k[idx] + 1
    pids = people.ids[sl][idx]
    primary = 2 * k[idx] + 1  # the person's first engagement
    work_region = eng.column("work_region_id").to_numpy()[:n][idx]  # the first n rows: each person's first
    city_ids = np.array([i for i, _c, _w in ref.cities])
    home_region = city_ids[people.city[sl][idx]]
    is_oip = np.array([row[0] == "OCCUPATIONAL_INJURY" for row in AWARD_KINDS])[kind]
    province = _province_codes(ref)[np.where(is_oip, work_region, home_region)]
    # months paid: from the first month to the one before PAY_MONTH (within the award's end); a lump sum once
    last_paid = np.where(periodic, len(MONTHS) - 2, first)
    last_paid = np.where(lasts > 0, np.minimum(last_paid, first + lasts - 1), last_paid)
    last_paid = np.minimum(last_paid, len(MONTHS) - 2)
    paid_count = np.maximum(0, last_paid - first + 1)
    event = np.array([f"{m}-01" for m in month_names], dtype="M8[D]")[first]
    claims = pa.table(
        {
            "id": claim_ids,
            "person_id": pids,
            "kind": table[kind, 0].astype(str),
            "status": np.where(paid_count > 0, "PAID", "AWARDED"),
            "version": np.full(a, 4),
            "event_date": pa.array(event, pa.date32()),
            "engagement_id": pa.array(np.where(is_oip, primary, 0), pa.int64(), mask=~is_oip),
            "order_id": pa.repeat("", a),
            "reported_by": pa.repeat("WORKER", a),
            "reporter_organisation_id": pa.nulls(a, pa.int64()),
            "facts": pa.repeat(pooled["facts"], a),
            "evidence": pa.repeat("{}", a),
            "submitted_on": pa.array(event, pa.date32()),
            "decision_due": pa.array(event + np.timedelta64(30, "D"), pa.date32()),
            "assessment_due": pa.nulls(a, pa.date32()),
            "deadlines": pa.repeat("{}", a),
            "routed_reason": pa.repeat("", a),
            "decision_reason": pa.repeat("accepted", a),
            "decided_by_id": pa.nulls(a, pa.int64()),
            "decided_on": pa.array(event + np.timedelta64(10, "D"), pa.date32()),
            "assessment": pa.repeat(pooled["assessment"], a),
            "awarded_by_id": pa.nulls(a, pa.int64()),
            "approved_by_id": pa.nulls(a, pa.int64()),
            "created_at": pa.repeat(STAMP, a),
        }
    )
    items = table[kind, 1].astype(str)
    # what the runs before PAY_MONTH leave on each award (``pay_due.bound``): every month from its first
    # through the last one paid (a lump sum keeps none: read whole); a pension's amount by year, one year
    # (it started in the year it was last paid in, at the amount awarded)
    recorded = periodic & (paid_count > 0)
    pension = recorded & (kind == 0)
    assert (month_names[first[pension]].astype("U4") == month_names[last_paid[pension]].astype("U4")).all()
    through = month_names[last_paid]
    end_month = np.where(lasts > 0, all_months[np.minimum(first + lasts - 1, len(all_months) - 1)], "")
    awards = pa.table(
        {
            "id": claim_ids,
            "claim_id": claim_ids,
            "item": items,
            "label": pa.array(list(ref.labels.values()), pa.string()).take(pa.array(_item_number(items, ref))),
            "payer": pa.repeat("FUND", a),
            "periodic": periodic,
            "amount_cents": amount,
            "start_month": month_names[first],
            "end_month": end_month,
            "beneficiary": pa.repeat(pooled["beneficiary"], a),
            "explanation": _join('{"formula": "', _s(items), '", "value": ', _s(amount), ', "source": "drawn"}'),
            "suspended_from": pa.repeat("", a),
            "suspended_reason": pa.repeat("", a),
            "status": pa.repeat("ACTIVE", a),
            "paid_through": pa.array(through, pa.string(), mask=~recorded),
            "paid_amounts": pc.if_else(
                pa.array(pension),
                _join('{"', _s(through.astype("U4")), '": ', _s(amount), "}"),
                pa.scalar(None, pa.string()),
            ),
        }
    )
    payments = _payments(awards, first, paid_count, pids, province, table[kind, 2].astype(str), periodic, ref)
    return {"benefits_claim": claims, "benefits_award": awards, **payments}


def _province_codes(ref: Reference) -> np.ndarray:
    """Province code by region id (a lookup array)."""
    out = np.full(max(ref.province_of_city) + 1, "", dtype="U6")
    for region, code in ref.province_of_city.items():
        out[region] = code
    return out


def _item_number(items: np.ndarray, ref: Reference) -> np.ndarray:
    """The position of each award item among ``ref.labels``."""
    names = np.array(list(ref.labels))
    sorter = np.argsort(names)
    return sorter[np.searchsorted(names, items, sorter=sorter)]


def _months_after(first: str, count: int) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out = []
    for _ in range(count):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _payments(
    awards: pa.Table,
    first: np.ndarray,
    paid_count: np.ndarray,
    pids: np.ndarray,
    province: np.ndarray,
    funds: np.ndarray,
    periodic: np.ndarray,
    ref: Reference,
) -> dict[str, pa.Table]:
    """Each award's paid months (one run a month, run id = month number), with their ledger postings."""
    award_ids = awards.column("id").to_numpy()
    rows = np.repeat(np.arange(len(award_ids)), paid_count)
    offset = np.arange(len(rows)) - np.repeat(np.cumsum(paid_count) - paid_count, paid_count)
    month_no = first[rows] + offset
    pay_ids = award_ids[rows] * 12 + month_no
    months = np.array(MONTHS)[month_no]
    cents = awards.column("amount_cents").to_numpy()[rows]
    items = awards.column("item").to_numpy(zero_copy_only=False)[rows].astype(str)
    claim = awards.column("claim_id").to_numpy()[rows]
    m = len(rows)
    notes = np.where(periodic[rows], "monthly", "lump sum")
    booked = np.array([f"{x}-01" for x in _months_after(MONTHS[1], len(MONTHS))], dtype="M8[D]")[month_no] + 2
    payments = pa.table(
        {
            "id": pay_ids,
            "run_id": month_no + 1,
            "award_id": award_ids[rows],
            "month": months,
            "kind": pa.repeat("PAYMENT", m),
            "amount_cents": cents,
            "note": notes,
            "instruction": np.ones(m, np.int64),
        }
    )
    key = _join("benefit-payment:", _s(pay_ids))
    tx_ids = pay_ids
    transactions = pa.table(
        {
            "id": tx_ids,
            "at": pa.repeat(STAMP, m),
            "booked_on": pa.array(booked, pa.date32()),
            "description": _join(_s(items), " ", _s(months), " (payment) claim ", _s(claim)),
            "kind": pa.repeat("benefit-payment", m),
            "params": _join(
                '{"claim": ',
                _s(claim),
                ', "item": "',
                _s(items),
                '", "month": "',
                _s(months),
                '", "payment_kind": "PAYMENT"}',
            ),
            "source": key,
            "idempotency_key": key,
        }
    )
    fund_names = sorted({row[2] for row in AWARD_KINDS})
    provinces = sorted(set(ref.province_of_city.values()))
    table = np.array([[ref.accounts[f"fund:{f}:{p}"] for p in provinces] for f in fund_names])
    fund_account = table[np.searchsorted(fund_names, funds[rows]), np.searchsorted(provinces, province[rows])]
    payable = ACCOUNT_BASE + 2 * (award_ids[rows] - 1) + 1  # award id = person number + 1
    entries = pa.table(
        {
            "id": np.r_[3 * tx_ids, 3 * tx_ids + 1],
            "transaction_id": np.r_[tx_ids, tx_ids],
            "account_id": np.r_[fund_account, payable],
            "amount_cents": np.r_[cents, -cents],
        }
    )
    account_ids = ACCOUNT_BASE + 2 * (award_ids - 1) + 1
    accounts = pa.table(
        {
            "id": account_ids,
            "code": _join("payable:benefits:", _s(pids)),
            "kind": pa.repeat("LIABILITY", len(pids)),
            "name": _join("payable:benefits:", _s(pids)),
        }
    )
    return {
        "benefits_benefitpayment": payments,
        "ledger_ledgertransaction": transactions,
        "ledger_ledgerentry": entries,
        "ledger_account": accounts,
    }


def own_contributions(
    rng: np.random.Generator, people: People, sl: slice, ref: Reference, tx_offset: int
) -> dict[str, pa.Table]:
    """A fifth of the persons pay their employee pension quarterly (four records of the year), each
    posted from the bank to their individual account and the province's pooled fund."""
    n = sl.stop - sl.start
    k = np.arange(sl.start, sl.stop, dtype=np.int64)
    idx = np.flatnonzero(rng.random(n) < CONTRIBUTOR_SHARE)
    base_pick = rng.integers(0, len(BASES_CENTS), len(idx))
    rows = np.repeat(idx, 4)
    quarter = np.tile(np.arange(4), len(idx))
    base = np.repeat(base_pick, 4)
    own_ids = (k[rows]) * 4 + quarter + 1
    pids = people.ids[sl][rows]
    city_pos = people.city[sl][rows]
    city_ids = np.array([i for i, _c, _w in ref.cities])
    codes = [c for _i, c, _w in ref.cities]
    keys = [(c, q.isoformat(), b) for c in codes for q in QUARTERS for b in BASES_CENTS]
    flat = (city_pos * len(QUARTERS) + quarter) * len(BASES_CENTS) + base
    total = np.array([ref.own_explanations[key][0] for key in keys], dtype=np.int64)[flat]
    account = np.array([ref.own_explanations[key][1] for key in keys], dtype=np.int64)[flat]
    explanation = pa.array([ref.own_explanations[key][2] for key in keys], pa.string()).take(pa.array(flat))
    period = np.array([q.isoformat() for q in QUARTERS], dtype="M8[D]")[quarter]
    paid_on = period + 5
    m = len(rows)
    own = pa.table(
        {
            "id": own_ids,
            "person_id": pids,
            "scheme": pa.repeat("EMPLOYEE_PENSION", m),
            "region_id": city_ids[city_pos],
            "period_start": pa.array(period, pa.date32()),
            "months": np.full(m, 3),
            "declared_base_cents": np.array(BASES_CENTS)[base],
            "tier": pa.repeat("", m),
            "paid_cents": total,
            "subsidy_cents": np.zeros(m, np.int64),
            "individual_account_cents": account,
            "pooled_cents": total - account,
            "relief_group": pa.repeat("", m),
            "subsidised_months": np.zeros(m, np.int64),
            "deferred": np.zeros(m, bool),
            "withheld_by_id": pa.nulls(m, pa.int64()),
            "invoice_id": pa.nulls(m, pa.int64()),
            "explanation": explanation,
            "paid_on": pa.array(paid_on, pa.date32()),
            "created_at": pa.repeat(STAMP, m),
        }
    )
    month = np.datetime_as_string(period, unit="M")
    key = _join("own-contribution:", _s(own_ids))
    tx_ids = own_ids + tx_offset
    transactions = pa.table(
        {
            "id": tx_ids,
            "at": pa.repeat(STAMP, m),
            "booked_on": pa.array(paid_on, pa.date32()),
            "description": _join("EMPLOYEE_PENSION own contribution ", _s(month), " of person ", _s(pids)),
            "kind": pa.repeat("own-contribution", m),
            "params": _join('{"month": "', _s(month), '", "person": ', _s(pids), ', "scheme": "EMPLOYEE_PENSION"}'),
            "source": key,
            "idempotency_key": key,
        }
    )
    province = [ref.province_of_city[city_ids[c]] for c in range(len(city_ids))]
    fund_of_city = np.array([ref.accounts[f"fund:EMPLOYEE_PENSION:{p}"] for p in province])
    individual = ACCOUNT_BASE + 2 * k[rows]
    entries = pa.table(
        {
            "id": np.r_[3 * tx_ids, 3 * tx_ids + 1, 3 * tx_ids + 2],
            "transaction_id": np.r_[tx_ids, tx_ids, tx_ids],
            "account_id": np.r_[np.full(m, ref.accounts["bank:collection"]), individual, fund_of_city[city_pos]],
            "amount_cents": np.r_[total, -account, -(total - account)],
        }
    )
    contributors = people.ids[sl][idx]
    accounts = pa.table(
        {
            "id": ACCOUNT_BASE + 2 * k[idx],
            "code": _join("fund:individual-account:", _s(contributors)),
            "kind": pa.repeat("FUND", len(idx)),
            "name": _join("fund:individual-account:", _s(contributors)),
        }
    )
    return {
        "contributions_owncontribution": own,
        "ledger_ledgertransaction": transactions,
        "ledger_ledgerentry": entries,
        "ledger_account": accounts,
    }
