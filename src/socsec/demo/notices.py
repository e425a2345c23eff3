"""The demo's notifications: the demo worker tells by text message too, the platform in English; the
platform reads the worker's record (the worker is told); the sweeps tell what has fallen due; then one
round of the delivery worker, so each role's inbox shows the messages of the demo's events. Idempotent:
every notice has its key, and a round sends only what waits."""

from __future__ import annotations

from socsec.accounts.models import Role, User
from socsec.audit.models import ReadPurpose
from socsec.audit.reads import log_personal_read
from socsec.audit.services import Actor
from socsec.feedback.invitations import rating_invitations_notify
from socsec.notifications import recipients
from socsec.notifications.models import Contact
from socsec.notifications.sending import DeliverResult, deliver_due
from socsec.notifications.services import contact_set
from socsec.notifications.sweeps import contributions_due_notify, invoices_overdue_notify

from .pilot import ACTOR

WORKER_PHONE = "+8613800138000"  # a demo number: the local SMS provider records it, nothing leaves


def demo_notices() -> DeliverResult:
    worker = User.objects.get(username="worker")
    platform = User.objects.select_related("organisation").get(username="swiftride")
    assert worker.person_id is not None and platform.organisation is not None
    if not Contact.objects.filter(recipient=recipients.person(worker.person_id)).exists():  # once
        _contacts_and_read(worker, platform)
    invoices_overdue_notify()
    contributions_due_notify()
    rating_invitations_notify()
    return deliver_due()


def _contacts_and_read(worker: User, platform: User) -> None:
    assert worker.person_id is not None and platform.organisation is not None
    contact_set(
        actor=ACTOR, recipient=recipients.person(worker.person_id), language="zh-hans", phone=WORKER_PHONE, sms_on=True
    )
    contact_set(actor=ACTOR, recipient=recipients.organisation(platform.organisation.pk), language="en")
    log_personal_read(
        actor=Actor(label="user:swiftride", user_id=platform.pk, organisation_id=platform.organisation.pk),
        role=Role.PLATFORM,
        person_ids=[worker.person_id],
        purpose=ReadPurpose.PLATFORM_ADMINISTRATION,
        what="person record",
    )
