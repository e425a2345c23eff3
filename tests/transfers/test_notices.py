"""The worker is told of each step of their pension transfer, in the step's transaction, once per step:
asked for, issued, received and credited, done; refused (by the receiving agency, or at the issue)."""

from __future__ import annotations

import pytest

from socsec.core.errors import Conflict
from socsec.notifications.models import Notice
from socsec.notifications.texts import render
from socsec.transfers.services import (
    transfer_deliver_locally,
    transfer_issue,
    transfer_refused_by_receiver,
    transfer_request,
)
from tests.transfers.test_outstanding import unpaid_month
from tests.transfers.test_services import TODAY, pay_year
from tests.world import SYSTEM

pytestmark = pytest.mark.django_db


def told(person) -> list[tuple[str, str]]:
    return list(
        Notice.objects.filter(recipient=f"person:{person.pk}", event__startswith="transfer.")
        .order_by("id")
        .values_list("event", "dedupe_key")
    )


def test_each_step_of_a_transfer_is_told_once(world):
    pay_year(world.rider, 2025)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    assert told(world.rider) == [("transfer.requested", transfer.document_id)]
    asked = Notice.objects.get(event="transfer.requested")
    assert render(asked.event, asked.context, "zh-hans") == (
        "您转往深圳市的养老保险转移申请已提出",
        "您的养老保险从北京市市辖区转往深圳市的申请已提出并审核：个人账户 7,680.00 元和统筹基金 11,520.00 元"
        "将转出。下一步是出具转移文书。",
    )
    assert render(asked.event, asked.context, "en")[0] == "Your pension transfer to Shenzhen was asked for"
    transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)  # again: nothing new
    key = transfer.document_id
    assert told(world.rider) == [
        ("transfer.requested", key),
        ("transfer.issued", key),
        ("transfer.credited", key),
        ("transfer.completed", key),
    ]
    done = Notice.objects.get(event="transfer.completed")
    assert render(done.event, done.context, "en") == (
        "Your pension transfer to Shenzhen is done",
        "The move of your pension from Beijing city to Shenzhen is done: the receiving agency credited it.",
    )


def test_a_refusal_is_told_and_the_law_requires_it(world):
    pay_year(world.rider, 2025)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    transfer_refused_by_receiver(
        actor=SYSTEM, document_id=transfer.document_id, code="transfer_unknown_person", reason="no such person here"
    )
    transfer_refused_by_receiver(actor=SYSTEM, document_id=transfer.document_id, code="x", reason="y")
    refused = Notice.objects.get(event="transfer.refused")
    assert refused.required is True
    assert render(refused.event, refused.context, "en")[1] == (
        "The move of your pension from Beijing city to Shenzhen was refused: no such person here"
    )
    assert [e for e, _k in told(world.rider)] == ["transfer.requested", "transfer.issued", "transfer.refused"]


def test_money_outstanding_at_the_issue_is_told_as_a_refusal(world):
    pay_year(world.rider, 2025)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    unpaid_month(world, world.rider)
    with pytest.raises(Conflict):
        transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert [e for e, _k in told(world.rider)] == ["transfer.requested", "transfer.refused"]
    transfer.refresh_from_db()
    month = transfer.refusal_params["month"]
    assert transfer.refusal_template.startswith("contributions for %(month)s are unpaid")
    refused = Notice.objects.get(event="transfer.refused")
    assert render(refused.event, refused.context, "zh-hans")[1].endswith(
        f"被拒绝：{month} 的社保费尚未缴清；缴清后才能办理转移。"
    )
    assert render(refused.event, refused.context, "en")[1].endswith(
        f"was refused: contributions for {month} are unpaid on the record; the transfer waits until they are paid."
    )


def test_a_temporary_account_is_told_once_and_says_nothing_moves(world):
    transfer = transfer_request(actor=SYSTEM, person=world.freelancer, to_region="440300", today=TODAY)
    transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert told(world.freelancer) == [("transfer.temporary_account", transfer.document_id)]
    notice = Notice.objects.get(event="transfer.temporary_account")
    assert render(notice.event, notice.context, "zh-hans")[0] == "您的养老保险关系保留在太原市"
    subject, body = render(notice.event, notice.context, "en")
    assert subject == "Your pension relation stays in Taiyuan"
    assert body.endswith(
        "it stays in Taiyuan, nothing moves now, and a temporary account is opened in Shenzhen "
        "for the contributions paid there."
    )
