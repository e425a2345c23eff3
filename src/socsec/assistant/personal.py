"""Answers from the asking person's own records, through the selectors the portal pages use: coverage with
its reasons, contribution months on record, claims and their state, payments, and the benefit the rules
would compute on their own base. Only the asker's records are ever read here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import translation

from socsec.benefits.models import BenefitPayment
from socsec.benefits.selectors import claims_of, pension_estimate
from socsec.contributions.statements import contribution_record
from socsec.coverage.selectors import coverage_for
from socsec.registry.models import Person
from socsec.rules.coverage import Scheme, Status
from socsec.rules.texts import N_

from .answering.answers import Answer, Line, Outcome, Source, SourceKind
from .answering.policy import formula, parameter, yuan
from .answering.reading import Reading

STATUS_WORDS = {
    Status.MANDATORY: N_("covered (mandatory)"),
    Status.VOLUNTARY: N_("open to you (voluntary)"),
    Status.NOT_ELIGIBLE: N_("not covered"),
    Status.COVERED_ELSEWHERE: N_("covered elsewhere"),
}
COVERED = (Status.MANDATORY, Status.COVERED_ELSEWHERE)


def _record(answer: Answer, key: str, day: dt.date | None = None, value: str = "") -> None:
    answer.cite(Source(SourceKind.RECORD, key, "", day.isoformat() if day else "", value))


def my_coverage(person: Person, r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    coverage = coverage_for(person, on)
    for s in coverage.schemes:
        a.lines.append(
            Line(
                N_("%(scheme)s: %(status)s. %(reason)s"),
                {"scheme": s.label, "status": STATUS_WORDS[s.status], "reason": s.reason.text},
                ("scheme", "status", "reason"),
            )
        )
        a.cite(
            Source(SourceKind.RECORD, f"coverage:{s.scheme.value}", s.reason.reference, on.isoformat(), s.status.name)
        )
    return a


def my_pension_gap(person: Person, r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    e = pension_estimate(person=person, today=on)
    minimum = parameter(a, "benefits.pension.minimum_contribution_months", e.retirement_date).as_int()
    _record(a, f"pension_months:{person.pk}", on, str(e.months_on_record))
    needed = max(0, minimum - e.months_on_record)
    a.lines.append(
        Line(
            N_("Your record shows %(months)s months of employee-pension contributions up to %(day)s."),
            {"months": e.months_on_record, "day": on.isoformat()},
        )
    )
    a.lines.append(
        Line(
            N_("Retiring on %(retire)s, you need at least %(minimum)s months: %(needed)s more months."),
            {"retire": e.retirement_date.isoformat(), "minimum": minimum, "needed": needed},
        )
    )
    return a


def my_claims(person: Person, r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    claims = list(claims_of(person_id=person.pk).order_by("-event_date", "-id")[:10])
    with translation.override("en"):  # the labels' msgids: the answer translates them into its language
        words = {c.pk: (str(c.Kind(c.kind).label), str(c.Status(c.status).label)) for c in claims}
    if not claims:
        a.lines.append(Line(N_("You have no claims on record.")))
        _record(a, f"claims:{person.pk}", on, "0")
    for c in claims:
        a.lines.append(
            Line(
                N_("Claim %(claim)s (%(kind)s, %(day)s): %(status)s."),
                {
                    "claim": c.pk,
                    "kind": words[c.pk][0],
                    "day": c.event_date.isoformat(),
                    "status": words[c.pk][1],
                },
                ("kind", "status"),
            )
        )
        _record(a, f"claim:{c.pk}", c.event_date, c.status)
    return a


def my_payments(person: Person, r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    payments = list(
        BenefitPayment.objects.filter(award__claim__person=person)
        .select_related("award", "award__claim")
        .order_by("-month", "-id")[:10]
    )
    if not payments:
        a.lines.append(Line(N_("No benefit has been paid to you yet.")))
        _record(a, f"payments:{person.pk}", on, "0")
    for p in payments:
        a.lines.append(
            Line(
                N_("%(amount)s yuan for %(month)s on claim %(claim)s (%(item)s)."),
                {"amount": yuan(p.amount_cents), "month": p.month, "claim": p.award.claim_id, "item": p.award.label},
                ("item",),
            )
        )
        _record(a, f"payment:{p.pk}", None, p.month)
    return a


def my_contributions(person: Person, r: Reading, on: dt.date) -> Answer:
    a = Answer(r.intent, Outcome.ANSWERED)
    lines = [line for line in contribution_record(person_id=person.pk) if line.covered]
    oip = sorted({line.month for line in lines if line.scheme == "OIP"})
    own = sorted({line.month for line in lines if line.scheme != "OIP"})
    a.lines.append(
        Line(
            N_(
                "Your record shows %(oip)s months of occupational injury protection paid by platforms and "
                "%(own)s months of your own or subsidised contributions."
            ),
            {"oip": len(oip), "own": len(own)},
        )
    )
    if oip:
        a.lines.append(
            Line(N_("Platforms paid for your cover from %(first)s to %(last)s."), {"first": oip[0], "last": oip[-1]})
        )
        _record(a, f"oip_record:{person.pk}:{oip[-1]}", None, str(len(oip)))
    if own:
        _record(a, f"own_record:{person.pk}:{own[-1]}", None, str(len(own)))
    if not oip and not own:
        _record(a, f"contribution_record:{person.pk}", on, "0")
    return a


def my_injury_estimate(person: Person, r: Reading, on: dt.date) -> Answer:
    """What the OIP rules would pay at the grade asked, on the person's own benefit base (the region of
    the platform work that covers them)."""
    a = Answer(r.intent, Outcome.ANSWERED)
    oip = coverage_for(person, on).scheme(Scheme.OIP)
    covered = [e for e in oip.engagements if e.reason.status in COVERED]
    if not covered:
        a.lines.append(
            Line(
                N_("You are not covered by occupational injury protection today: %(reason)s"),
                {"reason": oip.reason.text},
                ("reason",),
            )
        )
        a.cite(Source(SourceKind.RECORD, "coverage:OIP", oip.reason.reference, on.isoformat(), oip.status.name))
        return a
    engagement = covered[0].engagement
    region = engagement.work_region.code
    _record(a, f"engagement:{engagement.pk}", engagement.start_date, region)
    grade = r.grade or 0
    base = formula(a, "oip_benefit_base", on, region=region)
    grant = formula(a, "oip_disability_grant", on, region=region, grade=grade)
    months = parameter(a, f"benefits.oip.disability_grant_months.{grade}", on).as_int()
    a.lines.append(
        Line(
            N_(
                "At grade %(grade)s the lump-sum disability grant would be %(amount)s yuan: %(months)s months "
                "of your benefit base of %(base)s yuan (region %(region)s, on %(day)s)."
            ),
            {
                "grade": grade,
                "amount": yuan(grant),
                "months": months,
                "base": yuan(base),
                "region": region,
                "day": on.isoformat(),
            },
        )
    )
    if 1 <= grade <= 4:
        monthly = formula(a, "oip_disability_allowance_monthly", on, region=region, grade=grade)
        a.lines.append(
            Line(N_("You would also get a monthly disability allowance of %(amount)s yuan."), {"amount": yuan(monthly)})
        )
    elif grade in (5, 6):
        once = formula(a, "oip_one_off_allowance", on, region=region, grade=grade)
        a.lines.append(
            Line(N_("You would also get a one-off disability allowance of %(amount)s yuan."), {"amount": yuan(once)})
        )
    return a


PERSONAL: dict[str, Callable[[Person, Reading, dt.date], Answer]] = {
    "my_coverage": my_coverage,
    "my_pension_gap": my_pension_gap,
    "my_claims": my_claims,
    "my_payments": my_payments,
    "my_contributions": my_contributions,
    "my_injury_estimate": my_injury_estimate,
}
