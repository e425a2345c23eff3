"""The access layer: who is asking, and what they may reach. Every API endpoint and page goes through it.

- ``principal_of(request)`` is the one way to get the ``Principal`` of a request, for the API (a token
  or a session, authenticated by ``socsec.api.base``) and for the pages (the session user).
- ``require_*`` are the role checks. They refuse with ``Forbidden`` (403) and the caller's message: the
  answer does not depend on any object, so it reveals nothing.
- ``access_*`` fetch an object and authorise it in one step (Zulip's ``access_stream_by_id``). An object
  the principal may not see fails exactly as an absent one, with the same ``NotFound`` (404) and the same
  message, so an id reveals nothing either. A role that may see no object of the kind at all is refused
  (403) before anything is fetched.

The rules themselves are the predicates in ``socsec.accounts.permissions``."""

from __future__ import annotations

from django.http import HttpRequest

from socsec.benefits.models import Claim
from socsec.benefits.selectors import claim_get
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.selectors import batch_get
from socsec.core.errors import Forbidden, NotFound, ValidationFailed
from socsec.registry import selectors
from socsec.registry.models import Engagement, Organisation, Person

from .errors import AccountErrorCode
from .models import Role, User
from .permissions import (
    STAFF_ROLES,
    Principal,
    may_report_claims,
    may_view_claim,
    may_view_coverage,
    may_view_engagement,
    may_view_organisation,
    may_view_person,
    may_view_platform_account,
)


def principal_of(request: HttpRequest) -> Principal:
    """Whoever is acting: the principal the API's authentication put on the request, else the logged-in
    user of a page."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, Principal):
        return auth
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return Principal.of_user(user)
    raise Forbidden("log in first")


# --- role checks (403) ------------------------------------------------------------------------------------


def require(allowed: bool, message: str) -> None:
    """Refuse unless a permission predicate allows: ``require(may_view_audit(p), "only auditors ...")``."""
    if not allowed:
        raise Forbidden(message)


def require_role(p: Principal, *roles: Role, message: str) -> None:
    require(p.role in roles, message)


def require_staff(p: Principal, message: str = "only agency staff may do this") -> None:
    require_role(p, *STAFF_ROLES, message=message)


def require_worker(p: Principal, message: str = "only a worker may do this") -> int:
    """The worker's own person id."""
    if p.person_id is None:
        raise Forbidden(message)
    return p.person_id


def require_platform(p: Principal, message: str = "only a platform may do this") -> Organisation:
    """The platform's own organisation."""
    if p.role != Role.PLATFORM or p.organisation is None:
        raise Forbidden(message)
    return p.organisation


def require_staff_or_platform(p: Principal, message: str) -> Organisation | None:
    """The organisation the caller's reading is limited to: none for staff (they see every one), the
    platform's own for a platform. Anyone else is refused."""
    if p.is_staff:
        return None
    return require_platform(p, message)


def acting_organisation(p: Principal, code: str | None) -> Organisation:
    """The organisation a registration is made for: a platform acts only for itself (naming another is
    refused, whether it exists or not); staff name the organisation."""
    if p.role == Role.PLATFORM:
        own = require_platform(p, "an organisation may only register engagements with itself")
        if code and code != own.code:
            raise Forbidden(
                "an organisation may only register engagements with itself",
                field="organisation",
                code=AccountErrorCode.OTHER_ORGANISATION,
            )
        return own
    if not code:
        raise ValidationFailed("organisation: is required.", field="organisation")
    return selectors.organisation_get(code=code)


# --- objects: fetched and authorised in one step (absent and not visible are the same 404) ----------------


def access_person(p: Principal, person_id: int) -> Person:
    person = selectors.person_get(person_id=person_id)
    if not may_view_person(p, person):
        raise NotFound("no person with id %(person_id)s", field="person_id", params={"person_id": person_id})
    return person


def access_person_shown(p: Principal, person_id: int) -> Person:
    """``access_person``, the person as ``p`` is shown them: to a platform as it declared them
    (``selectors.as_declared``), read with the check that it engages them in one query."""
    own = p.own_organisation
    if own is None:
        return access_person(p, person_id)
    return selectors.person_as_declared(person_id=person_id, organisation=own)


def access_person_coverage(p: Principal, person_id: int) -> Person:
    """The person whose coverage is read. A platform sees nobody's coverage (it would reveal other work)."""
    require_role(p, Role.WORKER, *STAFF_ROLES, message="you may not see this person's coverage")
    person = selectors.person_get(person_id=person_id)
    if not may_view_coverage(p, person):
        raise NotFound("no person with id %(person_id)s", field="person_id", params={"person_id": person_id})
    return person


def access_organisation(p: Principal, code: str) -> Organisation:
    """Staff read every organisation; an organisation reads itself; a worker none."""
    require_staff_or_platform(p, "you may only read your own organisation")
    organisation = selectors.organisation_get(code=code)
    if not may_view_organisation(p, organisation):
        raise NotFound("no organisation with code %(code)r", field="organisation", params={"code": code})
    return organisation


def access_platform_account(p: Principal, code: str) -> Organisation:
    """The platform whose account with the agency is read: staff every one, a platform its own."""
    require_staff_or_platform(p, "a platform sees only its own account")
    organisation = selectors.organisation_get(code=code)
    if not may_view_platform_account(p, organisation):
        raise NotFound("no organisation with code %(code)r", field="organisation", params={"code": code})
    return organisation


def access_engagement(p: Principal, engagement_id: int) -> Engagement:
    engagement = selectors.engagement_get(engagement_id=engagement_id)
    if not may_view_engagement(p, engagement):
        raise NotFound(
            "no engagement with id %(engagement_id)s", field="engagement_id", params={"engagement_id": engagement_id}
        )
    return engagement


def access_order_batch(p: Principal, batch_id: int) -> OrderBatch:
    """Staff read every platform's batches; a platform its own; a worker none."""
    require_staff_or_platform(p, "you may not see order batches")
    batch = batch_get(batch_id=batch_id)
    if not may_view_organisation(p, batch.platform):
        raise NotFound("no order batch %(batch_id)s", field="batch_id", params={"batch_id": batch_id})
    return batch


def access_claim(p: Principal, claim_id: int) -> Claim:
    """Staff see every claim; a worker their own; an organisation the claims on work done through it."""
    claim = claim_get(claim_id=claim_id)
    organisation_id = claim.engagement.organisation_id if claim.engagement else claim.reporter_organisation_id
    if not may_view_claim(p, claim.person_id, organisation_id):
        raise NotFound("no claim %(claim_id)s", params={"claim_id": claim_id})
    return claim


def access_claim_of_claimant(p: Principal, claim_id: int, message: str) -> Claim:
    """A claim its claimant acts on (appeal, withdrawal): others who may see it are refused with
    ``message``."""
    claim = access_claim(p, claim_id)
    require(p.person_id == claim.person_id, message)
    return claim


def access_claimant(p: Principal, person_id: int | None) -> Person:
    """The person a claim is reported for: a worker reports for themself (the default), officers and
    supervisors for anyone, a platform or employer for a person engaged with it."""
    person_id = person_id if person_id is not None else p.person_id
    if person_id is None:
        raise ValidationFailed("person_id: is required", field="person_id")
    if p.person_id is not None:
        require(person_id == p.person_id, "a worker claims for themself")
    person = access_person(p, person_id)
    require(may_report_claims(p), "not allowed to report claims")
    return person
