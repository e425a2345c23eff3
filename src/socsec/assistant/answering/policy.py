"""Policy answers, computed from the rules layer on the day asked: every figure is a parameter's value
(cited with its path, effective date and legal reference) or a formula's result (cited with its legal
basis, its explanation's steps shown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from socsec.rules.engine import calc
from socsec.rules.parameters import ParameterError, ResolvedValue, load_parameters
from socsec.rules.texts import N_, citations

from .answers import Answer, Line, Outcome, Source, SourceKind, Step
from .reading import Reading

SECTOR_NAMES = {
    "RIDE_HAILING": N_("ride-hailing"),
    "INSTANT_DELIVERY": N_("instant delivery"),
    "FOOD_DELIVERY": N_("food delivery"),
    "INTRA_CITY_FREIGHT": N_("intra-city freight"),
}


def public_reference(reference: str) -> str:
    return "; ".join(citations(reference))


def percent(value: float) -> str:
    return f"{round(value * 100, 4):g}%"


def number(value: Decimal | float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def parameter(answer: Answer, path: str, on: dt.date) -> ResolvedValue:
    """A parameter's value on ``on``, cited in the answer and shown in its explanation."""
    resolved = load_parameters().leaf(path).resolve(on)
    shown = percent(resolved.as_float()) if resolved.unit == "/1" else str(resolved.value)
    answer.cite(
        Source(
            SourceKind.PARAMETER,
            path,
            public_reference(resolved.reference),
            resolved.effective_from.isoformat(),
            shown,
        )
    )
    answer.explanation.append(Step(path, shown, public_reference(resolved.reference)))
    return resolved


def latest(path: str, on: dt.date) -> dt.date:
    """The latest day on or before ``on`` on which a yearly or ended parameter has a value."""
    leaf = load_parameters().leaf(path)
    for start, value in zip(reversed(leaf.starts.tolist()), reversed(leaf.values), strict=True):
        if value is not None and start <= on:
            return start  # type: ignore[no-any-return]
    raise ParameterError(f"{path} has no value on or before {on}")


def formula(answer: Answer, name: str, on: dt.date, **inputs: object) -> int:
    """A formula's value for one case; its legal basis cited, its steps in the explanation."""
    explained = calc(name, on, **inputs)
    data = explained.as_dict()
    answer.cite(Source(SourceKind.FORMULA, name, public_reference(data["reference"]), on.isoformat()))
    for step in data.get("steps", []):
        answer.explanation.append(Step(step["label"], str(step["value"]), public_reference(step["reference"])))
        for p in step.get("parameters", []):
            _cite_used(answer, p)
    for p in data.get("parameters", []):
        _cite_used(answer, p)
    answer.explanation.append(Step(data["label"], str(data["value"]), public_reference(data["reference"])))
    return int(data["value"] or 0)


def _cite_used(answer: Answer, p: dict[str, object]) -> None:
    value = p["value"]
    shown = percent(float(value)) if p["unit"] == "/1" and isinstance(value, int | float) else str(value)
    answer.cite(
        Source(
            SourceKind.PARAMETER, str(p["path"]), public_reference(str(p["reference"])), str(p["effective_from"]), shown
        )
    )


def yuan(cents: int) -> str:
    whole, part = divmod(abs(int(cents)), 100)
    return f"{'-' if cents < 0 else ''}{whole:,}.{part:02d}"


def _grades(answer: Answer, path: str, on: dt.date, grades: range, show: Callable[[ResolvedValue], str]) -> str:
    return ", ".join(f"{g}: {show(parameter(answer, f'{path}.{g}', on))}" for g in grades)


