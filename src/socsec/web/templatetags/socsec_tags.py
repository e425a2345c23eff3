from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from socsec.accounts.access import principal_of
from socsec.accounts.permissions import person_disclosure
from socsec.audit.actions import action_label
from socsec.core.masking import mask_personal_text
from socsec.core.money import format_yuan
from socsec.registry.models import Organisation, Person, Region
from socsec.registry.selectors import as_declared
from socsec.rules.coverage import Status
from socsec.rules.explanation import Explanation
from socsec.rules.parameters import ResolvedValue
from socsec.web.claim_texts import claim_text
from socsec.web.common import stored_reason_html
from socsec.web.i18n import translate_reference, translate_text

register = template.Library()

STATUS_LABELS = {
    Status.MANDATORY: _("Mandatory"),
    Status.VOLUNTARY: _("Voluntary"),
    Status.NOT_ELIGIBLE: _("Not eligible"),
    Status.COVERED_ELSEWHERE: _("Covered elsewhere"),
}
CATEGORY_LABELS = {
    "LABOUR_RELATION": _("Labour relation"),
    "MANAGED_NON_LABOUR": _("Managed, not a labour relation"),
    "CIVIL_LAW": _("Civil-law relation"),
    "SELF_EMPLOYED": _("Self-employed"),
}
SECTOR_LABELS = {
    "RIDE_HAILING": _("Ride-hailing"),
    "FOOD_DELIVERY": _("Food delivery"),
    "INSTANT_DELIVERY": _("Instant delivery"),
    "INTRA_CITY_FREIGHT": _("Intra-city freight"),
    "DOMESTIC_SERVICES": _("Domestic services"),
    "RETAIL": _("Retail"),
    "MANUFACTURING": _("Manufacturing"),
    "LOGISTICS": _("Logistics"),
    "OTHER_SERVICES": _("Other services"),
}


@register.filter
def refusal(transfer: Any) -> str:
    """A refused transfer's reason in the reader's language (``stored_reason_html``)."""
    return stored_reason_html(transfer.refusal_reason, transfer.refusal_template, transfer.refusal_params or {})


@register.filter
def masked(text: object) -> str:
    """A message shown to staff with the personal data in it masked (``mask_personal_text``)."""
    return mask_personal_text(str(text or ""))


@register.filter
def status_label(status: Status) -> str:
    return str(STATUS_LABELS[Status(status)])


@register.filter
def status_class(status: Status) -> str:
    return Status(status).name.lower().replace("_", "-")


@register.filter
def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


@register.filter
def sector_label(code: str) -> str:
    return str(SECTOR_LABELS.get(code, code))


@register.filter
def tr(text: object) -> str:
    """A text from the rules layer (scheme label, reason, formula label, scenario title) in the reader's
    language (``socsec.web.i18n``)."""
    return translate_text(text)


@register.filter
def explained_value(e: Mapping[str, Any] | Explanation) -> str:
    """A computed value with its unit, as an explanation shows it: amounts in yuan, months as months,
    a code bare (its meaning follows it)."""
    value, unit = (e.get("value"), e.get("unit", "")) if isinstance(e, Mapping) else (e.value, e.unit)
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if unit in ("cents", "cents_exact"):
        return gettext("%(amount)s yuan") % {"amount": yuan_exact(value)}
    if unit == "cents_per_order":
        return gettext("%(amount)s yuan per order") % {"amount": yuan_exact(value)}
    if unit == "months":
        return ngettext("%(n)s month", "%(n)s months", int(value)) % {"n": value}
    if unit == "months_exact":
        return ngettext("%(n)s month", "%(n)s months", 2) % {"n": f"{value:.4f}".rstrip("0").rstrip(".")}
    return str(value)


@register.filter
def parameter_value(p: Mapping[str, Any] | ResolvedValue) -> str:
    """A parameter's value with its unit, as an explanation shows it: yes or no for a switch, a ratio bare,
    otherwise the value and the unit in the reader's language."""
    value, unit = (p.get("value"), p.get("unit", "")) if isinstance(p, Mapping) else (p.value, p.unit)
    if unit == "bool" or isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if unit in ("", "/1"):
        return str(value)
    return f"{value} {translate_text(unit)}"


@register.filter
def award_label(award: Any) -> str:
    """What an award is, in the reader's language: the formula's label, or for income continued during
    treatment, who continues it and for how many months."""
    if award.item == "wage_continuation":
        from socsec.web.templatetags.claim_tags import payer

        months = award.explanation.get("amount", {}).get("months", "")
        return gettext("Income during treatment, continued by %(payer)s: %(months)s months") % {
            "payer": payer(award.payer),
            "months": months,
        }
    return translate_text(award.label)


