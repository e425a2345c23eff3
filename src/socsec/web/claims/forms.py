"""The worker's claim form: a line in plain words per kind of benefit, and per kind the form of the
details that claim needs (the day of the event, the work it was on, what happened)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.benefits.models import Claim
from socsec.registry import selectors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

K = Claim.Kind

KIND_HELP: dict[str, StrOrPromise] = {
    K.OCCUPATIONAL_INJURY: gettext_lazy("You were hurt while working through a platform (delivery, rides, freight)."),
    K.WORK_INJURY: gettext_lazy("You were hurt at work as an employee with a labour contract."),
    K.PENSION: gettext_lazy("You are reaching retirement age and want your old-age pension."),
    K.UNEMPLOYMENT: gettext_lazy("Your job ended against your will and you are looking for work."),
    K.LONG_TERM_CARE: gettext_lazy("You can no longer look after yourself in daily life and need care."),
    K.SKILL_SUBSIDY: gettext_lazy("You obtained a vocational skill certificate while insured as an employee."),
}


def _engagement_choices(person_id: int) -> list[tuple[str, str]]:
    person = selectors.person_get(person_id=person_id)
    choices = []
    for e in selectors.engagements_of(person=person):
        until = f"{e.end_date:%Y-%m-%d}" if e.end_date else ""
        choices.append((str(e.pk), f"{e.organisation.name} · {e.start_date:%Y-%m-%d}–{until}"))
    return choices


class ClaimDetails(forms.Form):
    """The details every claim has (the day of the event); each kind adds its own."""

    event_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, person_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        engagement = self.fields.get("engagement")
        if isinstance(engagement, forms.ChoiceField):
            engagement.choices = [("", _("Choose your work")), *_engagement_choices(person_id)]

    def facts(self) -> dict[str, Any]:
        return {"description": self.cleaned_data["description"]} if "description" in self.cleaned_data else {}


class InjuryDetails(ClaimDetails):
    engagement = forms.ChoiceField(label=gettext_lazy("The work you were doing"))
    order_id = forms.CharField(label=gettext_lazy("The order in progress (optional)"), required=False, max_length=64)
    description = forms.CharField(
        label=gettext_lazy("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("Day of the injury")


class PensionDetails(ClaimDetails):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day you retire")


class UnemploymentDetails(ClaimDetails):
    engagement = forms.ChoiceField(label=gettext_lazy("The work that ended"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day the job ended")


class CareDetails(ClaimDetails):
    description = forms.CharField(
        label=gettext_lazy("What help you need"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("Since when you need care")


class SkillDetails(ClaimDetails):
    level = forms.ChoiceField(
        label=gettext_lazy("Certificate level"),
        choices=[
            ("ELEMENTARY", gettext_lazy("elementary (level 5)")),
            ("INTERMEDIATE", gettext_lazy("intermediate (level 4)")),
            ("ADVANCED", gettext_lazy("advanced (level 3)")),
        ],
    )
    certificate = forms.CharField(label=gettext_lazy("Certificate number"), max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day the certificate was issued")

    def facts(self) -> dict[str, Any]:
        return {"level": self.cleaned_data["level"], "certificate": self.cleaned_data["certificate"]}


DETAIL_FORMS: dict[str, type[ClaimDetails]] = {
    K.OCCUPATIONAL_INJURY: InjuryDetails,
    K.WORK_INJURY: InjuryDetails,
    K.PENSION: PensionDetails,
    K.UNEMPLOYMENT: UnemploymentDetails,
    K.LONG_TERM_CARE: CareDetails,
    K.SKILL_SUBSIDY: SkillDetails,
}
