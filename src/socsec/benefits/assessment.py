"""An officer's assessment of a claim, one frozen dataclass per kind of claim, parsed once from the mapping
posted (API, page) or stored (``Claim.assessment``) by ``parse_assessment``.

Parsing refuses what the award rules cannot use, with the field named: a missing or malformed whole
number, one out of its bounds, a death without its list of dependants, an unknown outcome. What the
rules then decide (eligibility, the amounts) is for ``socsec.benefits.awards``.

``as_dict`` gives the stored form back: the keys as entered, in the order entered, with their parsed
values; a key the kind does not use (or, for an injury, one that does not apply to the outcome: a grade
with a death) is not kept. Absent keys take the rules' defaults.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from django.utils import timezone

from socsec.core.errors import ValidationFailed
from socsec.rules.benefits import DEPENDANT_KINDS, CareSetting, DependantKind
from socsec.rules.parameters import load_parameters

from .models import Claim

K = Claim.Kind

# the bounds of each whole number an assessment may hold (money in cents); the pages offer the same
BOUNDS: dict[str, tuple[int, int]] = {
    "grade": (0, 10),
    "care_level": (0, 3),
    "medical_costs_cents": (0, 10**10),
    "months_off_work": (0, 24),
    "monthly_income_cents": (1, 10**9),
    "average_wage_12m_cents": (1, 10**9),
    "months_before_records": (0, 600),
    "account_balance_before_records_cents": (0, 10**10),
    "contribution_months": (0, 600),
    "carried_over_months": (0, 24),
    "incapacity_score": (0, 100),
}

Outcome = Literal["DISABILITY", "DEATH", "NONE"]
Relation = Literal["SPOUSE", "OTHER"]


@dataclass(frozen=True, kw_only=True)
class _Entered:
    kind: str  # the kind of claim assessed
    entered: tuple[str, ...] = ()  # the keys as entered, in order: what ``as_dict`` gives back

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the keys as entered, with their parsed values."""
        return {key: _plain(getattr(self, key)) for key in self.entered}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Dependant):
        return {"name": value.name, "kind": value.kind, "supplement": value.supplement}
    return value


@dataclass(frozen=True)
class Dependant:
    """A dependant of a worker who died of the injury: a spouse or another dependant; ``supplement`` for
    an orphan or a lone elderly person."""

    name: str
    kind: Relation
    supplement: bool = False


@dataclass(frozen=True, kw_only=True)
class InjuryAssessment(_Entered):
    """An occupational injury (platform work) or a work-related injury: the outcome (a disability grade
    and care level, or a death and the dependants), the medical costs on the approved lists, and the
    months off work with the income continued meanwhile."""

    outcome: Outcome = "DISABILITY"
    grade: int = 0  # 1 (most severe) to 10; 0 none
    care_level: int = 0  # 0 none; 1 fully, 2 mostly, 3 partly dependent
    dependants: tuple[Dependant, ...] = ()  # a death only
    medical_costs_cents: int = 0
    months_off_work: int = 0
    monthly_income_cents: int | None = None  # required with months off work
    extension: bool = False  # the longer time off work confirmed
    average_wage_12m_cents: int | None = None  # a work-related injury only, and required there


@dataclass(frozen=True, kw_only=True)
class PensionAssessment(_Entered):
    """The employee basic pension, or the residents' pension (``scheme: RESIDENT`` or ``resident:
    true``) for a person outside it: what SocSec's records do not hold."""

    scheme: str = ""
    resident: bool = False
    months_before_records: int = 0
    account_balance_before_records_cents: int = 0
    average_indexed_wage_ratio: float = 1.0

    @property
    def residents_pension(self) -> bool:
        return self.scheme == "RESIDENT" or self.resident


