"""The assistant's writes: a question answered and logged; a question it did not know handed over to the
officers; an officer's reply, with the person told of it."""

from __future__ import annotations

import datetime as dt
import functools
import time

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.core.masking import mask_personal_text
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.registry.models import Person
from socsec.rules.texts import N_

from .answering.answers import Answer, Line, Outcome
from .answering.policy import policy_answer
from .answering.reading import Asker, Reader, Reading
from .errors import AssistantErrorCode
from .models import Enquiry, Exchange
from .personal import PERSONAL
from .wording import answer_text

QUESTION_MAX = 500
REPLY_MAX = 2000
REFUSALS = {
    "id_number": N_("I can only answer about your own records: the question names an ID number that is not yours."),
    "person_id": N_("I can only answer about your own records: the question names a person number that is not yours."),
    "someone_else": N_("I can only answer about your own records: the question asks about another person's data."),
    "name": N_("I can only answer about your own records: the question names another person."),
}
NOT_KNOWN = N_(
    "I do not know the answer from the rules or your records. An officer can answer it: hand the question over "
    "and you will be told when the answer is on this page."
)


@functools.cache
def reader() -> Reader:
    """The topics' index, built once per process."""
    return Reader()


def question_check(question: str) -> str:
    text = " ".join((question or "").split())
    if not text:
        raise ValidationFailed("question: write a question.", field="question", code=AssistantErrorCode.QUESTION_EMPTY)
    if len(text) > QUESTION_MAX:
        raise ValidationFailed(
            "question: at most %(max)s characters (this one has %(length)s).",
            field="question",
            code=AssistantErrorCode.QUESTION_TOO_LONG,
            params={"max": QUESTION_MAX, "length": len(text)},
        )
    return text


def answer_for(person: Person, reading: Reading, on: dt.date) -> Answer:
    """The answer to a reading: refused, computed from the rules or the person's own records, or not known."""
    if reading.other_person:
        return Answer("", Outcome.REFUSED, [Line(REFUSALS[reading.other_person])])
    made = policy_answer(reading, on)
    if made is None and reading.intent in PERSONAL:
        made = PERSONAL[reading.intent](person, reading, on)
    return made or Answer(reading.intent, Outcome.UNKNOWN, [Line(NOT_KNOWN)])


def question_ask(*, person: Person, question: str, channel: str = "web", now: dt.datetime | None = None) -> Exchange:
    """Answer ``person``'s question and log the exchange (question, language, intent, answer, sources,
    latency). A question about another person is refused and logged the same way."""
    started = time.perf_counter()
    text = question_check(question)
    at = now or timezone.now()
    asker = Asker(person.pk, person.resident_id, person.name)
    reading = reader().read(text, asker)
    answer = answer_for(person, reading, timezone.localdate(at))
    shown = answer_text(answer, reading.language)
    return Exchange.objects.create(
        person=person,
        asked_at=at,
        # a refused question keeps the other person's ID, phone or account masked: reviewers see why, not whom
        question=mask_personal_text(text) if answer.outcome.value == Exchange.Outcome.REFUSED else text,
        language=reading.language,
        intent=answer.intent,
        score=min(reading.score, 1000.0),
        outcome=answer.outcome.value,
        answer=shown,
        sources=answer.source_dicts(),
        explanation=answer.explanation_dicts(),
        latency_ms=round((time.perf_counter() - started) * 1000),
        channel=channel,
    )


def enquiry_handover(*, actor: Actor, person: Person, exchange_id: int, now: dt.datetime | None = None) -> Enquiry:
    """Put a question the assistant did not know in the officers' queue (once)."""
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().filter(pk=exchange_id, person=person).first()
        if exchange is None:
            raise NotFound("exchange: no question %(id)s of yours", field="exchange", params={"id": exchange_id})
        if exchange.outcome != Exchange.Outcome.UNKNOWN:
            raise ValidationFailed(
                "exchange: only a question the assistant could not answer is handed over to an officer.",
                field="exchange",
                code=AssistantErrorCode.NOT_HANDED_OVER,
            )
        found = Enquiry.objects.filter(exchange=exchange).first()
        if found is not None:
            return found
        enquiry = Enquiry.objects.create(
            exchange=exchange,
            person=person,
            question=exchange.question,
            language=exchange.language,
            created_at=now or timezone.now(),
        )
        audit_record(actor=actor, action="assistant.enquiry.handed_over", instance=enquiry)
        return enquiry


def enquiry_answer(*, actor: Actor, enquiry_id: int, reply: str, now: dt.datetime | None = None) -> Enquiry:
    """An officer's reply to an enquiry: shown on the person's assistant page, and the person told."""
    text = (reply or "").strip()
    if not text:
        raise ValidationFailed("reply: write the answer.", field="reply", code=AssistantErrorCode.REPLY_EMPTY)
    if len(text) > REPLY_MAX:
        raise ValidationFailed(
            "reply: at most %(max)s characters (this one has %(length)s).",
            field="reply",
            params={"max": REPLY_MAX, "length": len(text)},
        )
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().filter(pk=enquiry_id).first()
        if enquiry is None:
            raise NotFound("enquiry: no enquiry %(id)s", field="enquiry", params={"id": enquiry_id})
        if enquiry.status == Enquiry.Status.ANSWERED:
            raise Conflict(
                "enquiry: enquiry %(id)s was already answered",
                field="enquiry",
                code=AssistantErrorCode.ENQUIRY_ANSWERED,
                params={"id": enquiry_id},
            )
        before = {"status": enquiry.status}
        enquiry.status = Enquiry.Status.ANSWERED
        enquiry.reply = text
        enquiry.answered_by_id = actor.user_id
        enquiry.answered_at = now or timezone.now()
        enquiry.save(update_fields=["status", "reply", "answered_by", "answered_at"])
        audit_record(actor=actor, action="assistant.enquiry.answered", instance=enquiry, before=before)
        notify(
            event="enquiry.answered",
            recipient=recipients.person(enquiry.person_id),
            context={"enquiry": enquiry.pk, "question": enquiry.question[:80]},
            dedupe_key=f"enquiry:{enquiry.pk}",
        )
        return enquiry
