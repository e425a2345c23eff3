"""Delivery after commit: the inbox in the person's language, email through a real SMTP server, SMS
through the local provider; the channels people chose; bad recipients, addresses, providers and templates
kept with their error, retried with backoff or flagged; each notice once per channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socsec.core.errors import ValidationFailed
from socsec.notifications import events, recipients
from socsec.notifications.events import Event
from socsec.notifications.models import Delivery, Notice, SmsRecord
from socsec.notifications.selectors import inbox_texts
from socsec.notifications.sending import deliver_due
from socsec.notifications.services import contact_set, delivery_retry, notify, notify_many
from socsec.notifications.sms import ProviderTimeout
from tests.world import SYSTEM

PAID = {"amount": "3,123.45", "month": "2026-09", "payments": 1}


def states(**filters: Any) -> list[tuple[str, str, str]]:
    rows = Delivery.objects.filter(**filters).order_by("notice_id", "channel")
    return list(rows.values_list("channel", "state", "error_code"))


def written(delivery: Delivery) -> tuple[str, str]:
    """An inbox message as its recipient reads it, in the language it was delivered in."""
    [(_delivery, subject, body)] = inbox_texts([delivery], delivery.language)
    return subject, body


def tell(person_id: int, key: str = "1", event: str = "benefit.paid", context: dict | None = None) -> None:
    notify(event=event, recipient=recipients.person(person_id), context=context or PAID, dedupe_key=key)


def test_the_inbox_is_written_in_the_persons_language(world):
    contact_set(actor=SYSTEM, recipient=recipients.person(world.employee.pk), language="en")
    tell(world.rider.pk)
    tell(world.employee.pk)
    result = deliver_due()
    assert (result.expanded, result.sent) == (2, {"INBOX": 2})
    rider, employee = Delivery.objects.select_related("notice").order_by("notice_id")
    assert (rider.language, *written(rider)) == (
        "zh-hans",
        "您的待遇已发放",
        "已在2026-09的发放批次中向您支付3,123.45元（1笔）。",
    )
    assert written(employee) == (
        "Your benefit was paid",
        "3,123.45 yuan was paid to you in the payment run of 2026-09 (1 payments).",
    )
    assert deliver_due().sent == {}  # nothing twice


def test_words_in_the_values_are_translated_too(world):
    tell(world.rider.pk, event="contribution.due", context={"scheme": "residents' basic pension", "month": "2026-12"})
    deliver_due()
    assert (
        written(Delivery.objects.select_related("notice").get())[1]
        == "您2026-12的城乡居民基本养老保险个人缴费已到期。请在门户的缴费页面缴纳。"
    )


def test_email_goes_through_a_real_smtp_server_once_with_a_stable_message_id(world, smtp):
    contact_set(
        actor=SYSTEM,
        recipient=recipients.person(world.rider.pk),
        language="en",
        email="rider@example.cn",
        email_on=True,
    )
    tell(world.rider.pk)
    result = deliver_due()
    assert result.sent == {"INBOX": 1, "EMAIL": 1}
    [mail] = smtp.received
    notice = Notice.objects.get()
    assert (mail["To"], mail["Subject"], mail["Message-ID"]) == (
        "rider@example.cn",
        "Your benefit was paid",
        f"<notice-{notice.pk}-email@socsec.local>",
    )
    assert "3,123.45 yuan was paid to you" in mail.get_payload()
    assert deliver_due().sent == {} and len(smtp.received) == 1


def test_a_mail_server_that_is_down_is_tried_again_later_each_wait_twice_the_last(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.SOCSEC_NOTIFY_RETRY_SECONDS, settings.SOCSEC_NOTIFY_MAX_ATTEMPTS = 60, 3
    contact_set(
        actor=SYSTEM, recipient=recipients.person(world.rider.pk), language="en", email="r@example.cn", email_on=True
    )
    tell(world.rider.pk)
    start = timezone.now()
    assert deliver_due(now=start).retrying == 1
    email = Delivery.objects.get(channel="EMAIL")
    assert (email.state, email.attempts, email.error_code) == ("PENDING", 1, "provider_timeout")
    assert 59 <= (email.next_attempt_at - start).total_seconds() <= 70
    assert deliver_due(now=start + dt.timedelta(seconds=30)).retrying == 0  # not due yet
    assert deliver_due(now=email.next_attempt_at + dt.timedelta(seconds=1)).retrying == 1
    email.refresh_from_db()
    assert email.attempts == 2 and 119 <= (email.next_attempt_at - timezone.now()).total_seconds() <= 130
    assert deliver_due(now=email.next_attempt_at + dt.timedelta(seconds=1)).flagged == 1  # the third and last
    assert states(channel="EMAIL") == [("EMAIL", "FLAGGED", "gave_up_after_retries")]


def test_a_refused_address_is_flagged_and_sent_again_only_by_an_officer(world, smtp):
    smtp.refused.add("gone@example.cn")
    contact_set(
        actor=SYSTEM, recipient=recipients.person(world.rider.pk), language="en", email="gone@example.cn", email_on=True
    )
    tell(world.rider.pk)
    assert deliver_due().flagged == 1
    email = Delivery.objects.get(channel="EMAIL")
    assert (email.state, email.error_code) == ("FLAGGED", "provider_refused")
    assert "gone@example.cn" in email.error_text
    smtp.refused.clear()  # the mailbox was made again
    delivery_retry(actor=SYSTEM, delivery_id=email.pk)
    assert deliver_due().sent == {"EMAIL": 1} and len(smtp.received) == 1


def test_sms_is_recorded_by_the_local_provider_and_a_number_it_refuses_is_flagged(world, db):
    contact_set(
        actor=SYSTEM,
        recipient=recipients.person(world.rider.pk),
        language="zh-hans",
        phone="+8613800138000",
        sms_on=True,
    )
    contact_set(
        actor=SYSTEM, recipient=recipients.person(world.employee.pk), language="en", phone="+8612345678", sms_on=True
    )
    tell(world.rider.pk)
    tell(world.employee.pk)
    result = deliver_due()
    assert (result.sent, result.flagged) == ({"INBOX": 2, "SMS": 1}, 1)
    [record] = SmsRecord.objects.all()
    assert (record.phone, record.text) == (
        "+8613800138000",
        "您的待遇已发放\n已在2026-09的发放批次中向您支付3,123.45元（1笔）。",
    )
    assert states(channel="SMS") == [("SMS", "SENT", ""), ("SMS", "FLAGGED", "provider_refused")]


class SlowProvider:
    """A gateway that never answers in time (outside the project: behind the provider interface)."""

    def send(self, *, key: str, phone: str, text: str) -> str:
        raise ProviderTimeout("the gateway did not answer in 10 s")


def test_a_provider_that_times_out_is_tried_again(world, settings):
    settings.SOCSEC_SMS_PROVIDER = f"{__name__}.SlowProvider"
    contact_set(
        actor=SYSTEM, recipient=recipients.person(world.rider.pk), language="en", phone="+8613800138000", sms_on=True
    )
    tell(world.rider.pk)
    assert deliver_due().retrying == 1
    sms = Delivery.objects.get(channel="SMS")
    assert (sms.state, sms.attempts, sms.error_code, sms.error_text) == (
        "PENDING",
        1,
        "provider_timeout",
        "the gateway did not answer in 10 s",
    )
    settings.SOCSEC_SMS_PROVIDER = "socsec.notifications.sms.LocalSmsProvider"  # the gateway is back
    assert deliver_due(now=sms.next_attempt_at).sent == {"SMS": 1}
    assert SmsRecord.objects.count() == 1


def test_malformed_and_unknown_recipients_are_kept_flagged(world):
    notify(event="benefit.paid", recipient="rider-42", context=PAID, dedupe_key="1")
    notify(event="benefit.paid", recipient="person:999999999", context=PAID, dedupe_key="1")
    assert deliver_due().flagged == 0  # flagged as they were expanded: never attempted
    assert states() == [("INBOX", "FLAGGED", "recipient_malformed"), ("INBOX", "FLAGGED", "recipient_unknown")]


def test_a_template_missing_the_persons_language_is_flagged_not_sent_in_another(world, monkeypatch):
    untranslated = Event("Test", "A text nobody translated", "Nobody translated %(what)s.")
    monkeypatch.setitem(events.EVENTS, "test.untranslated", untranslated)
    contact_set(actor=SYSTEM, recipient=recipients.person(world.employee.pk), language="en")
    tell(world.rider.pk, event="test.untranslated", context={"what": "this"})
    tell(world.employee.pk, event="test.untranslated", context={"what": "this"})
    result = deliver_due()
    assert (result.sent, result.flagged) == ({"INBOX": 1}, 1)
    rider = Delivery.objects.get(notice__recipient=recipients.person(world.rider.pk))
    assert (rider.state, rider.error_code) == ("FLAGGED", "template_missing_language")
    assert rider.error_text == "no zh-hans text for 'A text nobody translated'"


def test_people_choose_channels_but_not_to_miss_what_the_law_requires(world):
    key = recipients.person(world.rider.pk)
    with pytest.raises(ValidationFailed) as refused:
        contact_set(actor=SYSTEM, recipient=key, language="en", muted=["claim.rejected"])
    assert refused.value.code == "required_notice"
    with pytest.raises(ValidationFailed) as refused:
        contact_set(actor=SYSTEM, recipient=key, language="en", email_on=True)
    assert refused.value.field == "email"
    contact_set(actor=SYSTEM, recipient=key, language="en", muted=["benefit.paid"])
    tell(world.rider.pk)
    tell(world.rider.pk, event="claim.rejected", context={"claim": 7, "reason": "No injury."})
    deliver_due()
    assert list(Delivery.objects.values_list("notice__event", "channel", "state")) == [
        ("claim.rejected", "INBOX", "SENT")
    ]


def test_making_the_deliveries_costs_the_same_queries_at_two_sizes(world):
    contact_set(
        actor=SYSTEM, recipient=recipients.person(world.rider.pk), language="en", phone="+8613800138000", sms_on=True
    )
    from socsec.notifications.expand import notices_expand

    def expand(n: int, start: int) -> int:
        rows = [(recipients.person(world.rider.pk), PAID, str(i)) for i in range(start, start + n)]
        notify_many(event="benefit.paid", rows=rows)
        with CaptureQueriesContext(connection) as queries:
            assert notices_expand(batch=1000) == n
        return len(queries)

    assert expand(5, 0) == expand(400, 100)
    assert Delivery.objects.filter(channel="SMS").count() == Delivery.objects.filter(channel="INBOX").count() == 405
