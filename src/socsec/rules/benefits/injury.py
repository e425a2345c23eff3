"""What occupational injury protection (OIP) and work-injury insurance share (Regulations on Work-Related
Injury Insurance Art. 17, 30, 33, 39; Ren She Ting Han [2025] No. 79): the disability grade and care level,
the dependants' pensions, the lump sum on death, the months of wage continuation, the medical costs of the
injury and the time limits for reporting it.

Dependants' pensions: the total is ``base x min(sum of the shares, cap)``: spouse 40%, each other dependant
30%, +10% for each orphan or lone elderly person, the cap 100% of the base. One dependant's pension is their
share scaled down in proportion when the shares add up to more than the cap: ``base x share x min(1, cap /
sum of the shares)``, rounded *down* to the cent, so that the dependants' pensions never add up to more than
the total (they fall short of it by less than a cent per dependant). The total is rounded half up."""

from __future__ import annotations

from enum import IntEnum, StrEnum

import numpy as np

from ..context import Context
from ..formulas.common import Inputs
from ..months import first_of_last_year, same_day_months_later
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import WII, whole

GRADE: Inputs = {"grade": ("int", "disability grade 1-10 (1 most severe; 0 = no grade)")}
CARE: Inputs = {"care_level": ("int", "1 fully, 2 mostly, 3 partly unable to care for oneself; 0 = none")}
DEPENDANTS: Inputs = {
    "spouses": ("int", "dependent spouse: 0 or 1"),
    "other_dependants": ("int", "other dependent relatives (children, parents, grandparents, siblings ...)"),
    "supplemented": ("int", "how many of all these dependants are orphans or lone elderly persons (+10% each)"),
}
ONE_DEPENDANT: Inputs = {
    "kind": ("str", "this dependant: SPOUSE or OTHER"),
    "supplement": ("bool", "this dependant is an orphan or a lone elderly person"),
}


class DependantKind(StrEnum):
    SPOUSE = "SPOUSE"
    OTHER = "OTHER"


DEPENDANT_KINDS = tuple(DependantKind)


def _shares(
    ctx: Context, on: Array, scheme: str, spouses: Array, others: Array, supplemented: Array
) -> tuple[Array, Array, Array, Array, Array]:
    """(spouse share, other share, supplement, sum of all dependants' shares, cap) per row."""
    spouse = whole(spouses, "number of dependent spouses", 0, 1)
    other = whole(others, "number of other dependants", 0)
    extra = whole(supplemented, "number of orphans or lone elderly dependants", 0)
    too_many = extra > spouse + other
    if too_many.any():
        row = int(np.flatnonzero(too_many)[0])
        raise RuleViolation(
            f"{int(extra[row])} orphans or lone elderly persons among {int(spouse[row] + other[row])} dependants"
        )
    path = f"benefits.{scheme}.dependants"
    spouse_share = ctx.at(f"{path}.spouse_ratio", on)
    other_share = ctx.at(f"{path}.other_ratio", on)
    supplement = ctx.at(f"{path}.supplement_ratio", on)
    total = spouse * spouse_share + other * other_share + extra * supplement
    return spouse_share, other_share, supplement, total, ctx.at(f"{path}.total_cap_ratio", on)


def dependants_total(
    ctx: Context, on: Array, scheme: str, base: Array, spouses: Array, others: Array, supplemented: Array
) -> Array:
    _, _, _, total, cap = _shares(ctx, on, scheme, spouses, others, supplemented)
    result: Array = base * np.minimum(total, cap)
    return result


