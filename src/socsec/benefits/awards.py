"""From an assessed claim to its awards (``awards_for``): which benefit formulas apply, with which inputs
from the assessment (``socsec.benefits.assessment``, one dataclass per kind of claim) and the registry,
and who pays each (``socsec.rules.benefits.AWARDS``). Every amount is a rules-layer calculation kept
with its explanation; nothing is computed here.

Dates: injury and death amounts use the date of the injury or death (the parameters in force then);
pensions the retirement date; unemployment the date the job ended; long-term care the assessment date.
Periodic awards start in the month of the assessment (injury, care), the month after the job ended
(unemployment) or the retirement month (pension).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, assert_never

from socsec.core.errors import ValidationFailed
from socsec.core.months import month_of
from socsec.rules.benefits import (
    AWARDS,
    WORK_INJURY_UNPAID_REFERENCE,
    CareLevel,
    ContributionYearsCheck,
    DependantKind,
    Payer,
    RetirementTiming,
    SkillSubsidyEligibility,
    UnemploymentEligibility,
    WageContinuationCheck,
    work_injury_payer,
)
from socsec.rules.engine import Explanation, RuleViolation, calc, get_formula

from .assessment import (
    Assessment,
    InjuryAssessment,
    LongTermCareAssessment,
    PensionAssessment,
    SkillSubsidyAssessment,
    UnemploymentAssessment,
    checked,
    within_bounds,
)
from .models import Award, Claim
from .selectors import pension_months_on_record, unemployment_months_on_record

K = Claim.Kind
REFUSED_TIMING = (
    RetirementTiming.TOO_EARLY,
    RetirementTiming.BELOW_PRE_REFORM_AGE,
    RetirementTiming.EARLY_WITHOUT_MINIMUM_PERIOD,
    RetirementTiming.TOO_LATE,
)


def _award(name: str, explanation: Explanation, start: str, *, end: str = "", beneficiary: str = "") -> Award:
    terms = AWARDS[name]
    return Award(
        item=name,
        label=get_formula(name).label,
        payer=str(terms.payer),
        periodic=terms.monthly,
        amount_cents=int(explanation.value or 0),
        start_month=start,
        end_month=end,
        beneficiary=beneficiary,
        explanation=explanation.as_dict(),
    )


def _rules(call: Any) -> Any:
    try:
        return call()
    except RuleViolation as exc:
        raise ValidationFailed("assessment: %(reason)s", field="assessment", params={"reason": str(exc)}) from None


def awards_for(claim: Claim, assessment: Assessment, on: dt.date) -> list[Award]:
    """The awards (unsaved) the rules of the claim's kind give for its assessment; ``on`` is the
    assessment date (the first one, when a review corrects it)."""
    if assessment.kind != claim.kind:
        raise ValueError(f"an assessment of a {assessment.kind} claim cannot assess a {claim.kind} claim")
    match assessment:
        case InjuryAssessment():
            return _injury(claim, assessment, on)
        case PensionAssessment():
            return _pension(claim, assessment)
        case UnemploymentAssessment():
            return _unemployment(claim, assessment)
        case LongTermCareAssessment():
            return _long_term_care(assessment, on)
        case SkillSubsidyAssessment():
            return _skill_subsidy(claim, assessment, on)
        case _:
            assert_never(assessment)


def _injury(claim: Claim, assessment: InjuryAssessment, today: dt.date) -> list[Award]:
    """Disability (grade 1-10, care level), death (funeral, lump sum, dependants' pensions), and the
    income during treatment that the platform or employer continues."""
    assert claim.engagement is not None
    oip = claim.kind == K.OCCUPATIONAL_INJURY
    prefix = "oip" if oip else "work_injury"
    on = claim.event_date
    start = month_of(today)
    region = claim.engagement.work_region.code
    where: dict[str, Any] = {"region": region}
    if not oip:
        where["average_wage_12m"] = assessment.average_wage_12m_cents
    awards: list[Award] = []
    if assessment.outcome == "DISABILITY":
        grade = assessment.grade
        if grade:
            awards.append(
                _award(
                    f"{prefix}_disability_grant",
                    _rules(lambda: calc(f"{prefix}_disability_grant", on, **where, grade=grade)),
                    start,
                )
            )
        if 1 <= grade <= 4:
            name = f"{prefix}_disability_allowance_monthly"
            awards.append(_award(name, _rules(lambda: calc(name, on, **where, grade=grade)), start))
        if grade in (5, 6):
            name = "oip_one_off_allowance" if oip else "work_injury_employer_allowance_monthly"
            awards.append(_award(name, _rules(lambda: calc(name, on, **where, grade=grade)), start))
        care = checked(assessment.care_level)
        if care:
            name = f"{prefix}_care_allowance"
            awards.append(_award(name, _rules(lambda: calc(name, on, region=region, care_level=care)), start))
    elif assessment.outcome == "DEATH":
        people = assessment.dependants
        counts = {
            "spouses": sum(1 for p in people if p.kind == DependantKind.SPOUSE),
            "other_dependants": sum(1 for p in people if p.kind == DependantKind.OTHER),
            "supplemented": sum(1 for p in people if p.supplement),
        }
        awards.append(
            _award(f"{prefix}_funeral_grant", _rules(lambda: calc(f"{prefix}_funeral_grant", on, region=region)), start)
        )
        awards.append(_award(f"{prefix}_death_lump_sum", _rules(lambda: calc(f"{prefix}_death_lump_sum", on)), start))
        name = f"{prefix}_dependant_pension"
        for who in people:
            explained = _rules(
                lambda k=who.kind, s=who.supplement: calc(name, on, **where, **counts, kind=k, supplement=s)
            )
            awards.append(_award(name, explained, start, beneficiary=who.name))
    costs = checked(assessment.medical_costs_cents)
    if costs:
        name = "injury_medical_costs"
        awards.append(_award(name, _rules(lambda: calc(name, on, approved_costs=costs)), start))
    if not oip:
        _injury_payers(claim, awards)
    off = checked(assessment.months_off_work)
    if off:
        check_name = f"{prefix}_wage_continuation_check"
        check = _rules(lambda: calc(check_name, on, months_off_work=off, extension_confirmed=assessment.extension))
        if int(check.value or 0) != WageContinuationCheck.NORMAL_PERIOD:
            raise ValidationFailed(
                "months_off_work: %(reason)s", field="months_off_work", params={"reason": check.meaning}
            )
        income = checked(assessment.monthly_income_cents)
        terms = AWARDS[check_name]
        awards.append(
            Award(
                item="wage_continuation",
                label=f"Income during treatment, continued by the {str(terms.payer).lower()}: {off} months",
                payer=str(terms.payer),
                periodic=True,
                amount_cents=income,
                start_month=month_of(on),
                end_month=month_of(on, off - 1),
                explanation={**check.as_dict(), "amount": {"monthly_income_cents": income, "months": off}},
            )
        )
    return awards


def _injury_payers(claim: Claim, awards: list[Award]) -> None:
    """The employer pays what the fund would, when its work-injury contribution for the month of the
    injury was not paid (collected by the tax authority: ``taxexchange``)."""
    from socsec.taxexchange.selectors import employer_contribution_paid

    assert claim.engagement is not None
    month = month_of(claim.event_date)
    paid = employer_contribution_paid(
        employer_id=claim.engagement.organisation_id, person_id=claim.person_id, month=month, scheme="WORK_INJURY"
    )
    for award in awards:
        payer = work_injury_payer(Payer(award.payer), contribution_paid=paid)
        if payer != award.payer:
            award.payer = str(payer)
            award.explanation = {
                **award.explanation,
                "payer": {"month": month, "contribution_paid": paid, "reference": WORK_INJURY_UNPAID_REFERENCE},
            }


def _pension(claim: Claim, assessment: PensionAssessment) -> list[Award]:
    """The employee basic pension; or, with ``scheme: RESIDENT`` (``resident: true``), the residents'
    pension (the minimum basic pension plus the individual account / 139), for a person outside the
    employee pension."""
    from socsec.ledger.selectors import individual_account_balance

    person, on = claim.person, claim.event_date
    if assessment.residents_pension:
        age = _rules(lambda: calc("age_months", on, birth_date=person.birth_date))
        paid_from = int(_rules(lambda: calc("resident_pension_age_months", on)).value or 0)
        if int(age.value or 0) < paid_from:
            raise ValidationFailed(
                "event_date: the residents' pension is paid from %(age)s",
                field="event_date",
                params={"age": paid_from // 12},
            )
        account = individual_account_balance(person.pk) + checked(assessment.account_balance_before_records_cents)
        explained = _rules(lambda: calc("resident_pension_monthly", on, account_balance=account))
        return [_award("resident_pension_monthly", explained, month_of(on))]
    months = pension_months_on_record(person, on) + assessment.months_before_records
    account = individual_account_balance(person.pk) + checked(assessment.account_balance_before_records_cents)
    ratio = assessment.average_indexed_wage_ratio
    timing = _rules(
        lambda: calc(
            "pension_retirement_timing_check",
            on,
            birth_date=person.birth_date,
            sex=person.sex,
            retirement_group=person.retirement_group,
            contribution_months=months,
        )
    )
    if int(timing.value or 0) in REFUSED_TIMING:
        raise ValidationFailed(
            "event_date: retiring on %(on)s - %(reason)s",
            field="event_date",
            params={"on": on.isoformat(), "reason": timing.meaning},
        )
    years = _rules(lambda: calc("pension_contribution_years_check", on, contribution_months=months))
    if int(years.value or 0) != ContributionYearsCheck.REACHED:
        raise ValidationFailed(
            "contribution_months: %(months)s months on record - %(reason)s",
            field="assessment",
            params={"months": months, "reason": years.meaning},
        )
    age = _rules(lambda: calc("age_months", on, birth_date=person.birth_date))
    explained = _rules(
        lambda: calc(
            "pension_monthly",
            on,
            region=person.residence_region.code,
            average_indexed_wage_ratio=float(ratio),
            contribution_months=months,
            account_balance=account,
            retirement_age_months=int(age.value or 0),
        )
    )
    return [_award("pension_monthly", explained, month_of(on))]


def _unemployment(claim: Claim, assessment: UnemploymentAssessment) -> list[Award]:
    on = claim.event_date
    months = assessment.contribution_months
    if months is None:  # the months on record, held to the bounds of months entered
        months = within_bounds("contribution_months", unemployment_months_on_record(claim.person, claim.event_date))
    eligible = _rules(
        lambda: calc(
            "unemployment_eligibility",
            on,
            contribution_months=months,
            involuntary=assessment.involuntary,
            registered=assessment.registered,
        )
    )
    if int(eligible.value or 0) != UnemploymentEligibility.ELIGIBLE:
        raise ValidationFailed(
            "assessment: not eligible - %(reason)s", field="assessment", params={"reason": eligible.meaning}
        )
    carried = checked(assessment.carried_over_months)
    duration = _rules(
        lambda: calc(
            "unemployment_duration_months",
            on,
            contribution_months=months,
            carried_over_months=carried,
        )
    )
    region = claim.person.residence_region.code
    if assessment.rural_contract_worker:  # a lump-sum living subsidy instead of the monthly benefit
        lump = _rules(lambda: calc("unemployment_rural_lump_sum", on, region=region, contribution_months=months))
        award = _award("unemployment_rural_lump_sum", lump, month_of(on, 1))
        award.explanation = {**award.explanation, "eligibility": eligible.as_dict()}
        return [award]
    amount = _rules(lambda: calc("unemployment_benefit_monthly", on, region=region))
    award = _award("unemployment_benefit_monthly", amount, month_of(on, 1), end=month_of(on, int(duration.value or 0)))
    award.explanation = {**award.explanation, "duration": duration.as_dict(), "eligibility": eligible.as_dict()}
    return [award]


def _long_term_care(assessment: LongTermCareAssessment, today: dt.date) -> list[Award]:
    score = assessment.incapacity_score
    level = _rules(lambda: calc("ltc_care_level", today, incapacity_score=score))
    if int(level.value or 0) == CareLevel.NONE:
        raise ValidationFailed(
            "incapacity_score: %(score)s - %(reason)s",
            field="incapacity_score",
            params={"score": score, "reason": level.meaning},
        )
    setting = assessment.setting
    amount = _rules(lambda: calc("ltc_benefit_monthly", today, care_level=int(level.value or 0), setting=setting))
    award = _award("ltc_benefit_monthly", amount, month_of(today))
    award.explanation = {**award.explanation, "care_level": level.as_dict()}
    return [award]


def _skill_subsidy(claim: Claim, assessment: SkillSubsidyAssessment, today: dt.date) -> list[Award]:
    """The certificate's level (as stated and checked by the officer) and the months in employment on record."""
    level = assessment.level or str(claim.facts.get("level", ""))
    months = unemployment_months_on_record(claim.person, claim.event_date)
    eligible = _rules(
        lambda: calc("unemployment_skill_subsidy_eligibility", claim.event_date, contribution_months=months)
    )
    if int(eligible.value or 0) != SkillSubsidyEligibility.ELIGIBLE:
        raise ValidationFailed(
            "assessment: %(months)s months of contributions on record - %(reason)s",
            field="assessment",
            params={"months": months, "reason": eligible.meaning},
        )
    amount = _rules(
        lambda: calc("unemployment_skill_subsidy", claim.event_date, contribution_months=months, level=level)
    )
    return [_award("unemployment_skill_subsidy", amount, month_of(today))]
