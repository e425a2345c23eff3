"""An officer's assessment of a claim, one frozen dataclass per kind of claim, parsed once from the mapping
posted (API, page) or stored (``Claim.assessment``) by ``parse_assessment``.

Each field is checked in the award rules' order, and only where the rules of the kind (and, for an
injury, of the outcome) read it: a value they do not read is not refused. A field the rules read before
any check of their own is refused at once, with the field named (a missing or malformed whole number, one
out of its bounds, a death without its list of dependants, an unknown outcome). A field they read only
after a check of their own (the income after the months off work, the carried-over months after
eligibility, a residents' pension account after the age) is kept as ``Refused`` and refused by
``checked`` where the rules read it, so that their own refusals keep coming first. What the rules then
decide (eligibility, the amounts) is for ``socsec.benefits.awards``.

``as_dict`` gives the stored form back: the mapping as entered, every key and value as it came.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from django.utils import timezone

from socsec.core.errors import ValidationFailed
from socsec.rules.benefits import DEPENDANT_KINDS, CareSetting, DependantKind
from socsec.rules.parameters import load_parameters

from .models import Claim

K = Claim.Kind
T = TypeVar("T")

# the bounds of each whole number an assessment may hold (money in cents) that the rules do not bound
# themselves; ``bounds`` adds those they do. The pages offer the same.
BOUNDS: dict[str, tuple[int, int]] = {
    "grade": (0, 10),
    "care_level": (0, 3),
    "medical_costs_cents": (0, 10**10),
    "monthly_income_cents": (1, 10**9),
    "average_wage_12m_cents": (1, 10**9),
    "months_before_records": (0, 600),
    "account_balance_before_records_cents": (0, 10**10),
    "contribution_months": (0, 600),
    "incapacity_score": (0, 100),
}

Outcome = Literal["DISABILITY", "DEATH", "NONE"]
Relation = Literal["SPOUSE", "OTHER"]


@dataclass(frozen=True)
class Refused:
    """A value the rules cannot use, with why: refused (``checked``) where the rules read it."""

    field: str
    message: str


def checked(value: T | Refused) -> T:
    """The value, unless it was refused: then ``ValidationFailed`` naming its field."""
    if isinstance(value, Refused):
        raise ValidationFailed(value.message, field=value.field)
    return value


@dataclass(frozen=True, kw_only=True)
class _Entered:
    kind: str  # the kind of claim assessed
    entered: Mapping[str, Any] = field(default_factory=dict, hash=False)  # as posted: what ``as_dict`` gives

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the mapping as entered."""
        return dict(self.entered)


@dataclass(frozen=True)
class Dependant:
    """A dependant of a worker who died of the injury: a spouse or another dependant; ``supplement`` for
    an orphan or a lone elderly person."""

    name: str
    kind: Relation
    supplement: bool = False


_INCOME_REQUIRED = Refused("monthly_income_cents", "monthly_income_cents: is required")


@dataclass(frozen=True, kw_only=True)
class InjuryAssessment(_Entered):
    """An occupational injury (platform work) or a work-related injury: the outcome (a disability grade
    and care level, or a death and the dependants), the medical costs on the approved lists, and the
    months off work with the income continued meanwhile. The rules read the care level and the fields
    after the dependants only after working out amounts that may be refused first: they are refused there."""

    outcome: Outcome = "DISABILITY"
    grade: int = 0  # 1 (most severe) to 10; 0 none
    care_level: int | Refused = 0  # 0 none; 1 fully, 2 mostly, 3 partly dependent
    dependants: tuple[Dependant, ...] = ()  # a death only
    medical_costs_cents: int | Refused = 0
    months_off_work: int | Refused = 0
    monthly_income_cents: int | Refused = _INCOME_REQUIRED  # read with months off work, in the normal period
    extension: bool = False  # the longer time off work confirmed
    average_wage_12m_cents: int | None = None  # a work-related injury only, and required there


