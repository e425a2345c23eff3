"""The forms of a worker's own contributions: paying a scheme they joined (the base as a level of the
average wage, shown as amounts, or another amount; or the residents' pension tier; the first month and how
many), and asking a platform to withhold. Bounds come from the rules of the person's region."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.contributions.models import OwnContribution
from socsec.contributions.own.payments import BASED_SCHEMES
from socsec.core.money import format_yuan
from socsec.core.months import month_first_day, month_index
from socsec.registry.models import Person
from socsec.rules.coverage import SCHEME_LABELS
from socsec.rules.coverage import Scheme as RuleScheme
from socsec.rules.engine import calc
from socsec.rules.parameters import load_parameters

from .fields import YuanField

MONTHS_AHEAD = 12  # months offered from the current one


@dataclass(frozen=True)
class BaseBounds:
    """The region's average monthly wage and the lowest and highest base on a day, in cents."""

    wage: int
    floor: int
    ceiling: int

    @classmethod
    def of(cls, person: Person, on: dt.date) -> BaseBounds:
        region = person.residence_region.code
        return cls(
            int(calc("regional_average_monthly_wage", on=on, region=region).value),
            int(calc("contribution_base_floor", on=on, region=region).value),
            int(calc("contribution_base_ceiling", on=on, region=region).value),
        )

    def levels(self) -> list[tuple[str, str]]:
        """The bases offered: the lowest, the average wage and the highest, each as an amount and a share."""
        named = [
            ("floor", self.floor, _("the lowest base")),
            ("wage", self.wage, _("the average wage")),
            ("ceiling", self.ceiling, _("the highest base")),
        ]
        return [
            (
                key,
                _("%(amount)s yuan a month (%(share)s%% of the average wage, %(name)s)")
                % {"amount": format_yuan(cents), "share": round(100 * cents / self.wage), "name": name},
            )
            for key, cents, name in named
        ]

    def cents_of(self, level: str) -> int:
        return {"floor": self.floor, "wage": self.wage, "ceiling": self.ceiling}[level]


def scheme_choices(schemes: list[str]) -> list[tuple[str, str]]:
    return [(s, _(SCHEME_LABELS[RuleScheme(s)])) for s in schemes]


def month_choices(today: dt.date) -> list[tuple[str, str]]:
    first = month_index(today)
    return [(f"{month_first_day(first + i):%Y-%m}", f"{month_first_day(first + i):%Y-%m}") for i in range(MONTHS_AHEAD)]


def tier_choices(on: dt.date) -> list[tuple[str, str]]:
    tiers = load_parameters().node("resident_pension.tiers").children
    return [(k, _("%(amount)s yuan a year") % {"amount": format_yuan(int(k) * 100)}) for k in tiers]


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class PayForm(forms.Form):
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"))
    period = forms.ChoiceField(label=gettext_lazy("First month"))
    months = forms.TypedChoiceField(label=gettext_lazy("How many months"), coerce=int, initial=1)
    base_level = forms.ChoiceField(
        label=gettext_lazy("Monthly base"), required=False, widget=forms.RadioSelect, initial="floor"
    )
    base_other = YuanField(label=gettext_lazy("Another base (yuan a month)"), required=False)
    tier = forms.ChoiceField(label=gettext_lazy("Yearly tier (residents' pension)"), required=False)

    def __init__(self, data: Any, *, schemes: list[str], bounds: BaseBounds, today: dt.date) -> None:
        super().__init__(data)
        self.bounds = bounds
        _choices(self, "scheme", scheme_choices(schemes))
        _choices(self, "period", month_choices(today))
        _choices(
            self,
            "months",
            [
                (1, _("one month")),
                (3, _("three months (a quarter)")),
                (12, _("twelve months (a year)")),
            ],
        )
        _choices(self, "base_level", [*bounds.levels(), ("other", _("another amount, entered below"))])
        other = self.fields["base_other"]
        assert isinstance(other, YuanField)
        other.min_cents, other.max_cents = bounds.floor, bounds.ceiling
        _choices(self, "tier", [("", "—"), *tier_choices(today)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scheme = data.get("scheme")
        if scheme in BASED_SCHEMES:
            level = data.get("base_level") or "floor"
            if level == "other":
                if data.get("base_other") is None and "base_other" not in self.errors:
                    self.add_error("base_other", _("Enter the base you choose, in yuan a month."))
                data["declared_base_cents"] = data.get("base_other")
            else:
                data["declared_base_cents"] = self.bounds.cents_of(level)
            data["tier"] = ""
        elif scheme == OwnContribution.Scheme.RESIDENT_PENSION:
            if not data.get("tier"):
                self.add_error("tier", _("Choose the yearly tier you pay."))
            data["declared_base_cents"], data["months"] = None, 12
        return data

    def service_args(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "scheme": d["scheme"],
            "period_start": dt.date.fromisoformat(f"{d['period']}-01"),
            "months": d["months"],
            "declared_base_cents": d["declared_base_cents"],
            "tier": d["tier"],
        }


# a service's field -> the form's field its refusal is shown at
FIELD_OF = {
    "scheme": "scheme",
    "period_start": "period",
    "months": "months",
    "declared_base_cents": "base_other",
    "tier": "tier",
    "platform": "platform",
    "valid_from": "valid_from",
}


class WithholdingForm(forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("Platform"))
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"))
    base = YuanField(label=gettext_lazy("Monthly base (yuan)"))
    valid_from = forms.ChoiceField(label=gettext_lazy("From the month"))

    def __init__(self, data: Any, *, platforms: list[tuple[str, str]], bounds: BaseBounds, today: dt.date) -> None:
        super().__init__(data)
        _choices(self, "platform", platforms)
        _choices(self, "scheme", scheme_choices(list(BASED_SCHEMES)))
        _choices(self, "valid_from", month_choices(today))
        base = self.fields["base"]
        assert isinstance(base, YuanField)
        base.min_cents, base.max_cents = bounds.floor, bounds.ceiling
        base.help_text = _("From %(floor)s to %(ceiling)s yuan a month; the average wage is %(wage)s yuan.") % {
            "floor": format_yuan(bounds.floor),
            "ceiling": format_yuan(bounds.ceiling),
            "wage": format_yuan(bounds.wage),
        }
