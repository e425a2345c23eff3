"""The platform's forms: a worker and their engagement, and an engagement's end. They parse what was typed
and check it with the registry's own checks (``socsec.registry.validation``), in the reader's language;
the services check everything again when the form is sent on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socsec.registry import validation as v
from socsec.registry.models import Region
from socsec.web.templatetags.socsec_tags import CATEGORY_LABELS, SECTOR_LABELS, region_name

from .refusals import field_message

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def region_choices() -> list[tuple[str, Any]]:
    """The regions by name, each province with its cities, for a select."""
    regions = list(Region.objects.select_related("parent").order_by("code"))
    cities: dict[int, list[Region]] = {}
    for r in regions:
        if r.parent_id is not None:
            cities.setdefault(r.parent_id, []).append(r)
    groups: list[tuple[str, Any]] = [("", "—")]
    for province in (r for r in regions if r.parent_id is None):
        options = [(province.code, region_name(province))]
        options += [(c.code, region_name(c)) for c in cities.get(province.pk, [])]
        groups.append((region_name(province), options))
    return groups


class LabelledErrors(forms.Form):
    """Each field that has an error names it (``aria-describedby``, ``aria-invalid``) for screen readers."""

    def describe_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"id_{name}-error"
                attrs["aria-invalid"] = "true"

    def add_refusal(self, errors: dict[str, list[str]]) -> None:
        """A service's refusal (already in the reader's language) under its fields."""
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        self.describe_errors()


class WorkerForm(LabelledErrors):
    resident_id = forms.CharField(label=_("Resident ID"), max_length=30)
    name = forms.CharField(label=_("Full name"), max_length=100)
    residence_region = forms.ChoiceField(label=_("Home region"))
    category = forms.ChoiceField(
        label=_("Category"), choices=[(k, label) for k, label in CATEGORY_LABELS.items()], initial="MANAGED_NON_LABOUR"
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[(k, label) for k, label in SECTOR_LABELS.items()])
    work_region = forms.ChoiceField(label=_("Work region"))
    start_date = forms.DateField(label=_("Start date"), widget=DATE_WIDGET)
    external_ref = forms.CharField(label=_("Your reference (optional)"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = region_choices()
        for name in ("residence_region", "work_region"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        self.fields["resident_id"].widget.attrs.update({"autocomplete": "off", "inputmode": "text"})

    def clean_resident_id(self) -> str:
        errors: v.Errors = {}
        value = v.clean_resident_id(self.cleaned_data["resident_id"], errors)
        if value is None:
            raise forms.ValidationError([field_message(m) for m in errors.get("resident_id", [])])
        return value

    def clean_name(self) -> str:
        errors: v.Errors = {}
        value = v.clean_name(self.cleaned_data["name"], errors)
        if value is None:
            raise forms.ValidationError([field_message(m) for m in errors.get("name", [])])
        return value

    def service_arguments(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The person and the engagement as ``worker_register`` takes them."""
        d = self.cleaned_data
        person = {"resident_id": d["resident_id"], "name": d["name"], "residence_region": d["residence_region"]}
        engagement = {
            "category": d["category"],
            "sector": d["sector"],
            "work_region": d["work_region"],
            "start_date": d["start_date"],
            "external_ref": d["external_ref"],
        }
        return person, engagement


class EngagementEndForm(LabelledErrors):
    end_date = forms.DateField(label=_("Last day of the engagement"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, start_date: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_date = start_date

    def clean_end_date(self) -> dt.date:
        end: dt.date = self.cleaned_data["end_date"]
        errors: v.Errors = {}
        v.check_dates(self.start_date, end, errors)
        if errors:
            raise forms.ValidationError([field_message(m) for messages in errors.values() for m in messages])
        return end
