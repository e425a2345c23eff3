"""The projection itself (:func:`project`): the population, the pension and the accounts of every
cohort, year by year, vectorised over stochastic runs, with every flow of the funds; and
:func:`project_runs`, stochastic runs a chunk at a time."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .funds import FUNDS, fund_reserves
from .inputs import AGES, Array
from .prepared import AGE, ROWS, Prepared


@dataclass
class Projection:
    """Results by year; each array is (R, T) (one row per run; R = 1 when deterministic), reserves (R, T + 1)."""

    name: str
    years: npt.NDArray[np.int64]
    series: dict[str, Array]
    new_pensioners: Array | None = None  # (T, 2, A) persons, first run only
    new_pension_rel: Array | None = None  # (T, 2, A) their pensions / average wage, summed
    population: Array | None = None  # (T + 1, 2, A) first run


def _weights(p: Prepared) -> Array:
    """(T, len(WEIGHTS), 2 x A): deterministic weights multiplied into the population (or the population
    x account) once a year by one matrix product, computed once per prepared scenario."""
    if p.weights is not None:
        return p.weights
    T = len(p.years)
    active = 1.0 - p.retired  # (T, 2, A)
    ones = np.ones((T, 2, AGES))
    mask_15_64 = ones * ((AGE >= 15) & (AGE < 65))
    mask_65 = ones * (AGE >= 65)
    fertility = np.zeros((T, 2, AGES))
    fertility[:, 1] = p.fertility
    q_open = np.broadcast_to(p.q_base, (T, 2, AGES)).copy()
    q_open[:, :, -1] = 0.0
    q_closing = np.zeros((T, 2, AGES))
    q_closing[:, :, -1] = p.q_base[:, -1]
    rows = [p.per_active[:, i] * active for i in range(len(ROWS))]
    rows += [
        p.pensioners,
        p.pensioners * p.ltc_prevalence,
        p.per_active[:, 4] * active * p.ltc_prevalence,
        ones,
        mask_15_64,
        mask_65,
        fertility,
        q_open,
        q_closing,
        p.nonentitled_retirees * p.inv_insured,
        active,
        q_open * active,
    ]
    p.weights = np.stack(rows, axis=1).reshape(T, len(rows), 2 * AGES)
    return p.weights


# rows of _weights() after ROWS
W_PENSIONERS, W_PENS_DEPENDENT, W_EMPL_DEPENDENT, W_ONES, W_15_64, W_65, W_FERT, W_Q_OPEN, W_Q_CLOSING = range(
    len(ROWS), len(ROWS) + 9
)
W_REFUND, W_ACTIVE, W_Q_ACTIVE = range(len(ROWS) + 9, len(ROWS) + 12)
N_POP_ROWS = W_Q_CLOSING + 1


def project(prepared: Prepared, x: Array | None = None, *, keep_detail: bool = True) -> Projection:
    """Run the projection. ``x`` (runs, T, 4) are deviations from shocks(); None is deterministic."""
    p = prepared
    T = len(p.years)
    if x is None:
        x = np.zeros((1, T, 4))
    R = x.shape[0]
    weights = _weights(p)
    improvement = p.improvement[None, :] + x[:, :, 0]  # (R, T)
    fert_mult = np.exp(x[:, :, 1])
    growth = p.wage_growth[None, :] + x[:, :, 2]
    returns = p.returns[None, :] + x[:, :, 3]
    wage = p.wage0 * np.concatenate([np.ones((R, 1)), np.cumprod(1.0 + growth[:, 1:], axis=1)], axis=1)
    interest = returns + p.account_interest_spread[None, :]
    mortality = np.concatenate([np.ones((R, 1)), np.cumprod(1.0 - improvement[:, :-1], axis=1)], axis=1)
    new_basic = p.new_pensioners * p.basic_rel  # (T, 2, A) per member / average wage
    new_account = p.new_pensioners * 12.0 * p.inv_insured / p.divisor  # x account per active member
    tier_credit = p.per_active[:, 1] * p.tier_rate[:, None, None]

    P = np.broadcast_to(p.pop0, (R, 2, AGES)).copy()
    acc = np.broadcast_to(p.initial_account * p.wage0, (R, 2, AGES)).copy()
    tier = np.zeros((R, 2, AGES))
    pension = np.broadcast_to(p.initial_pension * p.wage0, (R, 2, AGES)).copy()
    tier_pension = np.zeros((R, 2, AGES))
    closing = p.q_base[:, -1:]
    tier_on = bool((p.tier_rate > 0).any())
    s = p.scalars
    flat = (R, 2 * AGES)

    names = (
        "population", "pop_15_64", "pop_65_plus", "births", "deaths", "employed", "contributors", "pensioners",
        "insurable_earnings", "average_wage", "platform_workers", "pension_benefits", "pension_refunds",
        "pension_account_balance", "injury_beneficiaries", "unemployment_beneficiaries",
        "long_term_care_beneficiaries",
    )  # fmt: skip
    out = {k: np.zeros((R, T)) for k in names}
    for f in FUNDS:
        for k in ("contributions", "subsidy", "investment", "income", "expenditure"):
            out[f"{f}_{k}"] = np.zeros((R, T))
        out[f"{f}_reserve"] = np.zeros((R, T + 1))
        out[f"{f}_reserve"][:, 0] = p.reserves0[f]
    out["return"] = returns.copy()
    out["average_wage"] = wage
    new_count = np.zeros((T, 2, AGES)) if keep_detail else None
    new_amount = np.zeros((T, 2, AGES)) if keep_detail else None
    population = np.zeros((T + 1, 2, AGES)) if keep_detail else None

    for t in range(T):
        W = wage[:, t]
        Wc = W[:, None, None]
        if population is not None:
            population[t] = P[0]
        per = P.reshape(flat) @ weights[t, :N_POP_ROWS].T  # (R, rows): every flow that is linear in P
        # pensions: new pensioners this year (basic + account / divisor), indexation of those in payment
        refunds_retire = (P * acc).reshape(flat) @ weights[t, W_REFUND]
        if new_count is not None and new_amount is not None:
            new_count[t] = P[0] * p.new_pensioners[t]
            new_amount[t] = P[0] * (new_basic[t] + acc[0] * new_account[t] / W[0])
        pension *= 1.0 + p.indexation[t]
        pension += Wc * new_basic[t]
        pension += acc * new_account[t]
        benefits = np.einsum("ij,ij->i", P.reshape(flat), pension.reshape(flat))
        # accounts: interest on the opening balance, this year's credits at the end
        acc *= 1.0 + interest[:, t, None, None]
        acc += Wc * p.per_active[t, 3]
        q = p.q_base * mortality[:, t, None, None]
        q[:, :, -1:] = closing
        deaths = P * q
        pa = (P * acc).reshape(flat) @ weights[t, W_ACTIVE : W_Q_ACTIVE + 1].T  # balances; x q (before scaling)
        refunds_death = pa[:, 1] * mortality[:, t]
        if tier_on:
            tier_refunds = (P * tier).reshape(flat) @ weights[t, W_REFUND]
            new_tier = tier * new_account[t]
            tier_pension += new_tier
            if new_amount is not None:
                new_amount[t] += P[0] * new_tier[0] / W[0]
            tier *= 1.0 + interest[:, t, None, None]
            tier += Wc * tier_credit[t]
            tier_refunds += ((P * tier).reshape(flat) @ weights[t, W_Q_ACTIVE]) * mortality[:, t]
            out["funded_tier_expenditure"][:, t] = (
                np.einsum("ij,ij->i", P.reshape(flat), tier_pension.reshape(flat)) + tier_refunds
            )
            out["funded_tier_contributions"][:, t] = W * per[:, 1] * p.tier_rate[t]
        births = per[:, W_FERT] * fert_mult[:, t]

        out["population"][:, t] = per[:, W_ONES]
        out["pop_15_64"][:, t] = per[:, W_15_64]
        out["pop_65_plus"][:, t] = per[:, W_65]
        out["births"][:, t] = births
        out["deaths"][:, t] = per[:, W_Q_OPEN] * mortality[:, t] + per[:, W_Q_CLOSING]
        out["employed"][:, t] = per[:, 7]
        out["contributors"][:, t] = per[:, 0]
        out["pensioners"][:, t] = per[:, W_PENSIONERS]
        out["insurable_earnings"][:, t] = W * per[:, 1]
        out["pension_contributions"][:, t] = W * per[:, 2]
        out["pension_benefits"][:, t] = benefits
        out["pension_refunds"][:, t] = refunds_retire + refunds_death
        out["pension_expenditure"][:, t] = benefits + (refunds_retire + refunds_death)
        out["pension_account_balance"][:, t] = pa[:, 0]
        workers = per[:, 6] * s["injury_share"][t]
        out["platform_workers"][:, t] = per[:, 6]
        out["injury_contributions"][:, t] = workers * s["injury_income_per_worker"][t]
        out["injury_expenditure"][:, t] = workers * s["injury_cost_rel"][t] * W
        out["injury_beneficiaries"][:, t] = workers * s["injury_incidence"][t]
        out["unemployment_contributions"][:, t] = W * per[:, 5] * s["unemployment_rate"][t]
        out["unemployment_expenditure"][:, t] = per[:, 4] * s["unemployment_cost_rel"][t] * W
        out["unemployment_beneficiaries"][:, t] = per[:, 4] * s["unemployment_incidence"][t]
        cover = s["long_term_care_coverage"][t]
        out["long_term_care_contributions"][:, t] = W * per[:, 5] * s["long_term_care_rate"][t] * cover
        dependent = per[:, W_PENS_DEPENDENT] + per[:, W_EMPL_DEPENDENT]
        out["long_term_care_expenditure"][:, t] = dependent * cover * s["long_term_care_benefit"][t] * W
        out["long_term_care_beneficiaries"][:, t] = dependent * cover

        # survive, age one year, births, migration
        survivors = P - deaths
        P_next = np.empty_like(P)
        P_next[:, :, 1:] = survivors[:, :, :-1]
        P_next[:, :, -1] += survivors[:, :, -1]
        P_next[:, 0, 0] = births * p.male_birth_share[t]
        P_next[:, 1, 0] = births * (1.0 - p.male_birth_share[t])
        arriving, staying = survivors[:, :, -2], survivors[:, :, -1]
        acc = _shift(acc, arriving, staying)
        pension = _shift(pension, arriving, staying)
        if tier_on:
            tier = _shift(tier, arriving, staying)
            tier_pension = _shift(tier_pension, arriving, staying)
        P = P_next
        if p.has_migration:
            P = np.maximum(P + p.migration[t], 0.0)

    fund_reserves(p, out)
    if population is not None:
        population[T] = P[0]
    return Projection(
        name=p.name,
        years=p.years,
        series=out,
        new_pensioners=new_count,
        new_pension_rel=new_amount,
        population=population,
    )


def _shift(x: Array, arriving: Array, staying: Array) -> Array:
    """Per-member values one age on; the open group 110 is the survivors' weighted average."""
    out = np.empty_like(x)
    out[..., 1:] = x[..., :-1]
    out[..., 0] = 0.0
    weight = arriving + staying
    with np.errstate(divide="ignore", invalid="ignore"):
        merged = (arriving * x[..., -2] + staying * x[..., -1]) / weight
    out[..., -1] = np.where(weight > 0, merged, x[..., -2])
    return out


def project_runs(prepared: Prepared, x: Array, *, chunk: int = 128) -> Projection:
    """Stochastic runs, ``chunk`` runs at a time (arrays that fit the CPU caches run several times faster
    than all runs at once); the series are joined back to (runs, T)."""
    parts = [project(prepared, x[i : i + chunk], keep_detail=False) for i in range(0, x.shape[0], chunk)]
    series = {k: np.concatenate([part.series[k] for part in parts], axis=0) for k in parts[0].series}
    return Projection(name=prepared.name, years=prepared.years, series=series)