def oip_disability_grant(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    if r.grade is not None:
        months = parameter(a, f"benefits.oip.disability_grant_months.{r.grade}", on).as_int()
        a.lines.append(
            Line(
                N_("The lump-sum disability grant for grade %(grade)s is %(months)s months of the benefit base."),
                {"grade": r.grade, "months": months},
            )
        )
    else:
        table = _grades(a, "benefits.oip.disability_grant_months", on, range(1, 11), lambda v: str(v.value))
        a.lines.append(
            Line(
                N_("The lump-sum disability grant, in months of the benefit base by grade: %(table)s."),
                {"table": table},
            )
        )
    ratio = parameter(a, "benefits.oip.benefit_base_ratio", on)
    a.lines.append(
        Line(
            N_("The benefit base is %(ratio)s of last year's local urban private-sector average monthly wage."),
            {"ratio": percent(ratio.as_float())},
        )
    )
    return a


def oip_disability_allowance(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    if r.grade is not None and 1 <= r.grade <= 4:
        ratio = parameter(a, f"benefits.oip.disability_allowance_ratio.{r.grade}", on)
        a.lines.append(
            Line(
                N_("The monthly disability allowance for grade %(grade)s is %(ratio)s of the benefit base."),
                {"grade": r.grade, "ratio": percent(ratio.as_float())},
            )
        )
    else:
        table = _grades(a, "benefits.oip.disability_allowance_ratio", on, range(1, 5), lambda v: percent(v.as_float()))
        a.lines.append(
            Line(
                N_("A monthly disability allowance is paid for grades 1-4, as a share of the benefit base: %(table)s."),
                {"table": table},
            )
        )
    return a


def oip_one_off_allowance(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    table = _grades(a, "benefits.oip.one_off_allowance_months", on, range(5, 7), lambda v: str(v.value))
    a.lines.append(
        Line(
            N_(
                "Grades 5 and 6 get a one-off disability allowance instead of a monthly one, in months of the "
                "benefit base: %(table)s."
            ),
            {"table": table},
        )
    )
    return a


def oip_care_allowance(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    table = _grades(a, "benefits.oip.care_allowance_ratio", on, range(1, 4), lambda v: percent(v.as_float()))
    a.lines.append(
        Line(
            N_(
                "The monthly care allowance is a share of last year's local private-sector average monthly wage "
                "by care level (1 fully, 2 mostly, 3 partly unable to care for oneself): %(table)s."
            ),
            {"table": table},
        )
    )
    return a


def oip_funeral_grant(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    months = parameter(a, "benefits.oip.funeral_grant_months", on).as_int()
    ratio = parameter(a, "benefits.oip.benefit_base_ratio", on)
    a.lines.append(
        Line(
            N_(
                "The funeral grant is %(months)s months of the benefit base (%(ratio)s of last year's local "
                "private-sector average monthly wage)."
            ),
            {"months": months, "ratio": percent(ratio.as_float())},
        )
    )
    return a


def oip_dependants(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    spouse = parameter(a, "benefits.oip.dependants.spouse_ratio", on).as_float()
    other = parameter(a, "benefits.oip.dependants.other_ratio", on).as_float()
    extra = parameter(a, "benefits.oip.dependants.supplement_ratio", on).as_float()
    cap = parameter(a, "benefits.oip.dependants.total_cap_ratio", on).as_float()
    a.lines.append(
        Line(
            N_(
                "Dependants' pensions a month: a spouse %(spouse)s of the benefit base, each other dependant "
                "%(other)s, %(extra)s more for an orphan or a lone elderly person; together at most %(cap)s of "
                "the base."
            ),
            {"spouse": percent(spouse), "other": percent(other), "extra": percent(extra), "cap": percent(cap)},
        )
    )
    return a


def oip_death_lump_sum(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    years = parameter(a, "benefits.oip.death_lump_sum_years", on).as_int()
    cents = formula(a, "oip_death_lump_sum", on)
    a.lines.append(
        Line(
            N_(
                "The lump sum on death is %(years)s times last year's national urban per-capita disposable "
                "income: %(amount)s yuan for a death on %(day)s."
            ),
            {"years": years, "amount": yuan(cents), "day": on.isoformat()},
        )
    )
    return a


def oip_wage_continuation(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    normal = parameter(a, "benefits.oip.wage_continuation.normal_months", on).as_int()
    more = parameter(a, "benefits.oip.wage_continuation.extension_months", on).as_int()
    a.lines.append(
        Line(
            N_(
                "During treatment the platform continues your income for up to %(normal)s months, and up to "
                "%(more)s months more once confirmed."
            ),
            {"normal": normal, "more": more},
        )
    )
    return a


def oip_benefit_base(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    ratio = parameter(a, "benefits.oip.benefit_base_ratio", on)
    a.lines.append(
        Line(
            N_("The benefit base is %(ratio)s of last year's local urban private-sector average monthly wage."),
            {"ratio": percent(ratio.as_float())},
        )
    )
    return a


def oip_per_order(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    sectors = [r.sector] if r.sector else ["RIDE_HAILING", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"]
    for sector in sectors:
        amount = parameter(a, f"oip.per_order_amount.{sector}", on)
        a.lines.append(
            Line(
                N_("For %(sector)s the platform pays %(amount)s yuan per order for occupational injury protection."),
                {"sector": SECTOR_NAMES[sector], "amount": number(Decimal(str(amount.value)))},  # money: no float
                ("sector",),
            )
        )
    a.lines.append(Line(N_("The worker pays nothing; a province may adjust a platform's amount within bounds.")))
    return a


def pension_minimum(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    months = parameter(a, "benefits.pension.minimum_contribution_months", on).as_int()
    later = parameter(a, "benefits.pension.minimum_contribution_months", dt.date(2039, 1, 1)).as_int()
    a.lines.append(
        Line(
            N_(
                "A monthly employee pension needs at least %(months)s months (%(years)s years) of contributions "
                "for a retirement on %(day)s; from 2030 the minimum rises by 6 months a year to %(later)s "
                "months (%(later_years)s years) from 2039."
            ),
            {
                "months": months,
                "years": number(months / 12),
                "day": on.isoformat(),
                "later": later,
                "later_years": number(later / 12),
            },
        )
    )
    return a


def retirement_age(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    men = parameter(a, "retirement.men.base_age_months", on).as_int() // 12
    women = parameter(a, "retirement.women_55.base_age_months", on).as_int() // 12
    women_50 = parameter(a, "retirement.women_50.base_age_months", on).as_int() // 12
    delay = parameter(a, "retirement.men.max_delay_months", on).as_int()
    a.lines.append(
        Line(
            N_(
                "The statutory retirement age was %(men)s for men and %(women)s (or %(women_50)s) for women; "
                "from 2025 it rises gradually by up to %(delay)s months, with the month set by your birth date."
            ),
            {"men": men, "women": women, "women_50": women_50, "delay": delay},
        )
    )
    return a


def pension_indexation(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    day = latest("benefits.pension.indexation_rate", on)
    rate = parameter(a, "benefits.pension.indexation_rate", day)
    a.lines.append(
        Line(
            N_("The latest yearly pension increase on record is %(rate)s, from %(day)s."),
            {"rate": percent(rate.as_float()), "day": day.isoformat()},
        )
    )
    return a


def resident_pension_minimum(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    day = latest("benefits.pension.resident.basic_pension_minimum", on)
    amount = parameter(a, "benefits.pension.resident.basic_pension_minimum", day)
    a.lines.append(
        Line(
            N_(
                "The national minimum basic pension of the residents' pension is %(amount)s yuan a month, from %(day)s."
            ),
            {"amount": str(amount.value), "day": day.isoformat()},
        )
    )
    return a


def flexible_rate(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    rate = parameter(a, "flexible.pension_rate", on)
    account = parameter(a, "flexible.individual_account_rate", on)
    a.lines.append(
        Line(
            N_(
                "A flexible worker pays %(rate)s of the chosen base to the employee pension; %(account)s goes "
                "to the individual account."
            ),
            {"rate": percent(rate.as_float()), "account": percent(account.as_float())},
        )
    )
    return a


def contribution_base(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    floor = parameter(a, "contribution.base_floor_ratio", on)
    ceiling = parameter(a, "contribution.base_ceiling_ratio", on)
    a.lines.append(
        Line(
            N_("The contribution base is chosen between %(floor)s and %(ceiling)s of the local average wage."),
            {"floor": percent(floor.as_float()), "ceiling": percent(ceiling.as_float())},
        )
    )
    return a


def unemployment(r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    minimum = parameter(a, "benefits.unemployment.minimum_contribution_months", on).as_int()
    short = parameter(a, "benefits.unemployment.duration_months.12", on).as_int()
    middle = parameter(a, "benefits.unemployment.duration_months.60", on).as_int()
    long = parameter(a, "benefits.unemployment.duration_months.120", on).as_int()
    a.lines.append(
        Line(
            N_(
                "Unemployment benefit needs at least %(minimum)s months of contributions and an involuntary job "
                "loss; it is paid for up to %(short)s months (1-5 years of contributions), %(middle)s (5-10 "
                "years) or %(long)s (10 years or more)."
            ),
            {"minimum": minimum, "short": short, "middle": middle, "long": long},
        )
    )
    return a


POLICY: dict[str, Callable[[Reading, dt.date], Answer]] = {
    "oip_disability_grant": oip_disability_grant,
    "oip_disability_allowance": oip_disability_allowance,
    "oip_one_off_allowance": oip_one_off_allowance,
    "oip_care_allowance": oip_care_allowance,
    "oip_funeral_grant": oip_funeral_grant,
    "oip_dependants": oip_dependants,
    "oip_death_lump_sum": oip_death_lump_sum,
    "oip_wage_continuation": oip_wage_continuation,
    "oip_benefit_base": oip_benefit_base,
    "oip_per_order": oip_per_order,
    "pension_minimum": pension_minimum,
    "retirement_age": retirement_age,
    "pension_indexation": pension_indexation,
    "resident_pension_minimum": resident_pension_minimum,
    "flexible_rate": flexible_rate,
    "contribution_base": contribution_base,
    "unemployment": unemployment,
}


def policy_answer(reading: Reading, on: dt.date) -> Answer | None:
    """The answer to a policy question, or None when the intent is not a policy one."""
    make = POLICY.get(reading.intent)
    return make(reading, on) if make else None
