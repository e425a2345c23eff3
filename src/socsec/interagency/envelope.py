"""The signed document and the signed acknowledgement, as they travel between agencies.

A document is ``{"document": {...}, "signature": "<base64>"}``; the envelope names its format, its id
(unique per sender), its kind, the sending and the receiving agency, when it was issued, and the kind's
body. The sender signs the canonical JSON of the envelope (``signing.canonical``).

An acknowledgement is ``{"acknowledgement": {...}, "signature": "<base64>"}`` signed by the receiver: the
document's id, sender and digest (sha256 of the envelope's canonical JSON), the outcome (``APPLIED`` or
``REFUSED``), the refusal's code and message, and the result the kind's service returned."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from .signing import AgencyIdentity, digest

DOCUMENT_FORMAT = "socsec-agency-document/1"
ACK_FORMAT = "socsec-agency-ack/1"
APPLIED = "APPLIED"
REFUSED = "REFUSED"
ENVELOPE_FIELDS = ("format", "document_id", "kind", "sender", "receiver", "issued_at", "body")


def envelope(
    *, identity: AgencyIdentity, receiver: str, kind: str, document_id: str, body: Mapping[str, Any], at: dt.datetime
) -> dict[str, Any]:
    return {
        "format": DOCUMENT_FORMAT,
        "document_id": document_id,
        "kind": kind,
        "sender": identity.code,
        "receiver": receiver,
        "issued_at": at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "body": dict(body),
    }


def envelope_problem(document: Mapping[str, Any]) -> str | None:
    """What is wrong with an envelope's shape (None when nothing): the fields, their types, the format."""
    missing = [name for name in ENVELOPE_FIELDS if name not in document]
    if missing:
        return f"the envelope lacks {', '.join(missing)}"
    extra = sorted(set(document) - set(ENVELOPE_FIELDS))
    if extra:
        return f"the envelope has fields no format names: {', '.join(extra)}"
    if document["format"] != DOCUMENT_FORMAT:
        return f"the format {document['format']!r} is not {DOCUMENT_FORMAT}"
    for name in ENVELOPE_FIELDS[1:6]:
        value = document[name]
        if not isinstance(value, str) or not 0 < len(value) <= 100:
            return f"{name} must be text of 1 to 100 characters"
    if not isinstance(document["body"], dict):
        return "body must be an object"
    return None


# what a sender takes in an acknowledgement (socsec.interagency.outbox checks it): a refusal's message and
# template of at most MESSAGE_LIMIT characters, each value of at most VALUE_LIMIT
MESSAGE_LIMIT = 2000
VALUE_LIMIT = 500


TEMPLATE_PLACEHOLDER = re.compile(r"%(?:\(([A-Za-z_]\w{0,39})\)[sdr]|%)")  # group 1: the value's name


def safe_template(template: str, params: Mapping[str, Any]) -> bool:
    """A refusal's template is filled with ``%`` where it is shown: only plain placeholders (s, d, r) of its
    own values, with no width or precision (which a peer could make allocate gigabytes), and ``%%``."""
    rest = TEMPLATE_PLACEHOLDER.sub(lambda m: "" if m.group(1) is None or m.group(1) in params else "%", template)
    return "%" not in rest


@dataclass(frozen=True)
class Answer:
    """What a receiver answers about one document."""

    outcome: str  # APPLIED or REFUSED
    code: str = ""
    message: str = ""  # English, filled in
    result: Mapping[str, Any] | None = None
    # a refusal's message as its template and values: the sender shows it in its reader's language
    template: str = ""
    params: Mapping[str, str | int] | None = None


def acknowledgement(
    *, identity: AgencyIdentity, document: Mapping[str, Any], answer: Answer, at: dt.datetime
) -> dict[str, Any]:
    """The signed acknowledgement of ``document`` (whatever its shape: a refusal quotes what it can)."""
    ack = {
        "format": ACK_FORMAT,
        "document_id": str(document.get("document_id", ""))[:100],
        "sender": str(document.get("sender", ""))[:100],
        "receiver": identity.code,
        "document_digest": digest(document),
        "outcome": answer.outcome,
        "code": answer.code,
        "message": answer.message,
        "result": dict(answer.result or {}),
        "acknowledged_at": at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if answer.template:
        ack |= {"template": answer.template, "params": dict(answer.params or {})}
    return {"acknowledgement": ack, "signature": identity.sign(ack)}


def refusal_answer(code: str, message: str, template: str, params: Mapping[str, object] | None = None) -> Answer:
    """A refusal's answer: the English ``message`` (filled in), and its template with the values as plain
    texts and whole numbers (what a signed JSON acknowledgement carries)."""
    plain: dict[str, str | int] = {}
    with translation.override("en"):
        for name, value in (params or {}).items():
            is_int = isinstance(value, int) and not isinstance(value, bool)
            plain[str(name)[:40]] = value if is_int else str(value)[:VALUE_LIMIT]  # type: ignore[assignment]
    if len(template) > MESSAGE_LIMIT or len(plain) > 20 or not safe_template(template, plain):
        # the sender would not take it: the English message only
        template, plain = "", {}
    return Answer(REFUSED, code, message[:MESSAGE_LIMIT], template=template, params=plain)