@dataclass(frozen=True, kw_only=True)
class PensionAssessment(_Entered):
    """The employee basic pension, or the residents' pension (``scheme: RESIDENT`` or ``resident:
    true``) for a person outside it: what SocSec's records do not hold. The residents' pension reads only
    the account, after the age."""

    scheme: str = ""
    resident: bool = False
    months_before_records: int = 0  # the employee pension only
    account_balance_before_records_cents: int | Refused = 0
    average_indexed_wage_ratio: float = 1.0  # the employee pension only

    @property
    def residents_pension(self) -> bool:
        return self.scheme == "RESIDENT" or self.resident


@dataclass(frozen=True, kw_only=True)
class UnemploymentAssessment(_Entered):
    """Unemployment benefit: how the job ended, the registration, the months (from the records when not
    given), and a rural contract worker's choice of a lump sum. The carried-over months are read after
    eligibility."""

    contribution_months: int | None = None  # None: the months on record
    involuntary: bool = False
    registered: bool = False
    carried_over_months: int | Refused = 0
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


def parse_assessment(kind: str, mapping: Mapping[str, Any], on: dt.date | None = None) -> Assessment:
    """The assessment of a claim of this kind from a posted or stored mapping, with the bounds in force on
    the day of the assessment (``on``, today by default); ``ValidationFailed`` naming the field otherwise."""
    on = on or timezone.localdate()
    match kind:
        case K.OCCUPATIONAL_INJURY | K.WORK_INJURY:
            return _injury(kind, mapping, on)
        case K.PENSION:
            return _pension(mapping, on)
        case K.UNEMPLOYMENT:
            return _unemployment(mapping, on)
        case K.LONG_TERM_CARE:
            return _long_term_care(mapping)
        case K.SKILL_SUBSIDY:
            return _skill_subsidy(mapping)
    raise ValidationFailed("kind: no award rules for %(kind)s", field="kind", params={"kind": kind})


def bounds(kind: str, key: str, on: dt.date) -> tuple[int, int]:
    """The bounds of a whole number an assessment of this kind may hold on the day: the months off work
    up to the longest income continuation (the normal period and its extension), and the carried-over
    months up to the longest unemployment benefit period, as the rules hold them."""
    params = load_parameters()
    if key == "months_off_work":
        path = f"benefits.{'oip' if kind == K.OCCUPATIONAL_INJURY else 'work_injury'}.wage_continuation"
        return 0, params.value_int(f"{path}.normal_months", on) + params.value_int(f"{path}.extension_months", on)
    if key == "carried_over_months":
        return 0, params.value_int("benefits.unemployment.max_duration_months", on)
    return BOUNDS[key]


def within_bounds(key: str, value: int, low_high: tuple[int, int] | None = None) -> int:
    """The value, when it is within the bounds of ``key`` (``BOUNDS`` unless given)."""
    low, high = low_high or BOUNDS[key]
    if not low <= value <= high:
        raise ValidationFailed(
            "%(key)s: %(value)s is outside %(low)s-%(high)s",
            field=key,
            params={"key": key, "value": value, "low": low, "high": high},
        )
    return value


def _whole(
    mapping: Mapping[str, Any], key: str, default: int | None = None, low_high: tuple[int, int] | None = None
) -> int:
    raw = mapping.get(key, default)
    if raw is None:
        raise ValidationFailed("%(key)s: is required", field=key, params={"key": key})
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not re.fullmatch(r"-?[0-9]{1,15}", str(raw)):
        raise ValidationFailed("%(key)s: %(raw)r is not a whole number", field=key, params={"key": key, "raw": raw})
    return within_bounds(key, int(raw), low_high)


def _whole_or_refused(
    mapping: Mapping[str, Any], key: str, default: int | None = None, low_high: tuple[int, int] | None = None
) -> int | Refused:
    try:
        return _whole(mapping, key, default, low_high)
    except ValidationFailed as exc:
        return Refused(key, exc.message)


