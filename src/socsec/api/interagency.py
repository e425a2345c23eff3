"""The interface other SocSec agencies call: this agency's identity (code, region, public key) and the
endpoint that receives their signed documents and answers each with a signed acknowledgement.

No token: a document is authenticated by its signature under the sender's registered key, and the answer
by this agency's. A refusal (bad signature, unknown sender, a document id received with other content, a
refusal of the document's kind) is an acknowledgement with ``outcome: REFUSED``, its code and message."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from socsec.api.responses import responses
from socsec.interagency.envelope import ACK_FORMAT, DOCUMENT_FORMAT
from socsec.interagency.inbox import documents_receive
from socsec.interagency.kinds import kind_names

router = Router(tags=["interagency"])

MAX_DOCUMENTS = 500


class AgencyOut(Schema):
    code: str
    region: str
    base_url: str
    public_key: str = Field(description="base64 of the Ed25519 public key that signs this agency's documents")
    fingerprint: str
    document_format: str
    acknowledgement_format: str
    kinds: list[str] = Field(description="the kinds of document this agency applies")


class DocumentEnvelope(Schema):
    format: Literal["socsec-agency-document/1"]
    document_id: str = Field(min_length=1, max_length=100, description="unique per sender")
    kind: str = Field(min_length=1, max_length=100)
    sender: str = Field(min_length=1, max_length=100, description="the sending agency's code")
    receiver: str = Field(min_length=1, max_length=100, description="the receiving agency's code")
    issued_at: str = Field(min_length=1, max_length=100)
    body: dict[str, Any]


class SignedDocument(Schema):
    document: DocumentEnvelope
    signature: str = Field(
        max_length=200, description="base64 Ed25519 signature of the document's canonical JSON (sorted keys, no spaces)"
    )


class DocumentsIn(Schema):
    documents: list[SignedDocument] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class Acknowledgement(Schema):
    format: Literal["socsec-agency-ack/1"]
    document_id: str
    sender: str
    receiver: str
    document_digest: str = Field(description="sha256 (hex) of the document's canonical JSON")
    outcome: Literal["APPLIED", "REFUSED"]
    code: str = Field(description="why it was refused (an ErrorCode); empty when applied")
    message: str
    result: dict[str, Any]
    acknowledged_at: str
    # a refusal's message as a template and its values, for the sender to show in its reader's language;
    # absent from an applied document's acknowledgement (the answer is sent as signed: see the operation)
    template: str = Field("", description="the refusal's message as a template with %(name)s placeholders")
    params: dict[str, str | int] = Field(default_factory=dict, description="the template's values")


class SignedAcknowledgement(Schema):
    acknowledgement: Acknowledgement
    signature: str = Field(description="base64 Ed25519 signature of the acknowledgement's canonical JSON")


class AcknowledgementsOut(Schema):
    acknowledgements: list[SignedAcknowledgement]


@router.get("/interagency/agency", response=responses({200: AgencyOut}), auth=None)
def get_agency_identity(request: HttpRequest) -> dict[str, Any]:
    """This agency as its peers register it: code, region, address and the public key of its signatures."""
    identity = settings.SOCSEC_AGENCY
    return {
        "code": identity.code,
        "region": identity.region,
        "base_url": identity.base_url,
        "public_key": identity.public_key,
        "fingerprint": identity.fingerprint,
        "document_format": DOCUMENT_FORMAT,
        "acknowledgement_format": ACK_FORMAT,
        "kinds": kind_names(),
    }


# exclude_unset: each acknowledgement goes out with exactly the fields it was signed with
@router.post("/interagency/documents", response=responses({200: AcknowledgementsOut}), auth=None, exclude_unset=True)
def receive_agency_documents(request: HttpRequest, payload: DocumentsIn) -> dict[str, Any]:
    """Signed documents from a peer agency, each checked and applied once (by sender and document id) and
    answered, in order, with a signed acknowledgement: applied, or refused with the reason. A document
    delivered again is answered with its first acknowledgement and applied nothing twice."""
    acks = documents_receive(documents=_raw_documents(request), remote_address=request.META.get("REMOTE_ADDR", ""))
    return {"acknowledgements": acks}


def _raw_documents(request: HttpRequest) -> list[tuple[dict[str, Any], str]]:
    """The documents as sent: the signature covers the JSON the sender wrote, not the schema's reading of it."""
    body = json.loads(request.body)
    return [(d["document"], d["signature"]) for d in body["documents"]]
