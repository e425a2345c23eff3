"""Every role's inbox with the unread count in the header, the page where people choose how they are
told, and the officers' outbox with each message's state and a flagged one sent again."""

from __future__ import annotations

from django.test import Client

from socsec.notifications import recipients
from socsec.notifications.models import Contact, Delivery
from socsec.notifications.sending import deliver_due
from socsec.notifications.services import notify

PAID = {"amount": "3,123.45", "month": "2026-09", "payments": 1}


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def test_each_role_reads_its_own_messages_with_the_unread_count(world):
    notify(event="benefit.paid", recipient=recipients.person(world.rider.pk), context=PAID, dedupe_key="1")
    notify(event="benefit.paid", recipient=recipients.person(world.employee.pk), context=PAID, dedupe_key="1")
    reported = {"claim": 7, "kind": "occupational injury protection (platform work)", "day": "2026-10-01"}
    notify(
        event="claim.reported", recipient=recipients.organisation(world.platform.pk), context=reported, dedupe_key="7"
    )
    done = {"month": "2026-09", "new": 1, "amount": "3,123.45"}
    notify(event="payrun.done", recipient=recipients.OFFICERS, context=done, dedupe_key="2026-09:1")
    deliver_due()

    rider = client_as(world, "worker", "zh-hans")
    page = rider.get("/inbox/").content.decode()
    assert page.count('<li class="message unread">') == 1  # not the employee's
    assert "已在2026-09的发放批次中向您支付3,123.45元（1笔）。" in page
    assert 'aria-label="1条未读消息">1</span>' in page
    platform = client_as(world, "platform").get("/inbox/").content.decode()
    assert "A claim for occupational injury protection (platform work) (claim 7) was reported" in platform
    officer = client_as(world, "officer").get("/inbox/").content.decode()
    assert "The benefit payment run of 2026-09 is done: 1 new payments of 3,123.45 yuan." in officer

    message = Delivery.objects.get(notice__recipient=recipients.person(world.rider.pk))
    assert rider.post("/inbox/", {"delivery": message.pk}).status_code == 302
    after = rider.get("/inbox/").content.decode()
    assert 'class="message unread"' not in after and "条未读消息" not in after.split("<main")[0]
    assert client_as(world, "officer").post("/inbox/", {"delivery": message.pk}).status_code == 302
    message.refresh_from_db()  # not the officer's to mark: read when the rider read it, and only then
    assert message.read_at is not None


def test_a_worker_chooses_text_messages_but_cannot_switch_off_what_the_law_requires(world):
    rider = client_as(world, "worker")
    page = rider.get("/inbox/preferences/").content.decode()
    assert "Claim decided" in page.split("Always told")[1]
    refused = rider.post("/inbox/preferences/", {"language": "en", "sms_on": "on", "muted": ["claim.rejected"]})
    assert refused.status_code == 422
    assert Contact.objects.count() == 0
    refused = rider.post("/inbox/preferences/", {"language": "en", "sms_on": "on", "phone": "12345"})
    assert refused.status_code == 422 and "is not a phone number in international form" in refused.content.decode()
    saved = rider.post(
        "/inbox/preferences/", {"language": "en", "sms_on": "on", "phone": "+86 138 0013 8000", "muted": ["data.read"]}
    )
    assert saved.status_code == 302
    contact = Contact.objects.get()
    assert (contact.recipient, contact.phone, contact.sms_on, contact.muted) == (
        recipients.person(world.rider.pk),
        "+8613800138000",
        True,
        ["data.read"],
    )


def test_the_outbox_shows_each_state_and_an_officer_sends_a_flagged_message_again(world):
    notify(event="benefit.paid", recipient="person:12", context=PAID, dedupe_key="1")
    deliver_due()
    officer = client_as(world, "officer")
    page = officer.get("/officer/outbox/?state=FLAGGED").content.decode()
    assert "recipient_unknown: person:12 does not exist" in page
    flagged = Delivery.objects.get()
    assert officer.post("/officer/outbox/", {"delivery": flagged.pk}).status_code == 302
    flagged.refresh_from_db()
    assert (flagged.state, flagged.attempts) == ("PENDING", 0)
    again = officer.post("/officer/outbox/", {"delivery": flagged.pk}, follow=True).content.decode()
    assert f"delivery {flagged.pk} is not flagged; only a flagged delivery is sent again" in again
    assert client_as(world, "worker").get("/officer/outbox/").status_code == 403
    auditor = client_as(world, "auditor")
    assert auditor.get("/officer/outbox/").status_code == 200
    assert auditor.post("/officer/outbox/", {"delivery": flagged.pk}).status_code == 403


def test_the_outbox_masks_the_personal_data_in_a_shown_error(world):
    notify(event="benefit.paid", recipient="person:12", context=PAID, dedupe_key="1")
    deliver_due()
    Delivery.objects.update(
        state="FLAGGED",
        error_code="smtp_refused",
        error_text="550 <li.wei@example.cn> refused; SMS +86 13800138000; ID 110105199003151234",
    )
    page = client_as(world, "officer").get("/officer/outbox/?state=FLAGGED").content.decode()
    assert "smtp_refused: 550 &lt;l***@example.cn&gt; refused; SMS +86 138****8000; ID 110***********1234" in page
    assert "li.wei@" not in page and "13800138000" not in page and "110105199003151234" not in page