def _injury(kind: str, mapping: Mapping[str, Any], on: dt.date) -> InjuryAssessment:
    wage = _whole(mapping, "average_wage_12m_cents") if kind == K.WORK_INJURY else None
    outcome = str(mapping.get("outcome", "DISABILITY"))
    grade = 0
    care: int | Refused = 0
    dependants: tuple[Dependant, ...] = ()
    if outcome == "DISABILITY":
        grade = _whole(mapping, "grade", 0)
        care = _whole_or_refused(mapping, "care_level", 0)
    elif outcome == "DEATH":
        dependants = _dependants(mapping.get("dependants"))
    elif outcome != "NONE":
        raise ValidationFailed(
            "outcome: %(outcome)r is not DISABILITY, DEATH or NONE", field="outcome", params={"outcome": outcome}
        )
    return InjuryAssessment(
        kind=kind,
        entered=dict(mapping),
        outcome=cast(Outcome, outcome),
        grade=grade,
        care_level=care,
        dependants=dependants,
        medical_costs_cents=_whole_or_refused(mapping, "medical_costs_cents", 0),
        months_off_work=_whole_or_refused(mapping, "months_off_work", 0, bounds(kind, "months_off_work", on)),
        monthly_income_cents=_whole_or_refused(mapping, "monthly_income_cents"),
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
                "dependants: row %(row)s needs a name (at most 120 characters) and a kind (SPOUSE or OTHER)",
                field="dependants",
                params={"row": i + 1},
            )
        people.append(Dependant(name, cast(Relation, d["kind"]), bool(d.get("supplement", False))))
    if sum(1 for p in people if p.kind == DependantKind.SPOUSE) > 1:
        raise ValidationFailed("dependants: at most one spouse", field="dependants")
    return tuple(people)


def _pension(mapping: Mapping[str, Any], on: dt.date) -> PensionAssessment:
    scheme, resident = str(mapping.get("scheme", "")), mapping.get("resident") is True
    if scheme == "RESIDENT" or resident:  # only the account, read after the age
        return PensionAssessment(
            kind=K.PENSION,
            entered=dict(mapping),
            scheme=scheme,
            resident=resident,
            account_balance_before_records_cents=_whole_or_refused(mapping, "account_balance_before_records_cents", 0),
        )
    months = _whole(mapping, "months_before_records", 0)
    account = _whole(mapping, "account_balance_before_records_cents", 0)
    ratio = mapping.get("average_indexed_wage_ratio", 1.0)
    params = load_parameters()  # the contribution base's bounds in force
    floor = params.value_float("contribution.base_floor_ratio", on)
    ceiling = params.value_float("contribution.base_ceiling_ratio", on)
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not floor <= float(ratio) <= ceiling:
        raise ValidationFailed(
            "average_indexed_wage_ratio: a number from %(floor)s to %(ceiling)s "
            "(the base is kept within %(floor_percent)s-%(ceiling_percent)s)",
            field="average_indexed_wage_ratio",
            params={
                "floor": floor,
                "ceiling": ceiling,
                "floor_percent": f"{floor:.0%}",
                "ceiling_percent": f"{ceiling:.0%}",
            },
        )
    return PensionAssessment(
        kind=K.PENSION,
        entered=dict(mapping),
        scheme=scheme,
        resident=resident,
        months_before_records=months,
        account_balance_before_records_cents=account,
        average_indexed_wage_ratio=ratio,
    )


def _unemployment(mapping: Mapping[str, Any], on: dt.date) -> UnemploymentAssessment:
    months = _whole(mapping, "contribution_months") if "contribution_months" in mapping else None
    carried = _whole_or_refused(mapping, "carried_over_months", 0, bounds(K.UNEMPLOYMENT, "carried_over_months", on))
    return UnemploymentAssessment(
        kind=K.UNEMPLOYMENT,
        entered=dict(mapping),
        contribution_months=months,
        involuntary=bool(mapping.get("involuntary", False)),
        registered=bool(mapping.get("registered", False)),
        carried_over_months=carried,
        rural_contract_worker=bool(mapping.get("rural_contract_worker")),
    )


def _long_term_care(mapping: Mapping[str, Any]) -> LongTermCareAssessment:
    return LongTermCareAssessment(
        kind=K.LONG_TERM_CARE,
        entered=dict(mapping),
        incapacity_score=_whole(mapping, "incapacity_score"),
        setting=str(mapping.get("setting", CareSetting.HOME)),
    )


def _skill_subsidy(mapping: Mapping[str, Any]) -> SkillSubsidyAssessment:
    level = mapping.get("level")
    return SkillSubsidyAssessment(kind=K.SKILL_SUBSIDY, entered=dict(mapping), level=str(level) if level else "")
