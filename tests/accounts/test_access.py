"""The access layer: the principal of a request, the role checks (403 with the caller's message), and the
``access_*`` functions, which answer an object the principal may not see exactly as an absent one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from socsec.accounts import access
from socsec.accounts.models import ApiToken, Role
from socsec.accounts.permissions import Principal
from socsec.contributions.models import OrderBatch
from socsec.core.errors import DomainError
from socsec.registry.models import Engagement
from tests.contributions.test_ingest import order, send
from tests.web.test_claim_pages import injury, pension
from tests.world import World

ABSENT = 999999


def of(world: World, name: str) -> Principal:
    """``worker`` (the rider), ``platform`` (RideGo), ``courier`` (Zipper's token), or a staff role."""
    if name == "courier":
        return Principal.of_token(ApiToken.objects.select_related("organisation").get(organisation=world.courier))
    return Principal.of_user(world.users[name])


def refusal(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """The error a call raises, as its class name and the body the API would answer."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return type(caught.value).__name__, caught.value.as_dict()


def not_found(message: str, field: str | None = None) -> tuple[str, dict[str, Any]]:
    return "NotFound", {"code": "not_found", "message": message, **({"field": field} if field else {})}


def forbidden(message: str) -> tuple[str, dict[str, Any]]:
    return "Forbidden", {"code": "forbidden", "message": message}


# --- the principal -----------------------------------------------------------------------------------------


def test_principal_of_a_page_request_is_its_user_and_of_an_api_request_what_authentication_set(world):
    request = RequestFactory().get("/")
    request.user = world.users["worker"]
    assert access.principal_of(request) == Principal.of_user(world.users["worker"])
    courier = of(world, "courier")
    request.auth = courier  # as the API's authentication does
    assert access.principal_of(request) is courier
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    assert refusal(access.principal_of, anonymous) == forbidden("log in first")


# --- role checks -------------------------------------------------------------------------------------------


def test_role_checks_answer_the_callers_own_words(world):
    worker, platform, officer = of(world, "worker"), of(world, "platform"), of(world, "officer")
    assert access.require_worker(worker, "workers only") == world.rider.pk
    assert refusal(access.require_worker, platform, "workers only") == forbidden("workers only")
    assert access.require_platform(platform, "platforms only") == world.platform
    assert access.require_platform(of(world, "courier"), "platforms only") == world.courier
    assert refusal(access.require_platform, officer, "platforms only") == forbidden("platforms only")
    access.require_staff(of(world, "auditor"), "staff only")
    assert refusal(access.require_staff, worker, "staff only") == forbidden("staff only")
    assert access.require_staff_or_platform(officer, "no") is None
    assert access.require_staff_or_platform(platform, "no") == world.platform
    assert refusal(access.require_staff_or_platform, worker, "no") == forbidden("no")
    access.require_role(officer, Role.OFFICER, Role.SUPERVISOR, message="officers")
    assert refusal(access.require_role, worker, Role.OFFICER, message="officers") == forbidden("officers")
    access.require(True, "never")
    assert refusal(access.require, False, "refused") == forbidden("refused")


def test_a_platform_acts_only_for_itself_and_staff_name_the_organisation(world):
    platform, officer = of(world, "platform"), of(world, "officer")
    assert access.acting_organisation(platform, None) == world.platform
    assert access.acting_organisation(platform, "ridego") == world.platform
    other = {
        "code": "other_organisation",
        "message": "an organisation may only register engagements with itself",
        "field": "organisation",
    }
    assert refusal(access.acting_organisation, platform, "zipper") == ("Forbidden", other)
    assert refusal(access.acting_organisation, platform, "nobody") == ("Forbidden", other)
    assert access.acting_organisation(officer, "zipper") == world.courier
    assert refusal(access.acting_organisation, officer, None) == (
        "ValidationFailed",
        {"code": "invalid", "message": "organisation: is required.", "field": "organisation"},
    )
    assert refusal(access.acting_organisation, officer, "nobody") == not_found(
        "no organisation with code 'nobody'", "organisation"
    )


# --- objects: absent and not visible are the same 404 ------------------------------------------------------


def test_access_person(world):
    def person(name: str, person_id: int) -> Any:
        return access.access_person(of(world, name), person_id)

    assert refusal(person, "officer", ABSENT) == not_found(f"no person with id {ABSENT}", "person_id")
    for name, hidden in [("worker", world.freelancer), ("platform", world.freelancer), ("courier", world.employee)]:
        assert refusal(person, name, hidden.pk) == not_found(f"no person with id {hidden.pk}", "person_id")
    assert refusal(person, "worker", ABSENT) == not_found(f"no person with id {ABSENT}", "person_id")
    assert person("worker", world.rider.pk) == world.rider
    assert person("platform", world.employee.pk) == world.employee  # engaged with RideGo
    assert person("courier", world.rider.pk) == world.rider
    assert person("auditor", world.freelancer.pk) == world.freelancer


def test_access_person_coverage(world):
    def coverage(name: str, person_id: int) -> Any:
        return access.access_person_coverage(of(world, name), person_id)

    assert refusal(coverage, "worker", ABSENT) == not_found(f"no person with id {ABSENT}", "person_id")
    hidden = world.employee.pk
    assert refusal(coverage, "worker", hidden) == not_found(f"no person with id {hidden}", "person_id")
    assert coverage("worker", world.rider.pk) == world.rider
    assert coverage("supervisor", world.employee.pk) == world.employee
    refused = forbidden("you may not see this person's coverage")  # a platform sees nobody's coverage,
    assert refusal(coverage, "platform", world.employee.pk) == refused  # not even its own worker's
    assert refusal(coverage, "platform", ABSENT) == refused


def test_access_organisation(world):
    def organisation(name: str, code: str) -> Any:
        return access.access_organisation(of(world, name), code)

    assert refusal(organisation, "platform", "nobody") == not_found(
        "no organisation with code 'nobody'", "organisation"
    )
    assert refusal(organisation, "platform", "zipper") == not_found(
        "no organisation with code 'zipper'", "organisation"
    )
    assert organisation("platform", "ridego") == world.platform
    assert organisation("courier", "zipper") == world.courier
    assert organisation("officer", "zipper") == world.courier
    refused = forbidden("you may only read your own organisation")
    assert refusal(organisation, "worker", "ridego") == refused
    assert refusal(organisation, "worker", "nobody") == refused


def test_access_platform_account(world):
    def account(name: str, code: str) -> Any:
        return access.access_platform_account(of(world, name), code)

    assert refusal(account, "courier", "nobody") == not_found("no organisation with code 'nobody'", "organisation")
    assert refusal(account, "courier", "ridego") == not_found("no organisation with code 'ridego'", "organisation")
    assert account("courier", "zipper") == world.courier
    assert account("auditor", "ridego") == world.platform
    assert refusal(account, "worker", "ridego") == forbidden("a platform sees only its own account")


def test_access_engagement(world):
    def engagement(name: str, engagement_id: int) -> Any:
        return access.access_engagement(of(world, name), engagement_id)

    freelancers = Engagement.objects.get(person=world.freelancer).pk
    absent = not_found(f"no engagement with id {ABSENT}", "engagement_id")
    assert refusal(engagement, "platform", ABSENT) == absent
    for name, hidden in [("platform", world.rider_eng_courier.pk), ("worker", freelancers)]:
        assert refusal(engagement, name, hidden) == not_found(f"no engagement with id {hidden}", "engagement_id")
    assert engagement("platform", world.rider_eng_platform.pk) == world.rider_eng_platform
    assert engagement("worker", world.rider_eng_courier.pk) == world.rider_eng_courier
    assert engagement("officer", freelancers).person == world.freelancer


def test_access_order_batch(world, data_dir, platform):
    made = send(platform, [order(world, "a1")], "k1")
    assert made.status_code == 201
    batch = OrderBatch.objects.get(pk=made.json()["id"])

    def order_batch(name: str, batch_id: int) -> Any:
        return access.access_order_batch(of(world, name), batch_id)

    assert refusal(order_batch, "courier", ABSENT) == not_found(f"no order batch {ABSENT}", "batch_id")
    assert refusal(order_batch, "courier", batch.pk) == not_found(f"no order batch {batch.pk}", "batch_id")
    assert order_batch("platform", batch.pk) == batch
    assert order_batch("officer", batch.pk) == batch
    refused = forbidden("you may not see order batches")
    assert refusal(order_batch, "worker", batch.pk) == refused
    assert refusal(order_batch, "worker", ABSENT) == refused


def test_access_claim(world, data_dir):
    riders, employees = injury(world), pension(world)  # the rider's at RideGo; the employee's on no platform

    def claim(name: str, claim_id: int) -> Any:
        return access.access_claim(of(world, name), claim_id)

    assert refusal(claim, "officer", ABSENT) == not_found(f"no claim {ABSENT}")
    for name, hidden in [("worker", employees), ("platform", employees), ("courier", riders)]:
        assert refusal(claim, name, hidden.pk) == not_found(f"no claim {hidden.pk}")
    assert claim("worker", riders.pk) == riders
    assert claim("platform", riders.pk) == riders
    assert claim("officer", employees.pk) == employees
    assert claim("auditor", riders.pk) == riders


def test_access_claim_of_claimant(world, data_dir):
    riders, employees = injury(world), pension(world)

    def claim(name: str, claim_id: int) -> Any:
        return access.access_claim_of_claimant(of(world, name), claim_id, "only the claimant appeals")

    assert claim("worker", riders.pk) == riders
    for name in ("platform", "officer"):  # they see the claim, but only the claimant acts on it
        assert refusal(claim, name, riders.pk) == forbidden("only the claimant appeals")
    assert refusal(claim, "worker", employees.pk) == not_found(f"no claim {employees.pk}")
    assert refusal(claim, "worker", ABSENT) == not_found(f"no claim {ABSENT}")


def test_access_claimant(world):
    def claimant(name: str, person_id: int | None) -> Any:
        return access.access_claimant(of(world, name), person_id)

    assert claimant("worker", None) == world.rider  # a worker claims for themself by default
    assert claimant("worker", world.rider.pk) == world.rider
    assert refusal(claimant, "worker", world.freelancer.pk) == forbidden("a worker claims for themself")
    assert refusal(claimant, "officer", None) == (
        "ValidationFailed",
        {"code": "invalid", "message": "person_id: is required", "field": "person_id"},
    )
    assert claimant("officer", world.freelancer.pk) == world.freelancer
    assert claimant("platform", world.employee.pk) == world.employee  # engaged with RideGo
    assert refusal(claimant, "platform", world.freelancer.pk) == not_found(
        f"no person with id {world.freelancer.pk}", "person_id"
    )
    assert refusal(claimant, "auditor", world.rider.pk) == forbidden("not allowed to report claims")
