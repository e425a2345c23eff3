"""The officer's assessment form: per kind of claim the fields to fill in (with their labels, hints and
bounds: those of ``socsec.benefits.assessment.bounds`` on the day), the choices they offer, and the reading
of a posted form into the mapping ``socsec.benefits.assessment.parse_assessment`` takes, or the errors per
field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.benefits.assessment import bounds
from socsec.benefits.models import Claim
from socsec.core.money import MAX_YUAN, parse_yuan
from socsec.rules.texts import N_
from socsec.web.i18n import translate_text_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

K = Claim.Kind
INJURY = (K.OCCUPATIONAL_INJURY, K.WORK_INJURY)

# the kind of input: a named one, or a whole number ("whole": within the bounds of the assessment's field
# on the day, given by ``assessment_fields`` as (low, high))
Spec: TypeAlias = Literal["outcome", "grade", "setting", "bool", "ratio", "yuan", "whole"] | tuple[int, int]
AssessmentField: TypeAlias = "tuple[str, StrOrPromise, Spec, StrOrPromise]"

ASSESSMENT_FIELDS: dict[str, list[AssessmentField]] = {
    # kind -> (name, label, kind of input, hint); the names are the assessment's keys (benefits/assessment.py)
    "INJURY": [
        ("outcome", gettext_lazy("Outcome"), "outcome", gettext_lazy("a death: name the dependants below")),
        ("grade", gettext_lazy("Disability grade"), "grade", gettext_lazy("1 (most severe) to 10, or none")),
        (
            "care_level",
            gettext_lazy("Care level"),
            "whole",
            gettext_lazy("0 none; 1 fully, 2 mostly, 3 partly dependent"),
        ),
        (
            "medical_costs_cents",
            gettext_lazy("Medical costs on the approved lists (yuan)"),
            "yuan",
            gettext_lazy("as checked against the bills; reimbursed at cost"),
        ),
        (
            "months_off_work",
            gettext_lazy("Months off work for treatment"),
            "whole",
            gettext_lazy("0 to 24"),
        ),
        (
            "monthly_income_cents",
            gettext_lazy("Monthly income before the injury (yuan)"),
            "yuan",
            gettext_lazy("continued during treatment; needed when months off work are given"),
        ),
    ],
    "WORK_INJURY": [
        (
            "average_wage_12m_cents",
            gettext_lazy("Average monthly wage in the 12 months before (yuan)"),
            "yuan",
            translate_text_lazy(N_("kept within 60%-300% of the local average wage")),
        ),
    ],
    K.PENSION: [
        ("resident", gettext_lazy("Residents' pension (outside the employee pension)"), "bool", ""),
        (
            "months_before_records",
            gettext_lazy("Contribution months before SocSec's records"),
            "whole",
            gettext_lazy("from the paper file; the months on record are counted by the system"),
        ),
        (
            "average_indexed_wage_ratio",
            gettext_lazy("Average indexed wage ratio"),
            "ratio",
            gettext_lazy("1.0 = the average wage"),
        ),
        (
            "account_balance_before_records_cents",
            gettext_lazy("Individual account before SocSec's records (yuan)"),
            "yuan",
            "",
        ),
    ],
    K.UNEMPLOYMENT: [
        ("involuntary", gettext_lazy("The job was lost involuntarily"), "bool", ""),
        ("registered", gettext_lazy("Registered as unemployed and seeking work"), "bool", ""),
        (
            "carried_over_months",
            gettext_lazy("Benefit months carried over"),
            "whole",
            gettext_lazy("0 to 24"),
        ),
        (
            "rural_contract_worker",
            gettext_lazy("Rural contract worker: a lump-sum living subsidy instead"),
            "bool",
            "",
        ),
    ],
    K.SKILL_SUBSIDY: [],  # the certificate's level was stated with the claim; the months come from the records
    K.LONG_TERM_CARE: [
        (
            "incapacity_score",
            gettext_lazy("Incapacity score"),
            "whole",
            gettext_lazy("Barthel index, 0-100"),
        ),
        ("setting", gettext_lazy("Care setting"), "setting", ""),
    ],
}
OUTCOMES = [("DISABILITY", gettext_lazy("injury or disability")), ("DEATH", gettext_lazy("death"))]
DEPENDANT_KINDS = [("SPOUSE", gettext_lazy("spouse")), ("OTHER", gettext_lazy("other dependant"))]
DEPENDANT_ROWS = 4  # rows of the form; an empty name leaves a row out
SETTINGS = [
    ("HOME", gettext_lazy("at home")),
    ("COMMUNITY", gettext_lazy("in the community")),
    ("INSTITUTION", gettext_lazy("in an institution")),
]


def assessment_fields(kind: str, on: dt.date | None = None) -> list[AssessmentField]:
    """The fields an officer fills in to assess a claim of this kind, in the order of the form, with the
    bounds of each whole number on the day (``on``, today by default)."""
    fields = ASSESSMENT_FIELDS[kind] if kind not in INJURY else ASSESSMENT_FIELDS["INJURY"]
    if kind == K.WORK_INJURY:
        fields = fields + ASSESSMENT_FIELDS["WORK_INJURY"]
    on = on or timezone.localdate()
    return [(n, label, bounds(kind, n, on) if spec == "whole" else spec, hint) for n, label, spec, hint in fields]


def posted_assessment(kind: str, data: QueryDict) -> tuple[dict[str, Any], dict[str, str]]:
    """The assessment's mapping from the form (for ``parse_assessment``), or the errors per field."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    death = kind in INJURY and str(data.get("outcome", "")).strip() == "DEATH"
    for name, _label, spec, _hint in assessment_fields(kind):
        raw = str(data.get(name, "")).strip()
        if death and name in ("grade", "care_level", "months_off_work"):
            continue  # a death has no grade, care level or months off work
        if isinstance(spec, tuple):  # a whole number within its bounds
            low, high = spec
            if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
                out[name] = int(raw)
            else:
                errors[name] = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        elif spec == "outcome":  # injury or disability unless a death is chosen (the rules' default)
            if raw == "DEATH":
                out[name] = raw
            elif raw not in ("", "DISABILITY"):
                errors[name] = _("Choose the outcome.")
        elif spec == "grade":
            if raw == "none":
                out[name] = 0
            elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10:
                out[name] = int(raw)
            else:
                errors[name] = _("Choose a grade from 1 to 10, or none.")
        elif spec == "setting":
            if raw in dict(SETTINGS):
                out[name] = raw
            else:
                errors[name] = _("Choose a care setting.")
        elif spec == "bool":
            out[name] = raw in ("on", "true", "1")
        elif spec in ("ratio", "yuan") and not raw:
            continue  # optional: the rules say when it is needed
        elif spec in ("ratio", "yuan"):
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors[name] = _("Enter a number.")
                continue
            if not value.is_finite() or value < 0 or value > MAX_YUAN:
                errors[name] = _("Enter a number of 0 or more.")
            elif spec == "yuan":
                out[name] = parse_yuan(raw)
            else:
                out[name] = float(value)
    if kind in INJURY:
        people, problem = _dependants(data)
        if problem:
            errors["dependants"] = problem
        elif people and not death:
            errors["dependants"] = _("Dependants are for a death: choose death as the outcome, or clear them.")
        elif death:
            out["dependants"] = people
    return out, errors


def _dependants(data: QueryDict) -> tuple[list[dict[str, Any]], str]:
    """The dependants named in the form's rows (rows with no name are left out), or what is wrong."""
    people: list[dict[str, Any]] = []
    for i in range(1, DEPENDANT_ROWS + 1):
        name = str(data.get(f"dependant-{i}-name", "")).strip()
        if not name:
            continue
        relation = str(data.get(f"dependant-{i}-kind", ""))
        if len(name) > 120 or relation not in dict(DEPENDANT_KINDS):
            return [], _("Dependant %(row)s: a name of at most 120 characters and spouse or other.") % {"row": i}
        people.append({"name": name, "kind": relation, "supplement": data.get(f"dependant-{i}-supplement") == "on"})
    return people, ""
