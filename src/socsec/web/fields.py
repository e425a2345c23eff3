"""Form fields shared by the pages. Money is typed the way people type it and kept as whole cents."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socsec.core.money import MAX_YUAN, format_yuan, parse_yuan

# "12,000", "12，000.50", "¥ 1 200", "12000.5元": thousands separators every three digits, an optional
# currency sign before or "元" after.
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def yuan_to_cents(raw: str) -> int:
    """Cents from an amount as typed: full-width digits and commas are folded, a currency sign and spaces
    dropped, thousands separators accepted only where they group three digits. ValueError otherwise."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = text.removeprefix("¥").removeprefix("￥").removesuffix("元").replace(" ", "")
    if "," in text:
        if not _GROUPED.match(text):
            raise ValueError(text)
        text = text.replace(",", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        raise ValueError(text)
    return parse_yuan(text)


class YuanField(forms.Field):
    """An amount in yuan, cleaned to integer cents (``min_cents``..``max_cents``)."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 12000 or 12,000.50."),
        "min_value": _("The amount must be at least %(limit)s yuan."),
        "max_value": _("The amount must be at most %(limit)s yuan."),
    }

    def __init__(self, *, min_cents: int = 0, max_cents: int = MAX_YUAN * 100, **kwargs: Any) -> None:
        self.min_cents, self.max_cents = min_cents, max_cents
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "32")

    def to_python(self, value: Any) -> int | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            if len(text) > 32:
                raise ValueError(text)
            cents = yuan_to_cents(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if cents < self.min_cents:
            raise forms.ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": format_yuan(self.min_cents)}
            )
        if cents > self.max_cents:
            raise forms.ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit": format_yuan(self.max_cents)}
            )
        return cents

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def describe_inputs(form: forms.Form) -> None:
    """Tie each input to its hint and its error (``aria-describedby``), by the ids the form templates give
    them (``<auto_id>-hint``, ``<auto_id>-error``)."""
    for name, field in form.fields.items():
        auto_id = form[name].auto_id
        ids = [f"{auto_id}-hint"] if field.help_text else []
        if form.is_bound and form.errors.get(name):
            ids.append(f"{auto_id}-error")
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)