def one_dependant(
    ctx: Context,
    on: Array,
    scheme: str,
    base: Array,
    spouses: Array,
    others: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    spouse_share, other_share, extra, total, cap = _shares(ctx, on, scheme, spouses, others, supplemented)
    kinds = np.asarray(kind).astype(str)
    unknown = ~np.isin(kinds, DEPENDANT_KINDS)
    if unknown.any():
        raise RuleViolation(f"{kinds[unknown][0]!r} is not a kind of dependant ({', '.join(DEPENDANT_KINDS)})")
    plus = np.asarray(supplement, dtype=bool)
    uncounted = (
        ((kinds == DependantKind.SPOUSE) & (np.asarray(spouses) < 1))
        | ((kinds == DependantKind.OTHER) & (np.asarray(others) < 1))
        | (plus & (np.asarray(supplemented) < 1))
    )
    if uncounted.any():
        raise RuleViolation("the dependant is not among the dependants counted (spouses, others, supplemented)")
    own = np.where(kinds == DependantKind.SPOUSE, spouse_share, other_share) + np.where(plus, extra, 0.0)
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    result: Array = base * own * scale
    return result


def death_lump_sum(ctx: Context, on: Array, scheme: str) -> Array:
    income = ctx.at("benefits.national.urban_disposable_income_per_capita", first_of_last_year(on))
    result: Array = income * 100 * ctx.at(f"benefits.{scheme}.death_lump_sum_years", on)
    return result


class WageContinuationCheck(IntEnum):
    """What the ``*_wage_continuation_check`` formulas answer."""

    NORMAL_PERIOD = 0
    CONFIRMED_EXTENSION = 1
    PAST_LONGEST_PERIOD = 2
    NO_CONFIRMED_EXTENSION = 3


WAGE_CONTINUATION_CODES: dict[int, str] = {
    WageContinuationCheck.NORMAL_PERIOD: "within the normal period of wage continuation",
    WageContinuationCheck.CONFIRMED_EXTENSION: "within the confirmed extension",
    WageContinuationCheck.PAST_LONGEST_PERIOD: (
        "past the longest period (normal + extension): no more wage continuation"
    ),
    WageContinuationCheck.NO_CONFIRMED_EXTENSION: "past the normal period without a confirmed extension",
}
CONTINUATION: Inputs = {
    "months_off_work": ("int", "months of treatment off work so far, counting the month checked"),
    "extension_confirmed": ("bool", "the labour-capacity appraisal committee confirmed an extension"),
}


def wage_continuation(ctx: Context, on: Array, scheme: str, months_off_work: Array, confirmed: Array) -> Array:
    months = whole(months_off_work, "months off work", 0)
    normal = ctx.at(f"benefits.{scheme}.wage_continuation.normal_months", on)
    longest = normal + ctx.at(f"benefits.{scheme}.wage_continuation.extension_months", on)
    extended = np.asarray(confirmed, dtype=bool)
    return np.select(
        [months <= normal, months > longest, extended],
        [
            WageContinuationCheck.NORMAL_PERIOD,
            WageContinuationCheck.PAST_LONGEST_PERIOD,
            WageContinuationCheck.CONFIRMED_EXTENSION,
        ],
        default=WageContinuationCheck.NO_CONFIRMED_EXTENSION,
    )


@formula(
    name="injury_medical_costs",
    label="Medical costs of the injury reimbursed at cost: the treatment, drugs and stays on the approved lists "
    "(catalogues of the work-injury insurance), as the agency checked them",
    reference="Regulations on Work-Related Injury Insurance Art 30; Ren She Ting Han [2025] No. 79 (OIP medical costs)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"approved_costs": ("cents", "the costs on the approved lists, after the agency's check, in cents")},
)
def injury_medical_costs(ctx: Context, on: Array, approved_costs: Array) -> Array:
    result: Array = whole(approved_costs, "approved costs", 0).astype(np.float64)
    return result


class ReportCheck(IntEnum):
    """What ``injury_report_check`` answers."""

    IN_TIME = 0
    LATE_BY_EMPLOYER = 1
    OUT_OF_TIME = 2
    INJURY_AFTER_REPORT = 3


REPORT_CODES: dict[int, str] = {
    ReportCheck.IN_TIME: "reported in time",
    ReportCheck.LATE_BY_EMPLOYER: (
        "the employer or platform reported after 30 days: taken, but it bears the benefits due in the meantime"
    ),
    ReportCheck.OUT_OF_TIME: "reported more than 1 year after the injury: out of time",
    ReportCheck.INJURY_AFTER_REPORT: "the injury is dated after the report: refused",
}


class Reporter(StrEnum):
    """Who applies for the injury to be confirmed."""

    EMPLOYER = "EMPLOYER"
    PLATFORM = "PLATFORM"
    WORKER = "WORKER"  # the worker or a close relative


REPORTERS = tuple(Reporter)


@formula(
    name="injury_report_check",
    label="Whether an application for injury confirmation is in time: the employer or platform within 30 days, "
    "the worker or a relative within 1 year (the date is the day of the application)",
    reference=f"{WII} Art. 17 (applied to OIP as well: unverified)",
    unit="code",
    inputs={
        "incident_date": ("date", "day of the injury or of the occupational-disease diagnosis"),
        "reporter": ("str", "EMPLOYER, PLATFORM or WORKER (the worker or a close relative)"),
    },
    codes=REPORT_CODES,
)
def injury_report_check(ctx: Context, on: Array, incident_date: Array, reporter: Array) -> Array:
    """A year ends on the same day of the month a year later (the last day of the month where there is
    none: 29 February -> 28 February)."""
    who = np.asarray(reporter).astype(str)
    if (~np.isin(who, REPORTERS)).any():
        raise RuleViolation(f"{who[~np.isin(who, REPORTERS)][0]!r} is not a reporter ({', '.join(REPORTERS)})")
    incident = np.asarray(incident_date, dtype="datetime64[D]")
    path = "benefits.work_injury.procedure"
    days = (on - incident).astype(np.int64)
    worker_deadline = same_day_months_later(incident, ctx.at(f"{path}.worker_report_months", on))
    employer = who != Reporter.WORKER
    return np.select(
        [days < 0, on > worker_deadline, employer & (days > ctx.at(f"{path}.employer_report_days", on))],
        [ReportCheck.INJURY_AFTER_REPORT, ReportCheck.OUT_OF_TIME, ReportCheck.LATE_BY_EMPLOYER],
        default=ReportCheck.IN_TIME,
    )
