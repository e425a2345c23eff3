"""The error codes of employers' declarations: those of a refused row, and those of a refused declaration."""

from __future__ import annotations

from enum import StrEnum


class PayrollRowErrorCode(StrEnum):
    """Why one row of a payroll declaration is refused (the row's field says where)."""

    UNREADABLE = "unreadable_row"
    REQUIRED = "required"
    NOT_EMPLOYED = "not_employed"
    REPEATED_EMPLOYEE = "repeated_employee"
    INVALID_WAGE = "invalid_wage"
    NEGATIVE_WAGE = "negative_wage"
    BELOW_MINIMUM_WAGE = "below_minimum_wage"
    UNKNOWN_INDUSTRY_CLASS = "unknown_industry_class"
    UNKNOWN_REGION = "unknown_region"
    NO_RATES = "no_rates"
    STEP_NOT_ALLOWED = "step_not_allowed"
    CLASS_DIFFERS = "industry_class_differs"
    REGION_DIFFERS = "region_differs"


class EmployerErrorCode(StrEnum):
    """Why a whole declaration is refused."""

    NOT_AN_EMPLOYER = "not_an_employer"
    MONTH_ALREADY_DECLARED = "month_already_declared"
    NOTHING_TO_CORRECT = "nothing_to_correct"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_MONTH = "invalid_month"
    FUTURE_MONTH = "future_month"
    NOT_DECLARED = "not_declared"
    DECLARATION_IN_PROGRESS = "declaration_in_progress"  # another declaration of the employer outlasted the wait
