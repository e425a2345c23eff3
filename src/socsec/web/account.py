"""The pages of one's own access: the second factor (enrol a TOTP device, verify a code after logging in)
and the officers' page of organisations' API tokens (issue, rotate, revoke; a new key is shown once)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socsec.accounts import second_factor
from socsec.accounts.access import principal_of, require
from socsec.accounts.errors import AccountErrorCode
from socsec.accounts.models import ApiToken, Scope, User
from socsec.accounts.permissions import may_manage_tokens
from socsec.accounts.tokens import token_get, token_issue, token_list, token_revoke, token_rotate
from socsec.core.errors import DomainError
from socsec.registry import selectors

from .common import refusal_message


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """A staff user without a confirmed device gets one here: the secret as text and as an otpauth URI."""
    user = _user(request)
    if not second_factor.needs_second_factor(user) or second_factor.confirmed_device(user) is not None:
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        if second_factor.device_confirm(request=request, user=user, code=request.POST.get("code", "")):
            return redirect(_next(request))
        error = _("That code is not the current one of the new device. Try the next code.")
    device = second_factor.pending_device(user) or second_factor.device_start(
        actor=principal_of(request).actor, user=user
    )
    context = {
        "otpauth_uri": device.config_url,
        "secret": second_factor.device_secret(device),
        "error": error,
        "next": _next(request),
    }
    return render(request, "web/otp_enrol.html", context, status=400 if error else 200)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not second_factor.needs_second_factor(user):
        return redirect(_next(request))
    if second_factor.confirmed_device(user) is None:
        return redirect(f"{reverse('web:otp_enrol')}?{urlencode({'next': _next(request)})}")
    error = None
    if request.method == "POST":
        if second_factor.device_verify(request=request, user=user, code=request.POST.get("code", "")):
            return redirect(_next(request))
        error = _("That code is not valid. Enter the current 6-digit code from your authenticator app.")
    return render(
        request, "web/otp_verify.html", {"error": error, "next": _next(request)}, status=400 if error else 200
    )


def _tokens_page(
    request: HttpRequest,
    *,
    new_key: str | None = None,
    new_token: ApiToken | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "tokens": token_list(),
        "organisations": list(selectors.organisations().order_by("code")),
        "scopes": Scope.choices,
        "new_key": new_key,
        "new_token": new_token,
        "error": error,
    }
    response = render(request, "web/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # a new key is on it
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    require(may_manage_tokens(p), "only officers and supervisors manage API tokens")
    if request.method != "POST":
        return _tokens_page(request)
    try:
        organisation = selectors.organisation_get(code=request.POST.get("organisation", ""))
        days_raw = request.POST.get("days", "").strip()
        token, key = token_issue(
            actor=p.actor,
            organisation=organisation,
            name=request.POST.get("name", ""),
            scopes=request.POST.getlist("scopes"),
            days=int(days_raw) if days_raw.isdigit() else None,
        )
    except DomainError as exc:
        return _tokens_page(request, error=refusal_message(exc), status=400)
    return _tokens_page(request, new_key=key, new_token=token)


@login_required
@require_POST
def token_rotate_page(request: HttpRequest, token_id: int) -> HttpResponse:
    p = principal_of(request)
    require(may_manage_tokens(p), "only officers and supervisors manage API tokens")
    try:
        token, key = token_rotate(actor=p.actor, token=token_get(token_id=token_id))
    except DomainError as exc:
        return _tokens_page(request, error=refusal_message(exc), status=409)
    return _tokens_page(request, new_key=key, new_token=token)


@login_required
@require_POST
def token_revoke_page(request: HttpRequest, token_id: int) -> HttpResponse:
    p = principal_of(request)
    require(may_manage_tokens(p), "only officers and supervisors manage API tokens")
    try:
        token_revoke(actor=p.actor, token=token_get(token_id=token_id))
    except DomainError as exc:
        return _tokens_page(request, error=refusal_message(exc), status=409)
    return redirect("web:tokens")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, object] | None = None
) -> HttpResponse:
    """django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``): a page in the reader's
    language, or JSON for a script, with status 429 and ``Retry-After``."""
    minutes = settings.LOGIN_COOLOFF_MINUTES
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "code": AccountErrorCode.LOCKED_OUT.value,
                "message": f"Too many failed logins: try again in {minutes} minutes.",
                "details": {"retry_after": minutes * 60},
            },
            status=429,
        )
    else:
        response = render(request, "web/locked_out.html", {"cooloff_minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