@register.filter(name="claim_text")
def claim_text_filter(text: str) -> str:
    """What the benefits checks wrote on a claim, in the reader's language (``socsec.web.claim_texts``)."""
    return claim_text(text)


@register.filter
def legal_reference(reference: object) -> str:
    """A legal reference from the rules layer in the reader's language: laws by their names in it."""
    return translate_reference(reference)


@register.filter
def org_name(organisation: Organisation | None) -> str:
    """An organisation's name in the reader's language (its Chinese name where it registered one)."""
    from django.utils.translation import get_language

    if organisation is None:
        return ""
    zh = (get_language() or "").startswith("zh")
    return str(organisation.name_zh if zh and organisation.name_zh else organisation.name)


@register.filter
def region_name(region: Region | None) -> str:
    from django.utils.translation import get_language

    if region is None:
        return ""
    return str(region.name_zh if (get_language() or "").startswith("zh") else region.name)


@register.filter
def yuan(cents: int) -> str:
    return format_yuan(cents)


@register.filter
def yuan_exact(cents: float) -> str:
    """An exact amount in cents (to a millionth of a cent) as yuan, with at least two decimals:
    50000.0 -> '500.00'; 0.505 -> '0.00505'."""
    amount = (Decimal(repr(round(float(cents), 6))) / 100).normalize()
    exponent = amount.as_tuple().exponent  # an int for every finite amount
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return f"{amount:,f}"


@register.filter
def percent(ratio: float) -> str:
    """0.0005 -> '0.05%'."""
    value = (Decimal(repr(float(ratio))) * 100).normalize()
    return f"{value:f}%"


@register.filter
def scheme_label(code: str) -> str:
    """The English label of a scheme code (translate it with ``tr``)."""
    from socsec.rules.coverage import SCHEME_LABELS, Scheme

    return SCHEME_LABELS.get(Scheme(code), code) if code in Scheme.__members__ else code


@register.filter
def intdiv(value: int, by: int) -> int:
    """Whole division, e.g. months to completed years."""
    return int(value) // int(by)


@register.filter
def intmod(value: int, by: int) -> int:
    """What is left after whole division, e.g. the months beyond the completed years."""
    return int(value) % int(by)


@register.simple_tag(takes_context=True)
def person_name(context: template.Context, person: Person) -> str:
    """A person's name as the reader may see it: masked for supervisors and auditors
    (``socsec.core.masking``); a platform sees the name it declared (``registry.selectors.as_declared``)."""
    p = principal_of(context["request"])
    if p.own_organisation is not None:
        person = as_declared([person], p.own_organisation)[0]
    return person_disclosure(p, person.pk).name(person.name)


@register.filter
def audit_action(action: str) -> str:
    """An audit action in words ("benefit.award.suspend" -> "Award suspended")."""
    return action_label(action)


@register.filter
def year_month(month: str) -> str:
    """'2026-11' as the language writes a month: '2026年11月', 'November 2026'."""
    from socsec.web.ledger_text import month_text

    return month_text(str(month))


@register.filter
def region_of_code(code: str) -> str:
    """A region by its code ('110000'), named in the reader's language ('北京市', 'Beijing')."""
    from socsec.web.ledger_text import Names

    return Names(regions=[str(code)]).region(code)


@register.filter
def organisation_of_code(code: str) -> str:
    """An organisation by its code ('ridego'), named in the reader's language."""
    from socsec.web.ledger_text import Names

    return Names(organisations=[str(code)]).organisation(code)


@register.filter
def actor(label: str) -> str:
    """Who acted (an audit entry's or a claim event's actor) in words: 'token:ridego:ab12' -> 'RideGo (API
    token ab12)', 'system' -> 'System', the automated checks, the payment run, the command line... in the
    reader's language; a person ('user:alice', or a name recorded bare) by their name, marked as a name (a
    name is not translated)."""
    from socsec.audit.actions import SYSTEM_ACTORS, actor_text
    from socsec.web.claim_texts import SENTENCES, claim_text
    from socsec.web.ledger_text import Names

    kind, _sep, rest = label.partition(":")
    if kind == "user":
        return format_html('<span class="name">{}</span>', rest)
    if any(label == s.stored for s in SENTENCES):  # a claim event's "automated checks"
        return claim_text(label)
    if kind == "token":
        code = rest.partition(":")[0]
        return actor_text(label, Names(organisations=[code]).organisation(code) if code else None)
    if kind in SYSTEM_ACTORS or label.startswith("system"):
        return actor_text(label)
    return format_html('<span class="name">{}</span>', label)
