"""Who may do what: the predicates of the one policy for the API and the pages. The API endpoints and
pages apply them through ``socsec.accounts.access``.

A ``Principal`` is whoever is acting: a logged-in user (worker, officer, supervisor, auditor, or a
platform's staff user) or an organisation's API token (role platform)."""

from __future__ import annotations

from dataclasses import dataclass

from socsec.audit.services import Actor
from socsec.core.masking import Disclosure, disclosure
from socsec.registry.models import Engagement, Organisation, Person
from socsec.registry.selectors import person_is_engaged_with

from .models import ApiToken, Role, User

STAFF_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.AUDITOR)
REGISTRY_WRITERS = (Role.OFFICER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Principal:
    role: Role
    actor: Actor
    user: User | None = None
    organisation: Organisation | None = None
    person_id: int | None = None

    @classmethod
    def of_user(cls, user: User) -> Principal:
        return cls(
            role=Role(user.role),
            actor=Actor(
                label=f"user:{user.username}",
                user_id=user.pk,
                organisation_id=user.organisation_id if user.role == Role.PLATFORM else None,
            ),
            user=user,
            organisation=user.organisation if user.role == Role.PLATFORM else None,
            person_id=user.person_id if user.role == Role.WORKER else None,
        )

    @classmethod
    def of_token(cls, token: ApiToken) -> Principal:
        return cls(
            role=Role.PLATFORM,
            actor=Actor(
                label=f"token:{token.organisation.code}:{token.prefix}",
                token_id=token.pk,
                organisation_id=token.organisation_id,
            ),
            organisation=token.organisation,
        )

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def own_organisation(self) -> Organisation | None:
        """The platform a platform's user or token acts for, whose own records it is limited to; None
        for everyone else."""
        return self.organisation if self.role == Role.PLATFORM else None


def may_view_person(p: Principal, person: Person) -> bool:
    if p.is_staff:
        return True
    if p.role == Role.WORKER:
        return p.person_id == person.pk
    if p.role == Role.PLATFORM and p.organisation is not None:
        return person_is_engaged_with(person=person, organisation=p.organisation)
    return False


def may_view_engagement(p: Principal, engagement: Engagement) -> bool:
    """Staff see every engagement; an organisation its own; a worker theirs."""
    if p.is_staff:
        return True
    if p.role == Role.WORKER:
        return p.person_id == engagement.person_id
    return p.organisation is not None and p.organisation.pk == engagement.organisation_id


def may_view_organisation(p: Principal, organisation: Organisation) -> bool:
    """Staff see every organisation and what it reported; an organisation sees itself."""
    return p.is_staff or (p.organisation is not None and p.organisation.pk == organisation.pk)


def may_view_coverage(p: Principal, person: Person) -> bool:
    """A platform sees its workers' engagements, not their coverage (which reveals other work)."""
    return p.is_staff or (p.role == Role.WORKER and p.person_id == person.pk)


def may_write_registry(p: Principal) -> bool:
    return p.role in REGISTRY_WRITERS


def may_register_workers(p: Principal) -> bool:
    return p.role in REGISTRY_WRITERS or p.role == Role.PLATFORM


def may_view_platform_account(p: Principal, organisation: Organisation) -> bool:
    """Staff see every platform's account with the agency; a platform sees its own."""
    return p.is_staff or (p.role == Role.PLATFORM and p.organisation == organisation)


def may_manage_tokens(p: Principal) -> bool:
    """Issuing, rotating and revoking organisations' API tokens: officers and supervisors."""
    return p.role in REGISTRY_WRITERS


def may_manage_activations(p: Principal) -> bool:
    return p.role == Role.SUPERVISOR


def may_view_audit(p: Principal) -> bool:
    return p.role in (Role.AUDITOR, Role.SUPERVISOR)


def may_credit_interest(p: Principal) -> bool:
    """Crediting a year's interest to individual accounts moves fund money: an officer's task."""
    return p.role == Role.OFFICER


def may_view_service_quality(p: Principal) -> bool:
    """The services' processing times and ratings against their limits: the supervisor."""
    return p.role == Role.SUPERVISOR


def may_view_projections(p: Principal) -> bool:
    """Actuarial projections and policy scenarios: the supervisor (actuary, policy maker)."""
    return p.role == Role.SUPERVISOR


def may_supervise_funds(p: Principal) -> bool:
    """The fund dashboard, its thresholds and alerts, and the coverage statistics: the supervisor."""
    return p.role == Role.SUPERVISOR


def may_decide_claims(p: Principal) -> bool:
    """Officers and supervisors decide, assess and award benefit claims."""
    return p.role in REGISTRY_WRITERS


def may_report_claims(p: Principal) -> bool:
    """A worker (for themself), officers and supervisors, and a platform or employer (for its workers)."""
    return p.person_id is not None or may_decide_claims(p) or p.organisation is not None


def may_view_claim(p: Principal, claim_person_id: int, claim_organisation_id: int | None) -> bool:
    """Staff see every claim; a worker their own; a platform or employer the claims on work done through it."""
    if p.is_staff:
        return True
    if p.role == Role.WORKER:
        return p.person_id == claim_person_id
    return p.organisation is not None and p.organisation.pk == claim_organisation_id


def may_confirm_payments(p: Principal) -> bool:
    """Officers and supervisors confirm, approve or reject the payments platforms declared."""
    return p.role in REGISTRY_WRITERS


def may_run_month_jobs(p: Principal) -> bool:
    """Officers and supervisors start the month's assessment and pay run."""
    return p.role in REGISTRY_WRITERS


def may_decide_engagement_ends(p: Principal) -> bool:
    """Officers and supervisors set an engagement's end beyond what a platform may, with a reason."""
    return p.role in REGISTRY_WRITERS


def person_disclosure(p: Principal, person_id: int, *, listing: bool = False) -> Disclosure:
    """How much of a person's resident ID and name ``p`` is shown on pages and in API answers (the
    policy is ``socsec.core.masking.disclosure``; ``listing``: in a list of persons)."""
    return disclosure(p.role, own=p.person_id is not None and p.person_id == person_id, listing=listing)


def may_run_campaigns(p: Principal) -> bool:
    """Targeted publicity: officers and supervisors pick a segment, send a campaign and see what came of it."""
    return p.role in REGISTRY_WRITERS
