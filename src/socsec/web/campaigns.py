"""Targeted publicity pages for officers and supervisors: the campaigns sent (``/officer/campaigns/``), a new
one with its segment's size shown as the filters change (htmx), and a campaign's conversion 30/60/90 days
on against its control group, as a table and a chart."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_run_campaigns
from socsec.campaigns.models import Campaign
from socsec.campaigns.results import MEASURES, Window, campaign_results
from socsec.campaigns.segments import SCHEMES, segment_parse, segment_size
from socsec.campaigns.services import (
    CONTROL_PERCENT_RANGE,
    NAME_MAX,
    SUBJECT_MAX,
    TEXT_MAX,
    campaign_check,
    campaign_send,
)
from socsec.core.errors import DomainError, ValidationFailed
from socsec.registry.models import Organisation, Person, Region
from socsec.rules.coverage import PILOT_SECTORS, SCHEME_LABELS, Category, Sector
from socsec.supervision.statistics import DEFAULT_THRESHOLD, check_threshold

from .common import error_text
from .paging import page_of
from .templatetags.socsec_tags import category_label, sector_label

EITHER = [("", gettext_lazy("Either")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
SEGMENT_FIELDS = (
    "province",
    "categories",
    "platform",
    "sectors",
    "age_from",
    "age_to",
    "sex",
    "ordered_last_month",
    "in_schemes",
    "not_in_schemes",
    "paid_own",
)
BOTH_LANGUAGES = gettext_lazy("Write the message in Chinese and in English.")


def _allowed(request: HttpRequest) -> Any:
    p = principal_of(request)
    require(may_run_campaigns(p), "only officers and supervisors run campaigns")
    return p


def _zh() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the campaign"), max_length=NAME_MAX)
    province = forms.ChoiceField(label=gettext_lazy("Works in province"), required=False)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Worker category"), required=False, widget=forms.CheckboxSelectMultiple
    )
    platform = forms.ChoiceField(label=gettext_lazy("Works for platform"), required=False)
    sectors = forms.MultipleChoiceField(
        label=gettext_lazy("Sector (* a pilot sector)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    age_from = forms.IntegerField(label=gettext_lazy("Aged from"), required=False, min_value=0, max_value=120)
    age_to = forms.IntegerField(label=gettext_lazy("Aged up to"), required=False, min_value=0, max_value=120)
    sex = forms.ChoiceField(label=gettext_lazy("Sex"), required=False)
    ordered_last_month = forms.ChoiceField(label=gettext_lazy("Took orders last month"), required=False, choices=EITHER)
    in_schemes = forms.MultipleChoiceField(
        label=gettext_lazy("In these schemes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    not_in_schemes = forms.MultipleChoiceField(
        label=gettext_lazy("Not in these schemes"), required=False, widget=forms.CheckboxSelectMultiple
    )
    paid_own = forms.ChoiceField(
        label=gettext_lazy("Paid an own contribution in the last 12 months"), required=False, choices=EITHER
    )
    control_percent = forms.IntegerField(
        label=gettext_lazy("Held back as a control group (per cent, 0 to 50)"),
        min_value=CONTROL_PERCENT_RANGE[0],
        max_value=CONTROL_PERCENT_RANGE[1],
        initial=10,
        error_messages={
            "min_value": gettext_lazy("The control group is 0 to 50 per cent of the segment."),
            "max_value": gettext_lazy("The control group is 0 to 50 per cent of the segment."),
            "invalid": gettext_lazy("The control group is 0 to 50 per cent of the segment."),
            "required": gettext_lazy("The control group is 0 to 50 per cent of the segment."),
        },
    )
    subject_zh = forms.CharField(
        label=gettext_lazy("Subject in Chinese"), max_length=SUBJECT_MAX, error_messages={"required": BOTH_LANGUAGES}
    )
    text_zh = forms.CharField(
        label=gettext_lazy("Message in Chinese"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": BOTH_LANGUAGES},
    )
    subject_en = forms.CharField(
        label=gettext_lazy("Subject in English"), max_length=SUBJECT_MAX, error_messages={"required": BOTH_LANGUAGES}
    )
    text_en = forms.CharField(
        label=gettext_lazy("Message in English"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": BOTH_LANGUAGES},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zh = _zh()
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")
        platforms = Organisation.objects.filter(kind=Organisation.Kind.PLATFORM).order_by("code")
        f = self.fields
        f["province"].choices = [("", _("Any"))] + [(r.code, r.name_zh if zh else r.name) for r in provinces]  # type: ignore[attr-defined]
        f["platform"].choices = [("", _("Any"))] + [  # type: ignore[attr-defined]
            (o.code, o.name_zh if zh and o.name_zh else o.name) for o in platforms
        ]
        f["categories"].choices = [(c.value, category_label(c.value)) for c in Category]  # type: ignore[attr-defined]
        pilot = {s.value for s in PILOT_SECTORS}
        f["sectors"].choices = [  # type: ignore[attr-defined]
            (s.value, sector_label(s.value) + (" *" if s.value in pilot else "")) for s in Sector
        ]
        f["sex"].choices = [("", _("Either")), *Person.Sex.choices]  # type: ignore[attr-defined]
        schemes = [(s.value, _(SCHEME_LABELS[s])) for s in SCHEMES]
        f["in_schemes"].choices = schemes  # type: ignore[attr-defined]
        f["not_in_schemes"].choices = schemes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_from"), data.get("age_to")
        if low is not None and high is not None and low > high:
            self.add_error("age_to", _("The highest age is below the lowest."))
        both = set(data.get("in_schemes") or ()) & set(data.get("not_in_schemes") or ())
        if both:
            self.add_error("not_in_schemes", _("A scheme cannot be both one they are in and one they are not."))
        return data


def _segment(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if data.get(k) is None else data[k]) for k in SEGMENT_FIELDS}


def _segment_only(form: CampaignForm) -> dict[str, Any] | None:
    """The filters of a form whose filter fields are valid (the message fields may not be yet)."""
    form.is_valid()
    if any(name in form.errors for name in SEGMENT_FIELDS):
        return None
    return _segment(form.cleaned_data)


@login_required
def campaigns_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    page = page_of(request, Campaign.objects.select_related("sent_by").order_by("-sent_at", "-id"))
    return render(request, "web/officer_campaigns.html", {"page": page})


@login_required
def campaign_preview(request: HttpRequest) -> HttpResponse:
    """The segment's size today for the filters as they stand (the new campaign page's htmx fragment)."""
    _allowed(request)
    form = CampaignForm(request.GET)
    filters = _segment_only(form)
    context: dict[str, Any] = {"error": "", "size": None}
    if filters is None:
        context["error"] = _("Correct the filters marked below to see the segment's size.")
    else:
        try:
            context["size"] = segment_size(segment_parse(filters), timezone.localdate())
        except ValidationFailed as exc:
            context["error"] = error_text(exc)
    percent = form.cleaned_data.get("control_percent") if hasattr(form, "cleaned_data") else None
    if context["size"] is not None and percent is not None:
        context["held"] = round(context["size"] * percent / 100)
        context["told"] = context["size"] - context["held"]
        context["percent"] = percent
    return render(request, "web/_campaign_preview.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    p = _allowed(request)
    error, status = "", 200
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                draft = campaign_check(
                    name=d["name"],
                    segment=_segment(d),
                    subject_en=d["subject_en"],
                    subject_zh=d["subject_zh"],
                    text_en=d["text_en"],
                    text_zh=d["text_zh"],
                    control_percent=d["control_percent"],
                )
                campaign = campaign_send(
                    actor=p.actor, draft=draft, idempotency_key=d["idempotency_key"], today=timezone.localdate()
                )
            except DomainError as exc:
                error, status = error_text(exc), exc.status
                if exc.field == "segment" and exc.code == "campaign_segment_empty":
                    error = _("No one is in this segment today: a campaign needs at least one person.")
                    status = 422
            else:
                return redirect("web:campaign_detail", campaign.pk)
        else:
            status = 422
    else:
        form = CampaignForm(initial={"idempotency_key": uuid.uuid4().hex, "control_percent": 10})
    context = {"form": form, "segment_fields": [form[name] for name in SEGMENT_FIELDS], "error": error}
    return render(request, "web/officer_campaign_new.html", context, status=status)


def _percent(value: Any) -> str:
    return "" if value is None else f"{value}%"


def _points(value: Any) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def _window_rows(windows: list[Window]) -> list[dict[str, Any]]:
    names = {"joined": _("Joined a scheme"), "paid": _("Paid an own contribution")}
    rows = []
    for w in windows:
        for m in MEASURES:
            rows.append(
                {
                    "days": w.days,
                    "last": w.last,
                    "complete": w.complete,
                    "measure": names[m],
                    "treated": getattr(w.treated, m),
                    "treated_rate": _percent(w.treated.rate(m)),
                    "control": getattr(w.control, m),
                    "control_rate": _percent(w.control.rate(m)),
                    "difference": _points(w.difference(m)),
                }
            )
    return rows


def _chart(windows: list[Window]) -> dict[str, Any]:
    def series(group: str, measure: str) -> list[float | None]:
        rates = [getattr(w, group).rate(measure) for w in windows]
        return [None if r is None else float(r) for r in rates]

    return {
        "years": [_("%(days)s days") % {"days": w.days} for w in windows],
        "charts": [
            {
                "id": "chart-campaign-conversion",
                "kind": "lines",
                "xtype": "category",
                "title": _("Share of each group who joined or paid, by days since the campaign"),
                "x": _("Days since sending"),
                "y": _("Per cent of the group"),
                "format": ".1f",
                "traces": [
                    {"name": _("Told: joined a scheme"), "y": series("treated", "joined")},
                    {"name": _("Control: joined a scheme"), "y": series("control", "joined")},
                    {"name": _("Told: paid"), "y": series("treated", "paid")},
                    {"name": _("Control: paid"), "y": series("control", "paid")},
                ],
            }
        ],
    }


def segment_words(segment: dict[str, Any]) -> list[str]:
    """The campaign's filters as the officer would say them."""
    zh = _zh()
    out = []
    if segment.get("province"):
        region = Region.objects.filter(code=segment["province"]).first()
        out.append(_("works in %(place)s") % {"place": (region.name_zh if zh else region.name) if region else ""})
    if segment.get("categories"):
        out.append(", ".join(category_label(c) for c in segment["categories"]))
    if segment.get("platform"):
        org = Organisation.objects.filter(code=segment["platform"]).first()
        name = (org.name_zh if zh and org.name_zh else org.name) if org else segment["platform"]
        out.append(_("works for %(platform)s") % {"platform": name})
    if segment.get("sectors"):
        out.append(", ".join(sector_label(s) for s in segment["sectors"]))
    if segment.get("age_from") not in (None, ""):
        out.append(_("aged %(age)s or more") % {"age": segment["age_from"]})
    if segment.get("age_to") not in (None, ""):
        out.append(_("aged %(age)s or less") % {"age": segment["age_to"]})
    if segment.get("sex"):
        out.append(str(dict(Person.Sex.choices).get(segment["sex"], segment["sex"])))
    yes_no = {True: _("took orders last month"), False: _("took no orders last month")}
    if segment.get("ordered_last_month") is not None:
        out.append(yes_no[segment["ordered_last_month"]])
    for s in segment.get("in_schemes") or ():
        out.append(_("in %(scheme)s") % {"scheme": _(SCHEME_LABELS[next(x for x in SCHEMES if x.value == s)])})
    for s in segment.get("not_in_schemes") or ():
        out.append(_("not in %(scheme)s") % {"scheme": _(SCHEME_LABELS[next(x for x in SCHEMES if x.value == s)])})
    paid = {
        True: _("paid an own contribution in the last 12 months"),
        False: _("paid no own contribution in 12 months"),
    }
    if segment.get("paid_own") is not None:
        out.append(paid[segment["paid_own"]])
    return out or [_("everyone with work in force")]


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _allowed(request)
    campaign = Campaign.objects.filter(pk=campaign_id).select_related("sent_by").first()
    if campaign is None:
        raise Http404
    error, status = "", 200
    try:
        threshold = check_threshold(request.GET.get("threshold"))
    except ValidationFailed as exc:
        threshold, error, status = DEFAULT_THRESHOLD, error_text(exc), 422
    windows = campaign_results(campaign, today=timezone.localdate(), threshold=threshold)
    context = {
        "campaign": campaign,
        "words": segment_words(campaign.segment),
        "rows": _window_rows(windows),
        "chart_data": _chart(windows),
        "threshold": threshold,
        "error": error,
    }
    return render(request, "web/officer_campaign.html", context, status=status)