@dataclass(frozen=True, kw_only=True)
class UnemploymentAssessment(_Entered):
    """Unemployment benefit: how the job ended, the registration, the months (from the records when not
    given), and a rural contract worker's choice of a lump sum."""

    contribution_months: int | None = None  # None: the months on record
    involuntary: bool = False
    registered: bool = False
    carried_over_months: int = 0
    rural_contract_worker: bool = False


@dataclass(frozen=True, kw_only=True)
class LongTermCareAssessment(_Entered):
    """Long-term care: the incapacity score (Barthel index) and the care setting."""

    incapacity_score: int
    setting: str = CareSetting.HOME


@dataclass(frozen=True, kw_only=True)
class SkillSubsidyAssessment(_Entered):
    """A skill-upgrading subsidy: the certificate's level as checked by the officer ("" keeps the level
    stated with the claim)."""

    level: str = ""


Assessment = (
    InjuryAssessment | PensionAssessment | UnemploymentAssessment | LongTermCareAssessment | SkillSubsidyAssessment
)


def parse_assessment(kind: str, mapping: Mapping[str, Any]) -> Assessment:
    """The assessment of a claim of this kind from a posted or stored mapping; ``ValidationFailed``
    naming the field otherwise."""
    match kind:
        case K.OCCUPATIONAL_INJURY | K.WORK_INJURY:
            return _injury(kind, mapping)
        case K.PENSION:
            return _pension(mapping)
        case K.UNEMPLOYMENT:
            return _unemployment(mapping)
        case K.LONG_TERM_CARE:
            return _long_term_care(mapping)
        case K.SKILL_SUBSIDY:
            return _skill_subsidy(mapping)
    raise ValidationFailed(f"kind: no award rules for {kind}", field="kind")


def within_bounds(key: str, value: int) -> int:
    """The value, when it is within the bounds of ``key``."""
    low, high = BOUNDS[key]
    if not low <= value <= high:
        raise ValidationFailed(f"{key}: {value} is outside {low}-{high}", field=key)
    return value


def _whole(mapping: Mapping[str, Any], key: str, default: int | None = None) -> int:
    raw = mapping.get(key, default)
    if raw is None:
        raise ValidationFailed(f"{key}: is required", field=key)
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not re.fullmatch(r"-?[0-9]{1,15}", str(raw)):
        raise ValidationFailed(f"{key}: {raw!r} is not a whole number", field=key)
    return within_bounds(key, int(raw))


def _entered(mapping: Mapping[str, Any], known: set[str]) -> tuple[str, ...]:
    return tuple(key for key in mapping if key in known)


def _injury(kind: str, mapping: Mapping[str, Any]) -> InjuryAssessment:
    known = {"outcome", "medical_costs_cents", "months_off_work", "monthly_income_cents", "extension"}
    wage = None
    if kind == K.WORK_INJURY:
        known.add("average_wage_12m_cents")
        wage = _whole(mapping, "average_wage_12m_cents")
    outcome = str(mapping.get("outcome", "DISABILITY"))
    grade, care = 0, 0
    dependants: tuple[Dependant, ...] = ()
    if outcome == "DISABILITY":
        known |= {"grade", "care_level"}
        grade = _whole(mapping, "grade", 0)
        care = _whole(mapping, "care_level", 0)
    elif outcome == "DEATH":
        known.add("dependants")
        dependants = _dependants(mapping.get("dependants"))
    elif outcome != "NONE":
        raise ValidationFailed(f"outcome: {outcome!r} is not DISABILITY, DEATH or NONE", field="outcome")
    costs = _whole(mapping, "medical_costs_cents", 0)
    off = _whole(mapping, "months_off_work", 0)
    given = mapping.get("monthly_income_cents") is not None  # checked when given, needed with months off
    income = _whole(mapping, "monthly_income_cents") if off or given else None
    return InjuryAssessment(
        kind=kind,
        entered=_entered(mapping, known),
        outcome=cast(Outcome, outcome),
        grade=grade,
        care_level=care,
        dependants=dependants,
        medical_costs_cents=costs,
        months_off_work=off,
        monthly_income_cents=income,
        extension=bool(mapping.get("extension")),
        average_wage_12m_cents=wage,
    )


