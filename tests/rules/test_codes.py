"""The codes the rules give and take are enums whose values are the numbers and strings stored and shown:
a coverage reason or a check's answer keeps its number, an input's word keeps its spelling."""

from enum import IntEnum

from socsec.rules import benefits, formulas
from socsec.rules.coverage import REASONS, CoverageReason, Scheme, reason_codes
from socsec.rules.engine import all_formulas, calc
from socsec.rules.rounding import ROUNDING, Rounding


def test_every_coverage_reason_is_named_and_keeps_its_number():
    assert sorted(REASONS) == [int(r) for r in CoverageReason]
    assert [int(r) for r in CoverageReason] == [
        *(10, 11, 12, 13, 14, 20, 21, 22, 30, 31, 32, 40, 41),
        *(50, 51, 52, 53, 54, 55, 56, 60, 61, 70, 71, 72, 73, 80, 81, 82),
    ]
    assert all(isinstance(reason.code, CoverageReason) for reason in REASONS.values())
    assert CoverageReason.OIP_NO_PLATFORM_ENGAGEMENT == 56
    assert set(reason_codes(Scheme.OIP)) == {50, 51, 52, 53, 54, 55, 56}


def test_a_coverage_formula_answers_a_plain_number():
    e = calc(
        "coverage_medical",
        "2026-01-15",
        labour_relation=False,
        other_work=True,
    )
    assert (e.value, type(e.value)) == (31, int)
    assert e.value == CoverageReason.MEDICAL_FLEXIBLE
    assert e.as_dict()["value"] == 31


def test_each_check_table_is_keyed_by_its_enum():
    tables: list[tuple[dict[int, str], type[IntEnum]]] = [
        (formulas.ADJUSTMENT_CODES, formulas.AdjustmentCheck),
        (formulas.PERIOD_CODES, formulas.PeriodCheck),
        (benefits.WAGE_CONTINUATION_CODES, benefits.WageContinuationCheck),
        (benefits.REPORT_CODES, benefits.ReportCheck),
        (benefits.CONTRIBUTION_YEARS_CODES, benefits.ContributionYearsCheck),
        (benefits.RETIREMENT_TIMING_CODES, benefits.RetirementTiming),
        (benefits.UNEMPLOYMENT_ELIGIBILITY_CODES, benefits.UnemploymentEligibility),
        (benefits.SKILL_SUBSIDY_CODES, benefits.SkillSubsidyEligibility),
        (benefits.JOB_RETENTION_CODES, benefits.JobRetentionCheck),
        (benefits.CARE_LEVEL_CODES, benefits.CareLevel),
        (benefits.LTC_SUBSIDY_CODES, benefits.LtcSubsidyCheck),
        (benefits.C102_CODES, benefits.C102Check),
    ]
    for table, enum in tables:
        assert list(table) == list(enum) == list(range(len(enum)))
    coded = [f for f in all_formulas() if f.unit == "code"]
    assert all(f.codes for f in coded)


def test_the_words_inputs_take_keep_their_spelling():
    assert benefits.DEPENDANT_KINDS == ("SPOUSE", "OTHER")
    assert benefits.REPORTERS == ("EMPLOYER", "PLATFORM", "WORKER")
    assert benefits.SKILL_LEVELS == ("ELEMENTARY", "INTERMEDIATE", "ADVANCED")
    assert benefits.ENTERPRISE_SIZES == ("LARGE", "SME")
    assert benefits.CARE_SETTINGS == ("HOME", "COMMUNITY", "INSTITUTION")
    assert benefits.LTC_HARDSHIP_GROUPS == ("MINIMUM_LIVING", "EXTREME_POVERTY", "SEVERE_DISABILITY")
    assert formulas.FLEXIBLE_SUBSIDY_GROUPS == ("EMPLOYMENT_HARDSHIP", "GRADUATE")
    assert formulas.RESIDENT_HARDSHIP_GROUPS == ("SEVERE_DISABILITY", "MINIMUM_LIVING", "EXTREME_POVERTY")
    assert tuple(formulas.Sex) == ("M", "F")
    assert set(formulas.ReliefGroup) == set(formulas.FLEXIBLE_SUBSIDY_GROUPS) | set(formulas.RESIDENT_HARDSHIP_GROUPS)


def test_every_rounding_rule_is_named_and_every_amount_names_one():
    assert list(ROUNDING) == list(Rounding) == ["half_up_cent", "down_cent", "half_up_cent_per_total"]
    amounts = [f for f in all_formulas() if f.unit in ("cents", "cents_exact")]
    assert amounts and all(isinstance(f.rounding, Rounding) for f in amounts)
