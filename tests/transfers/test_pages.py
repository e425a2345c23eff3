"""The worker asks for a transfer on the portal and sees each step with the amounts explained; an officer
issues it from the queue (credited at once within the deployment) or asks on a worker's behalf."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from socsec.transfers.models import OutgoingTransfer
from tests.transfers.test_services import TODAY, move, pay_medical, pay_year


def client_for(world, name: str, language: str = "zh-hans") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def test_the_worker_asks_and_follows_the_steps(world):
    pay_year(world.rider, 2025)
    worker = client_for(world, "worker")
    page = worker.get("/me/transfers/")
    assert page.status_code == 200
    assert "转移我的养老保险" in page.content.decode()
    answer = worker.post("/me/transfers/", {"to_region": "440300"})
    assert answer.status_code == 302
    transfer = OutgoingTransfer.objects.get()
    assert (transfer.status, transfer.channel) == ("CHECKED", "WORKER")
    text = worker.get("/me/transfers/").content.decode()
    assert "11,520.00" in text and "7,680.00" in text and "19,200.00" in text
    assert "pension_transfer_pooled_amount" in text

    officer = client_for(world, "officer")
    queue = officer.get("/officer/transfers/").content.decode()
    assert "签发转移单" in queue
    assert officer.post(f"/officer/transfers/{transfer.pk}/issue/").status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "COMPLETED"
    english = client_for(world, "worker", "en").get("/me/transfers/").content.decode()
    assert "Completed" in english and "Credited: individual account and months on record" not in english


def test_a_refusal_is_shown_and_nothing_is_written(world):
    worker = client_for(world, "worker", "en")
    answer = worker.post("/me/transfers/", {"to_region": "440300"})  # nothing on record yet
    assert answer.status_code == 409
    assert "no months and no money on record" in answer.content.decode()
    assert not OutgoingTransfer.objects.exists()


def test_the_officer_asks_on_behalf_of_a_worker(world):
    pay_year(world.rider, 2025)
    officer = client_for(world, "officer", "en")
    answer = officer.post("/officer/transfers/", {"resident_id": world.rider.resident_id, "to_region": "440300"})
    assert answer.status_code == 302
    assert OutgoingTransfer.objects.get().channel == "AGENCY"
    unknown = officer.post("/officer/transfers/", {"resident_id": "110105199003150000", "to_region": "440300"})
    assert unknown.status_code == 404
    assert OutgoingTransfer.objects.count() == 1


def test_a_transfer_to_a_peer_agency_is_queued_in_the_outbox_when_issued_and_its_delivery_shown(world):
    from socsec.interagency.models import OutboundDocument, Peer
    from socsec.interagency.outbox import documents_deliver
    from socsec.ledger.models import LedgerEntry
    from tests.interagency.helpers import InProcessTransport, register_both

    register_both()  # PEER serves region 510100 (Sichuan)
    pay_year(world.rider, 2025)
    officer = client_for(world, "officer", "en")
    form = officer.get("/officer/transfers/").content.decode()
    assert '<option value="PEER">PEER' in form and '<option value="DEV">This agency</option>' in form
    chosen = officer.post(
        "/officer/transfers/",
        {"resident_id": world.rider.resident_id, "to_region": "440300", "receiving_agency": "PEER"},
    )
    assert chosen.status_code == 302
    transfer = OutgoingTransfer.objects.get()
    assert (transfer.receiving_agency, transfer.status, OutboundDocument.objects.count()) == ("PEER", "CHECKED", 0)
    unknown = officer.post(
        "/officer/transfers/",
        {"resident_id": world.rider.resident_id, "to_region": "440300", "receiving_agency": "NOWHERE"},
    )
    assert unknown.status_code == 422
    assert "NOWHERE is neither this agency nor a registered peer agency" in unknown.content.decode()

    # the peer switched off before the issue: the issue fails whole (no ledger entry, still CHECKED)
    Peer.objects.filter(code="PEER").update(active=False)
    entries = LedgerEntry.objects.count()
    officer.post(f"/officer/transfers/{transfer.pk}/issue/")
    transfer.refresh_from_db()
    assert (transfer.status, LedgerEntry.objects.count(), OutboundDocument.objects.count()) == ("CHECKED", entries, 0)
    assert "No active peer agency PEER is registered." in officer.get("/officer/transfers/").content.decode()

    Peer.objects.filter(code="PEER").update(active=True)
    assert officer.post(f"/officer/transfers/{transfer.pk}/issue/").status_code == 302
    transfer.refresh_from_db()
    queued = OutboundDocument.objects.get()
    assert (transfer.status, queued.document_id, queued.kind, queued.state) == (
        "ISSUED",
        transfer.document_id,
        "pension.transfer",
        "PENDING",
    )
    assert queued.document["body"]["individual_account_cents"] == transfer.individual_account_cents
    page = officer.get("/officer/transfers/?status=all").content.decode()
    assert "PEER: Waiting for delivery (0 attempts)" in page
    worker = client_for(world, "worker").get("/me/transfers/").content.decode()
    assert "发往经办机构 PEER 的文书: <strong>等待送达</strong>" in worker

    documents_deliver(transport=InProcessTransport())
    page = officer.get("/officer/transfers/?status=all").content.decode()
    assert "PEER: Applied by the receiving agency (1 attempt)" in page
    transfer.refresh_from_db()
    assert transfer.status == "COMPLETED"


def test_the_worker_chooses_the_peer_agency_or_gets_the_one_serving_the_region(world):
    from socsec.transfers.services import receiving_agency_for
    from tests.interagency.helpers import register_both

    assert receiving_agency_for("510100") == "DEV"  # no peer yet: this agency
    register_both()
    assert (receiving_agency_for("510100"), receiving_agency_for("440300")) == ("PEER", "DEV")
    pay_year(world.rider, 2025)
    worker = client_for(world, "worker", "en")
    assert worker.post("/me/transfers/", {"to_region": "440300", "receiving_agency": "PEER"}).status_code == 302
    assert OutgoingTransfer.objects.get().receiving_agency == "PEER"


def test_a_worker_of_54_moving_away_from_home_sees_the_temporary_account_and_where_to_claim(world):
    from socsec.accounts.models import Role
    from socsec.accounts.services import user_create
    from socsec.transfers.models import TemporaryAccount
    from tests.world import PASSWORD, SYSTEM

    user = user_create(
        actor=SYSTEM, username="freelancer", password=PASSWORD, role=Role.WORKER, person=world.freelancer
    )
    worker = Client(headers={"Accept-Language": "zh-hans"})
    worker.force_login(user)
    assert worker.post("/me/transfers/", {"to_region": "440300"}).status_code == 302
    transfer = OutgoingTransfer.objects.get()
    assert (transfer.status, transfer.individual_account_cents + transfer.pooled_cents) == ("CHECKED", 0)
    page = worker.get("/me/transfers/").content.decode()
    kept = world.freelancer.residence_region.name_zh
    assert (
        f"这是建立临时账户，而非转移：您的养老保险关系和全部缴费记录保留在{kept}，深圳市为您建立临时基本养老保险缴费账户"
        in page
    )
    assert "pension_transfer_temporary_account" in page and "pension_claim_place" in page
    officer = client_for(world, "officer")
    assert officer.post(f"/officer/transfers/{transfer.pk}/issue/").status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "COMPLETED" and TemporaryAccount.objects.get().region.code == "440300"


def test_the_worker_sees_the_medical_insurance_years_and_the_waiting_period_after_a_transfer(world):
    """Medical months moved in count with those paid here; before a payment here, a break longer than 3
    months is told it will wait; a first payment here two months after the last moved sets no waiting
    period (Yi Bao Ban Fa [2021] No. 43), explained by the rule."""
    pay_year(world.rider, 2025)
    pay_medical(world.rider, dt.date(2025, 1, 1), 12)
    move(world.rider, "440300", TODAY)
    worker = client_for(world, "worker")
    text = worker.get("/me/transfers/").content.decode()  # today: long past 2026-04
    assert "您在本地的医疗保险" in text
    assert "共 12 个月，其中 12 个月从外地转入，均在本地累计计算" in text
    assert "您中断缴费的时间已超过无需等待的期限：自您在本地首次缴费的月份起 6 个月后开始享受待遇。" in text
    pay_medical(world.rider, dt.date(2026, 3, 1), 3, paid_on=dt.date(2026, 3, 12))
    text = worker.get("/me/transfers/").content.decode()
    assert "共 15 个月，其中 12 个月从外地转入，均在本地累计计算" in text
    assert "无需等待：自 2026-03 起在本地享受医疗保险待遇。" in text
    assert "medical_transfer_waiting_months" in text and "医保办发〔2021〕43号" in text
    english = client_for(world, "worker", "en").get("/me/transfers/").content.decode()
    assert "No waiting period: medical insurance benefits here from 2026-03." in english
    assert "15 months, of which 12 moved in from other places; all of them count here" in english
