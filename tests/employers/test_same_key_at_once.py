"""The same declaration sent twice at the same moment (one idempotency key): the second request waits for the
first and replays it, on SQLite and on PostgreSQL; past the bounded wait it is refused with a 409 that says
when to try again (``Retry-After``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.test import Client

from socsec.accounts.tokens import token_issue
from socsec.core.errors import Conflict
from socsec.employers import declarations
from socsec.employers.models import EmployerContribution, PayrollDeclaration
from tests.two_at_once import first_then_second
from tests.world import SYSTEM

from .conftest import payroll_csv
from .test_api import send
from .test_declarations import declare

HOLD_SECONDS = 1.0  # how long the first request stays inside its transaction, the second waiting


def _two_at_once(
    world, content: bytes, monkeypatch, *, hold: float = HOLD_SECONDS, second_call: Callable[[], object] | None = None
) -> dict[str, object]:
    """Two threads declare ``content`` with one key (the second by ``second_call`` where given): the first
    holds its transaction open (at its last fault point, everything written) while the second starts; each
    thread's answer or error."""
    inside = threading.Event()
    real_fault = declarations.fault
    order: list[str] = []

    def slow_fault(point: str, path: object = None) -> None:
        if point == "employers.declare.commit" and threading.current_thread().name == "first":
            inside.set()
            time.sleep(hold)
            order.append("first commits")
        real_fault(point, path)

    monkeypatch.setattr(declarations, "fault", slow_fault)
    same = lambda: declare(world, content, key="same")  # noqa: E731
    answers = first_then_second(same, second_call or same, inside, order)
    answers["order"] = order
    return answers


@pytest.mark.django_db(transaction=True)
def test_the_second_request_waits_and_replays_the_first(world, employee_id, monkeypatch):
    content = payroll_csv([(employee_id, "800000", "750000", "2")])
    answers = _two_at_once(world, content, monkeypatch)
    (first, replayed_first), (second, replayed_second) = answers["first"], answers["second"]  # type: ignore[misc]
    assert (replayed_first, replayed_second) == (False, True)
    assert second.pk == first.pk and second.status == "ACCEPTED"
    assert answers["order"].index("first commits") < answers["order"].index("second answered")  # type: ignore[attr-defined]
    assert PayrollDeclaration.objects.count() == 1 and EmployerContribution.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_past_the_bounded_wait_the_second_is_told_to_retry(world, employee_id, monkeypatch, settings):
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.3  # shorter than the first request's transaction
    content = payroll_csv([(employee_id, "800000", "750000", "2")])
    answers = _two_at_once(world, content, monkeypatch, hold=1.5)
    refused = answers["second"]
    assert isinstance(refused, Conflict), refused
    assert (refused.code, refused.details) == ("declaration_in_progress", {"retry_after": 1})
    assert answers["first"][1] is False  # type: ignore[index]
    again = declare(world, content, key="same")  # sent again later: the first's declaration
    assert again == (answers["first"][0], True)  # type: ignore[index]
    assert PayrollDeclaration.objects.count() == 1


def _api(world) -> Client:
    _token, key = token_issue(actor=SYSTEM, organisation=world.employer, name="payroll")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.mark.django_db(transaction=True)
def test_over_the_api_the_second_is_replayed(world, employee_id, monkeypatch):
    client = _api(world)
    content = payroll_csv([(employee_id, "800000", "750000", "2")])
    answers = _two_at_once(world, content, monkeypatch, second_call=lambda: send(client, content, "same"))
    replayed = answers["second"]
    assert (replayed.status_code, replayed["Idempotent-Replayed"]) == (201, "true")  # type: ignore[attr-defined]
    assert replayed.json()["id"] == answers["first"][0].pk  # type: ignore[attr-defined,index]


@pytest.mark.django_db(transaction=True)
def test_over_the_api_past_the_wait_a_409_says_when_to_retry(world, employee_id, monkeypatch, settings):
    client = _api(world)
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.3
    content = payroll_csv([(employee_id, "800000", "750000", "2")])
    answers = _two_at_once(world, content, monkeypatch, hold=5, second_call=lambda: send(client, content, "same"))
    refused = answers["second"]
    assert refused.status_code == 409, refused.content  # type: ignore[attr-defined]
    assert refused.json()["code"] == "declaration_in_progress"  # type: ignore[attr-defined]
    assert refused["Retry-After"] == "1"  # type: ignore[index]
