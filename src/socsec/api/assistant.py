"""The help assistant over the API, for a worker's session: ``POST /api/assistant/questions`` answers a
question from the rules and the caller's own records, with its sources and the rules' explanation (a
question about another person is answered ``REFUSED``, one it does not know ``UNKNOWN``); ``GET
/api/assistant/questions`` pages the caller's exchanges. An empty or too long question: 422 with the field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from socsec.accounts.access import access_person, principal_of, require_worker
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.assistant.models import Exchange
from socsec.assistant.selectors import exchanges_of
from socsec.assistant.services import question_ask

router = Router(tags=["assistant"])


class QuestionIn(Schema):
    question: str


class SourceOut(Schema):
    kind: str
    key: str
    reference: str
    effective_from: str
    value: str


class StepOut(Schema):
    label: str
    value: str
    reference: str


class ExchangeOut(Schema):
    id: int
    asked_at: str
    question: str
    language: str
    intent: str
    outcome: str
    answer: str
    sources: list[SourceOut]
    explanation: list[StepOut]
    latency_ms: int


def _out(x: Exchange) -> dict[str, Any]:
    return {
        "id": x.pk,
        "asked_at": x.asked_at.isoformat(),
        "question": x.question,
        "language": x.language,
        "intent": x.intent,
        "outcome": x.outcome,
        "answer": x.answer,
        "sources": x.sources,
        "explanation": x.explanation,
        "latency_ms": x.latency_ms,
    }


@router.post("/assistant/questions", response=responses({201: ExchangeOut}, 403, 422))
def ask(request: HttpRequest, payload: QuestionIn) -> Status[dict[str, Any]]:
    """Ask in Chinese or English; the answer comes in the question's language with its sources."""
    p = principal_of(request)
    person = access_person(p, require_worker(p, "only a worker asks the assistant"))
    return Status(201, _out(question_ask(person=person, question=payload.question, channel="api")))


@router.get("/assistant/questions", response=responses({200: page_of(ExchangeOut)}, 403))
def my_questions(request: HttpRequest, paging: Query[PageIn]) -> dict[str, Any]:
    """The caller's exchanges, newest first."""
    person_id = require_worker(principal_of(request), "only a worker asks the assistant")
    return paginate(exchanges_of(person_id=person_id), paging, _out, newest_first=True)