def _dependants(raw: Any) -> tuple[Dependant, ...]:
    if not isinstance(raw, list):
        raise ValidationFailed(
            "dependants: the list of dependants is required (empty when there are none): name, kind "
            "SPOUSE or OTHER, supplement true for an orphan or a lone elderly person",
            field="dependants",
        )
    people = []
    for i, d in enumerate(raw):
        name = str(d.get("name", "")).strip() if isinstance(d, dict) else ""
        if not 0 < len(name) <= 120 or not isinstance(d, dict) or d.get("kind") not in DEPENDANT_KINDS:
            raise ValidationFailed(
                f"dependants: row {i + 1} needs a name (at most 120 characters) and a kind (SPOUSE or OTHER)",
                field="dependants",
            )
        people.append(Dependant(name, cast(Relation, d["kind"]), bool(d.get("supplement", False))))
    if sum(1 for p in people if p.kind == DependantKind.SPOUSE) > 1:
        raise ValidationFailed("dependants: at most one spouse", field="dependants")
    return tuple(people)


def _pension(mapping: Mapping[str, Any]) -> PensionAssessment:
    months = _whole(mapping, "months_before_records", 0)
    account = _whole(mapping, "account_balance_before_records_cents", 0)
    ratio = mapping.get("average_indexed_wage_ratio", 1.0)
    params, today = load_parameters(), timezone.localdate()  # the contribution base's bounds in force
    floor = params.value_float("contribution.base_floor_ratio", today)
    ceiling = params.value_float("contribution.base_ceiling_ratio", today)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not floor <= float(ratio) <= ceiling:
        raise ValidationFailed(
            f"average_indexed_wage_ratio: a number from {floor} to {ceiling} (the base is kept within "
            f"{floor:.0%}-{ceiling:.0%})",
            field="average_indexed_wage_ratio",
        )
    known = {
        "scheme",
        "resident",
        "months_before_records",
        "account_balance_before_records_cents",
        "average_indexed_wage_ratio",
    }
    return PensionAssessment(
        kind=K.PENSION,
        entered=_entered(mapping, known),
        scheme=str(mapping.get("scheme", "")),
        resident=mapping.get("resident") is True,
        months_before_records=months,
        account_balance_before_records_cents=account,
        average_indexed_wage_ratio=ratio,
    )


def _unemployment(mapping: Mapping[str, Any]) -> UnemploymentAssessment:
    months = _whole(mapping, "contribution_months") if "contribution_months" in mapping else None
    known = {"contribution_months", "involuntary", "registered", "carried_over_months", "rural_contract_worker"}
    return UnemploymentAssessment(
        kind=K.UNEMPLOYMENT,
        entered=_entered(mapping, known),
        contribution_months=months,
        involuntary=bool(mapping.get("involuntary", False)),
        registered=bool(mapping.get("registered", False)),
        carried_over_months=_whole(mapping, "carried_over_months", 0),
        rural_contract_worker=bool(mapping.get("rural_contract_worker")),
    )


def _long_term_care(mapping: Mapping[str, Any]) -> LongTermCareAssessment:
    return LongTermCareAssessment(
        kind=K.LONG_TERM_CARE,
        entered=_entered(mapping, {"incapacity_score", "setting"}),
        incapacity_score=_whole(mapping, "incapacity_score"),
        setting=str(mapping.get("setting", CareSetting.HOME)),
    )


def _skill_subsidy(mapping: Mapping[str, Any]) -> SkillSubsidyAssessment:
    level = mapping.get("level")
    return SkillSubsidyAssessment(
        kind=K.SKILL_SUBSIDY, entered=_entered(mapping, {"level"}), level=str(level) if level else ""
    )
