"""The kinds of document agencies exchange, each with its own checks and its own service.

A domain app plugs a kind in by registering a ``DocumentKind`` in its ``AppConfig.ready``: the transport
(signatures, peers, the outbox, retries, acknowledgements) is the same for every kind.

- ``validate(document)`` reads only, and raises a ``DomainError`` to refuse the document (its code and
  message go back in the signed refusal);
- ``apply(documents)`` writes, inside the receiver's transaction, and returns one JSON-ready result per
  document (quoted in its acknowledgement). It is called with many documents of the kind at once, so that
  a kind can apply a delivery in bulk; when it raises a ``DomainError`` the documents are applied again one
  at a time, so that the one at fault is refused and the others are not;
- ``settle(outcomes)`` (optional) runs on the sending side, in the transaction that records the receiver's
  acknowledgements, so that the business record (a transfer's state) follows its documents. It raises a
  ``DomainError`` for an outcome it cannot use (a result that names another document or agency): the
  outcomes are then settled one at a time, each in a savepoint, and the one at fault is flagged with the
  error while the others are settled."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socsec.audit.services import Actor


@dataclass(frozen=True)
class Received:
    """A document as its kind sees it on the receiving side: verified, from a registered peer."""

    sender: str  # the sending agency's code
    sender_region: str
    document_id: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    """A document's acknowledgement as its kind sees it on the sending side."""

    document_id: str
    applied: bool  # False: refused
    code: str  # the refusal's code; "" when applied
    message: str
    result: Mapping[str, Any]  # what the receiver's apply returned; {} when refused
    peer: str = ""  # the code of the agency the document went to, whose signature the answer carries
    template: str = ""  # a refusal's message as a template with its values (shown in the reader's language)
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentKind:
    name: str
    validate: Callable[[Received], None]
    apply: Callable[[Sequence[Received]], Sequence[Mapping[str, Any]]]
    settle: Callable[[Sequence[Outcome]], None] | None = None
    # an officer withdraws a flagged document (document id, the officer's note, the officer): its effects on
    # the sending side undone; None: documents of the kind are only sent again
    withdraw: Callable[[str, str, Actor], None] | None = None


_KINDS: dict[str, DocumentKind] = {}


def kind_register(kind: DocumentKind) -> None:
    """Plug a kind in (again: the later registration wins, so a test may stand in for an app's kind)."""
    _KINDS[kind.name] = kind


def kind_unregister(name: str) -> None:
    _KINDS.pop(name, None)


def kind_named(name: str) -> DocumentKind | None:
    return _KINDS.get(name)


def kind_names() -> list[str]:
    return sorted(_KINDS)


def withdrawable_kinds() -> list[str]:
    """The kinds whose flagged documents an officer may withdraw (they can undo their effects)."""
    return [name for name, kind in sorted(_KINDS.items()) if kind.withdraw is not None]
