"""The notifications' pages: every role's inbox (with the unread count on every page), the channels a
person chooses, and the officers' outbox with each message's state and a resend of a flagged one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.models import Role, User
from socsec.core.errors import DomainError
from socsec.notifications.events import EVENTS
from socsec.notifications.models import Channel, Delivery
from socsec.notifications.recipients import keys_of
from socsec.notifications.selectors import (
    contact_of,
    inbox,
    inbox_texts,
    inbox_unread_count,
    outbox,
    outbox_counts,
)
from socsec.notifications.services import contact_set, delivery_retry, inbox_mark_read

from .common import refusal_message
from .paging import page_of


def inbox_unread(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the unread count the header shows, for a logged-in reader."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"inbox_unread": inbox_unread_count(keys=keys_of(user))}


def _account(request: HttpRequest) -> User:
    user = request.user
    require(isinstance(user, User), "log in to read your messages")
    assert isinstance(user, User)
    return user


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The reader's messages, newest first; opening one (or all) marks it read."""
    keys = keys_of(_account(request))
    if request.method == "POST":
        raw = request.POST.get("delivery", "")
        inbox_mark_read(keys=keys, delivery_id=int(raw) if raw.isdigit() else None)
        return redirect("web:inbox")
    page = page_of(request, inbox(keys=keys), size=20)
    messages_shown = inbox_texts(page.items, get_language() or settings.LANGUAGE_CODE)
    return render(request, "web/inbox.html", {"page": page, "shown": messages_shown})


class ContactForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of the messages"), choices=settings.LANGUAGES)
    email = forms.CharField(label=gettext_lazy("Email address"), required=False, max_length=254)
    phone = forms.CharField(label=gettext_lazy("Mobile number (+86...)"), required=False, max_length=32)
    email_on = forms.BooleanField(label=gettext_lazy("Also by email"), required=False)
    sms_on = forms.BooleanField(label=gettext_lazy("Also by text message"), required=False)
    muted = forms.MultipleChoiceField(
        label=gettext_lazy("Do not tell me of"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, event.label) for name, event in EVENTS.items() if not event.required],
    )


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The reader's channels and language; the notices the law requires are listed, always on."""
    account = _account(request)
    recipient = keys_of(account)[0]
    contact = contact_of(recipient=recipient)
    initial = {"language": request.LANGUAGE_CODE or settings.LANGUAGE_CODE}
    if contact is not None:
        initial = {f: getattr(contact, f) for f in ("language", "email", "phone", "email_on", "sms_on", "muted")}
    form = ContactForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contact_set(actor=principal_of(request).actor, recipient=recipient, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, refusal_message(exc))
                status = exc.status
            else:
                messages.success(request, _("Your choices are saved."))
                return redirect("web:notification_preferences")
        else:
            status = 422
    required = sorted({str(e.label) for e in EVENTS.values() if e.required})
    return render(request, "web/notification_preferences.html", {"form": form, "required": required}, status=status)


@login_required
def officer_outbox(request: HttpRequest) -> HttpResponse:
    """Every message and its state (by state and channel); an officer sends a flagged one again."""
    p = principal_of(request)
    require_staff(p)
    if request.method == "POST":
        require(p.role in (Role.OFFICER, Role.SUPERVISOR), "only an officer sends a message again")
        raw = request.POST.get("delivery", "")
        try:
            delivery_retry(actor=p.actor, delivery_id=int(raw) if raw.isdigit() else 0)
        except DomainError as exc:
            messages.error(request, refusal_message(exc))
        else:
            messages.success(request, _("The message waits to be sent again."))
        return redirect(request.get_full_path())
    state = request.GET.get("state", "")
    channel = request.GET.get("channel", "")
    state = state if state in Delivery.State.values else ""
    channel = channel if channel in Channel.values else ""
    counts = outbox_counts()
    table = [(label, [counts.get((c, s), 0) for s in Delivery.State.values]) for c, label in Channel.choices]
    context = {
        "page": page_of(request, outbox(state=state, channel=channel)),
        "states": Delivery.State.choices,
        "channels": Channel.choices,
        "state": state,
        "channel": channel,
        "table": table,
        "events": {name: e.label for name, e in EVENTS.items()},
    }
    return render(request, "web/officer_outbox.html", context)
