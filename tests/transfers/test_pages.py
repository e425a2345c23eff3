"""The worker asks for a transfer on the portal and sees each step with the amounts explained; an officer
issues it from the queue (credited at once within the deployment) or asks on a worker's behalf."""

from __future__ import annotations

from django.test import Client

from socsec.transfers.models import OutgoingTransfer
from tests.transfers.test_services import pay_year


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
