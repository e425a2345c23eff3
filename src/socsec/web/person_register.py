"""The officer's page to register a person: the same service as ``POST /api/persons``. The resident ID is
checked (python-stdnum, as the service does) and the birth date and sex are read from it; each refusal is
shown at its field in the reader's language, and nothing is written. A resident ID already registered
links to the person who has it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_write_registry
from socsec.core.errors import DomainError
from socsec.core.text import text_refusal
from socsec.registry import selectors
from socsec.registry.errors import RegistryErrorCode
from socsec.registry.models import Person, Region
from socsec.registry.services import person_register
from socsec.registry.validation import id_sex
from socsec.rules.formulas import GROUPS_OF_SEX

from .common import refusal_message
from .fields import describe_inputs

ID_REFUSALS: list[tuple[type[Exception], Any]] = [
    (InvalidLength, gettext_lazy("A resident ID number has 18 characters.")),
    (InvalidFormat, gettext_lazy("A resident ID number is 17 digits followed by a digit or X.")),
    (InvalidChecksum, gettext_lazy("The check digit does not match: the number is mistyped.")),
    (InvalidComponent, gettext_lazy("The birth date or the birth-place code inside the number is not valid.")),
    (KeyError, gettext_lazy("The birth-place code (the first 6 digits) is not a known county.")),
    (ValidationError, gettext_lazy("This is not a valid resident ID number.")),
]


def region_label(region: Region) -> str:
    zh = (get_language() or "").startswith("zh")
    own = region.name_zh if zh else region.name
    if region.parent is None:
        return str(own)
    parent = region.parent.name_zh if zh else region.parent.name
    return f"{parent} · {own}"


class PersonRegisterForm(forms.Form):
    resident_id = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=32,
        help_text=gettext_lazy("18 characters; the birth date and sex are read from it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    residence_region = forms.ChoiceField(label=gettext_lazy("Region of residence"))
    retirement_group = forms.ChoiceField(
        label=gettext_lazy("Original retirement group"),
        required=False,
        choices=[("", gettext_lazy("By sex: men 60, women 55")), *Person.RetirementGroup.choices],
        help_text=gettext_lazy(
            "The statutory retirement age before the 2025 reform, which the reform raises step by step: women "
            "workers 50, women cadres and flexibly employed women 55, men 60. It must agree with the sex in the "
            "resident ID number."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = selectors.regions()
        region_field = self.fields["residence_region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [
            ("", _("Choose a region")),
            *((r.code, region_label(r)) for r in regions),
        ]

    def describe(self) -> PersonRegisterForm:
        """Tie each input to its hint and its error (``aria-describedby``), as the template names them."""
        describe_inputs(self)
        return self

    def clean_resident_id(self) -> str:
        value = ric.compact(self.cleaned_data["resident_id"]).upper()
        try:
            return str(ric.validate(value))
        except Exception as exc:
            for kind, message in ID_REFUSALS:
                if isinstance(exc, kind):
                    raise forms.ValidationError(message, code="resident_id") from None
            raise

    def clean(self) -> dict[str, Any]:
        """A retirement group of the other sex than the resident ID's is refused at its field."""
        data = super().clean() or {}
        group, rid = data.get("retirement_group") or "", data.get("resident_id")
        if group and rid and group not in [str(g) for g in GROUPS_OF_SEX[id_sex(rid)]]:
            message = (
                _("The resident ID number is a man's: his group is men 60.")
                if id_sex(rid) == "M"
                else _("The resident ID number is a woman's: her group is women 55 or women workers 50.")
            )
            self.add_error("retirement_group", forms.ValidationError(message, code="retirement_group"))
        return data

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if text_refusal(name):
            raise forms.ValidationError(
                _("The name holds a character that cannot be kept (a control or formatting character)."), code="name"
            )
        return name


@login_required
def person_register_page(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    require(may_write_registry(p), "only officers and supervisors register persons")
    form = PersonRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                person = person_register(actor=p.actor, **form.cleaned_data)
            except DomainError as exc:
                status = exc.status
                form.add_error(exc.field if exc.field in form.fields else None, _refusal(exc, form))
            else:
                return redirect("web:person_detail", person_id=person.pk)
    return render(request, "web/person_register.html", {"form": form.describe()}, status=status)


def _refusal(exc: DomainError, form: PersonRegisterForm) -> str:
    if exc.code != RegistryErrorCode.PERSON_EXISTS:
        return refusal_message(exc)
    existing = selectors.persons_matching(query=form.cleaned_data["resident_id"]).first()
    if existing is None:
        return _("A person with this resident ID number is already registered.")
    return format_html(
        '{} <a href="{}">{}</a>',
        _("A person with this resident ID number is already registered."),
        reverse("web:person_detail", args=[existing.pk]),
        _("Open their record"),
    )
