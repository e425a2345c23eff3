"""Claim words for the pages: kinds, states (as badges and in plain words), payers."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from socsec.accounts.access import principal_of
from socsec.benefits.models import Award
from socsec.core.masking import dependant_disclosure
from socsec.registry.models import Organisation

register = template.Library()

KIND_LABELS = {
    "OCCUPATIONAL_INJURY": _("Injury at platform work"),
    "WORK_INJURY": _("Injury at work (employees)"),
    "PENSION": _("Old-age pension"),
    "UNEMPLOYMENT": _("Unemployment benefit"),
    "LONG_TERM_CARE": _("Long-term care"),
    "SKILL_SUBSIDY": _("Skill-upgrading subsidy"),
}
STATUS_LABELS = {
    "SUBMITTED": _("Submitted"),
    "GATHERING_EVIDENCE": _("Being checked"),
    "ACCEPTED": _("Accepted"),
    "REJECTED": _("Rejected"),
    "ASSESSED": _("Assessed"),
    "AWARDED": _("Awarded"),
    "PAID": _("Paid"),
    "UNDER_REVIEW": _("Under review"),
    "WAITING_FOR_CLAIMANT": _("Waiting for the claimant's information"),
    "WITHDRAWN": _("Withdrawn"),
}
STATUS_PLAIN = {
    "SUBMITTED": _("We received the claim."),
    "GATHERING_EVIDENCE": _("An officer is checking the facts."),
    "ACCEPTED": _("The claim was accepted."),
    "REJECTED": _("The claim was rejected."),
    "ASSESSED": _("The amounts were worked out and wait for approval."),
    "AWARDED": _("The benefits were awarded."),
    "PAID": _("The benefits were paid."),
    "UNDER_REVIEW": _("The decision is being reviewed after an appeal."),
    "WAITING_FOR_CLAIMANT": _("An officer asked for more information; the claim waits for your answer."),
    "WITHDRAWN": _("The claim was withdrawn."),
}
STATUS_CLASS = {
    "ACCEPTED": "mandatory",
    "AWARDED": "mandatory",
    "PAID": "mandatory",
    "REJECTED": "covered-elsewhere",
    "WITHDRAWN": "not-eligible",
}
PAYER_LABELS = {
    "FUND": _("the scheme's fund"),
    "PLATFORM": _("the platform"),
    "EMPLOYER": _("the employer"),
}


@register.filter
def claim_kind(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


@register.filter
def claim_status(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


@register.filter
def claim_status_plain(code: str) -> str:
    return str(STATUS_PLAIN.get(code, code))


@register.filter
def claim_status_class(code: str) -> str:
    return STATUS_CLASS.get(code, "voluntary")


@register.filter
def payer(code: str) -> str:
    return str(PAYER_LABELS.get(code, code))


@register.filter
def absolute(number: int) -> int:
    return abs(number)


@register.simple_tag(takes_context=True)
def beneficiary_name(context: template.Context, award: Award) -> str:
    """An award's beneficiary (a dependant) as the reader may see them: in full to the claimant and to
    officers, masked for everyone else (``socsec.core.masking.dependant_disclosure``)."""
    p = principal_of(context["request"])
    own = p.person_id is not None and p.person_id == award.claim.person_id
    return dependant_disclosure(p.role, own=own).name(award.beneficiary)


@register.filter
def org_name(org: Organisation) -> str:
    """An organisation's name in the reader's language where it has one (``ledger_text.organisation_name``)."""
    from socsec.web.ledger_text import organisation_name

    return organisation_name(org)


@register.filter
def mismatch(text: str) -> str:
    """How a bank line differs from a declared payment, in the reader's language."""
    from socsec.web.ledger_text import mismatch_text

    return mismatch_text(text)
