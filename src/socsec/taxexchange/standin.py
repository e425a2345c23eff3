"""The local stand-in of the tax authority's exchange, for the demo and the tests: a drop folder.

``send`` writes the document to ``<folder>/inbox/<document id>.json`` (checked, written whole or not at
all); ``fetch_results`` answers from ``<folder>/outbox/<document id>.results.jsonl``, writing it on the
first fetch: every line paid in full on the 15th of the next month (or today, while that day is still to
come), except the persons configured unpaid or part paid (half of the line) and the schemes configured
unpaid; a line with nothing due is paid. A results file put in the outbox by hand is answered as it is.
Later payments are files in ``<folder>/receipts/`` (``NAME.jsonl``, oldest name first); ``pay_late``
writes one as the tax authority would when an employer pays what a document's results left unpaid. A
folder that does not exist is an exchange that does not answer."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

from django.utils import timezone

from socsec.core.months import month_first_day, month_index

from .documents import HandoverDocument, canonical, document_read
from .exchange import Acknowledgement, ExchangeUnavailable


class DropFolderExchange:
    def __init__(
        self,
        folder: str | Path,
        *,
        unpaid_persons: frozenset[int] = frozenset(),
        part_paid_persons: frozenset[int] = frozenset(),
        unpaid_schemes: frozenset[str] = frozenset(),
    ) -> None:
        self.folder = Path(folder)
        self.unpaid_persons = unpaid_persons
        self.part_paid_persons = part_paid_persons
        self.unpaid_schemes = unpaid_schemes

    def _box(self, name: str) -> Path:
        if not self.folder.is_dir():
            raise ExchangeUnavailable(f"the exchange folder {self.folder} is not there")
        box = self.folder / name
        box.mkdir(exist_ok=True)
        return box

    def send(self, document: HandoverDocument) -> Acknowledgement:
        raw = document.as_bytes()
        document_read(raw)  # what the receiver checks first
        _write_whole(self._box("inbox") / f"{document.document_id}.json", raw)
        return Acknowledgement(document.document_id, f"RCPT-{document.checksum[:16].upper()}")

    def fetch_results(self, document_id: str) -> bytes | None:
        inbox, outbox = self._box("inbox"), self._box("outbox")
        answer = outbox / f"{document_id}.results.jsonl"
        if answer.exists():
            return answer.read_bytes()
        sent = inbox / f"{document_id}.json"
        if not sent.exists():
            return None
        document = document_read(sent.read_bytes())
        due_day = month_first_day(month_index(document["month"]) + 1) + dt.timedelta(days=14)
        paid_on = min(due_day, timezone.localdate())  # a payment is never dated in the future
        rows = [canonical({"document_id": document_id, "checksum": ""})]
        for line in document["lines"]:
            due = line["employer_cents"] + line["employee_cents"]
            if due == 0:  # nothing to collect: settled
                status, paid = "PAID", 0
            elif line["person_id"] in self.unpaid_persons or line["scheme"] in self.unpaid_schemes:
                status, paid = "UNPAID", 0
            elif line["person_id"] in self.part_paid_persons and due > 1:
                status, paid = "PART_PAID", due // 2
            else:
                status, paid = "PAID", due
            result = {"person_id": line["person_id"], "scheme": line["scheme"], "status": status}
            result |= {"paid_cents": paid, "paid_on": paid_on.isoformat() if status != "UNPAID" else None}
            rows.append(json.dumps(result, sort_keys=True).encode())
        raw = b"\n".join(rows) + b"\n"
        _write_whole(answer, raw)
        return raw

    def receipt_files(self) -> list[str]:
        return sorted(p.name.removesuffix(".jsonl") for p in self._box("receipts").glob("*.jsonl"))

    def fetch_receipt_file(self, name: str) -> bytes:
        return (self._box("receipts") / f"{name}.jsonl").read_bytes()

    def pay_late(
        self,
        *,
        document_id: str,
        receipt_id: str,
        paid_on: dt.date,
        person_id: int,
        cents: dict[str, int] | None = None,
    ) -> str:
        """The tax authority's side: the employer paid, on ``paid_on``, the person's lines of a document
        whose results are out - ``cents`` per scheme, or (None) everything its results left unpaid. Writes
        a receipts file of that one receipt and returns its name."""
        document = document_read((self._box("inbox") / f"{document_id}.json").read_bytes())
        answered = (self._box("outbox") / f"{document_id}.results.jsonl").read_text().splitlines()[1:]
        paid = {(r["person_id"], r["scheme"]): r["paid_cents"] for r in map(json.loads, answered)}
        lines = []
        for line in document["lines"]:
            if line["person_id"] != person_id:
                continue
            owed = line["employer_cents"] + line["employee_cents"] - paid.get((person_id, line["scheme"]), 0)
            amount = owed if cents is None else cents.get(line["scheme"], 0)
            if amount > 0:
                lines.append({"person_id": person_id, "scheme": line["scheme"], "paid_cents": amount})
        name = f"{paid_on.isoformat()}-{receipt_id}"
        receipt = {"receipt_id": receipt_id, "document_id": document_id, "paid_on": paid_on.isoformat(), "lines": lines}
        raw = canonical({"receipts_file": name}) + b"\n" + json.dumps(receipt, sort_keys=True).encode() + b"\n"
        _write_whole(self._box("receipts") / f"{name}.jsonl", raw)
        return name


def _write_whole(path: Path, raw: bytes) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, then renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
