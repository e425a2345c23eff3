"""The log of reads of personal data: who read which person's data, why, what, and when.

``log_personal_read`` is called by the pages, API endpoints and exports that show a person's data to
someone other than that person, one row per person read (in bulk for lists). A worker reading their own
data is not logged: the log answers "who else has seen my data", and a worker's own page views would
bury the answer (and write on every page a worker opens)."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from socsec.core.bulk import insert_rows
from socsec.core.db import write_briefly
from socsec.notifications import recipients
from socsec.notifications.services import notify_many
from socsec.registry.models import Organisation

from .models import PersonalDataAccess, ReadPurpose
from .services import Actor

# What was read: the kind labels the callers log, as a person reads them.
READ_KINDS: dict[str, str | Promise] = {
    "person": _("personal details"),
    "person record": _("personal details, work and coverage"),
    "person search": _("a search result"),
    "engagements": _("work with platforms and employers"),
    "coverage": _("coverage"),
    "claim": _("a claim"),
    "claims": _("claims"),
    "claim queue": _("claims (work queue)"),
    "insured records": _("insured records (anonymised export)"),
    "bank file": _("a bank file (payment instructions)"),
    "audit trail": _("audit trail entries"),
    "death notice": _("a death notice"),
    "partner lookup": _("personal details sent to another department"),
    "employer contributions": _("contributions an employer declared"),
    "pensioner check": _("the yearly check of pensioners"),
    "pension accounts": _("pension individual account balances"),
    "claim search": _("claims (a search)"),
    "suspension": _("a stopped benefit"),
    "suspension queue": _("stopped benefits (work queue)"),
    "contributions collected": _("contributions the tax authority collected"),
    "transfer queue": _("pension transfers (work queue)"),
    "risk case": _("a risk case and its evidence"),
    "risk queue": _("risk cases (work queue)"),
    "enquiries": _("questions handed over to officers"),
    "assistant log": _("questions to the help assistant and its answers"),
    "payment account": _("a payment account and its bank check"),
}


def log_personal_read(
    *, actor: Actor, role: str, person_ids: Iterable[int], purpose: ReadPurpose, what: str, agreement: str | None = None
) -> int:
    """One row per distinct person read; nothing for an empty list; ``agreement``: the reference a partner
    read under. Returns the rows written."""
    now = timezone.now()
    rows = [
        PersonalDataAccess(
            at=now,
            person_id=person_id,
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            actor_organisation_id=actor.organisation_id,
            actor_role=role,
            actor_label=actor.label,
            purpose=purpose,
            what=what,
            agreement=agreement,
        )
        for person_id in dict.fromkeys(person_ids)
    ]
    columns = [f.attname for f in PersonalDataAccess._meta.concrete_fields if not f.primary_key]
    values = [[getattr(row, name) for name in columns] for row in rows]
    if rows and not write_briefly(lambda: _write_reads(columns, values, rows)):
        _spool(rows)  # a batch job holds SQLite's write lock: kept in a file, loaded by reads_load_spooled
    return len(rows)


def _write_reads(columns: list[str], values: list[list[object]], rows: list[PersonalDataAccess]) -> None:
    """The reads and, for those by another organisation, the notices telling each person (one a day per
    person and organisation), in one transaction; reads that fit one statement and tell no one new are that
    statement alone (atomic by itself, without a transaction's two round trips)."""
    due = _notices_due(rows)
    if not due and connection.in_atomic_block is False and len(rows) * len(columns) <= _ONE_STATEMENT:
        insert_rows(PersonalDataAccess, columns, values, returning=False)
        return
    with transaction.atomic():
        insert_rows(PersonalDataAccess, columns, values, returning=False)
        _notify(due)


_ONE_STATEMENT = 999  # variables one INSERT holds on any database (SQLite's least limit): insert_rows writes one


# (recipient, dedupe key) of the read notices this process saw committed: a notice is once a day per person
# and reader (the table's unique key keeps it so), so a reader's next reads that day need not write it again
_TOLD_MAX = 100_000
_told: set[tuple[str, str]] = set()
_told_lock = threading.Lock()


def reads_told_forget() -> None:
    """Forgets the notices remembered as given: the next read of each writes its notice again (a no-op)."""
    with _told_lock:
        _told.clear()


def _remember_told(keys: list[tuple[str, str]]) -> None:
    with _told_lock:
        if len(_told) + len(keys) > _TOLD_MAX:
            _told.clear()
        _told.update(keys)


def reads_notify(rows: Sequence[PersonalDataAccess]) -> None:
    """Tell each person whose data an organisation (a platform, an employer) or another department under an
    agreement read: one notice a day per person and reader. A notice this process saw committed today is
    not written again (it would change nothing)."""
    _notify(_notices_due(rows))


_Due = list[tuple[PersonalDataAccess, str, str, str]]  # (read, recipient, day, dedupe key)


def _notices_due(rows: Sequence[PersonalDataAccess]) -> _Due:
    """The reads whose notice is to be written: by an organisation or under an agreement, not yet told."""
    due: _Due = []
    for r in rows:
        if r.actor_organisation_id is None and not r.agreement:
            continue
        day = timezone.localtime(r.at).date().isoformat()
        if r.actor_organisation_id is not None:
            key = f"{r.actor_organisation_id}:{day}"
        else:  # a department: its agreement is the key
            key = f"agreement:{r.agreement}:{day}"
        recipient = recipients.person(r.person_id)
        if (recipient, key) not in _told:
            due.append((r, recipient, day, key))
    return due


def _notify(due: _Due) -> None:
    if not due:
        return
    names = dict(
        Organisation.objects.filter(
            pk__in={r.actor_organisation_id for r, *_ in due if r.actor_organisation_id is not None}
        ).values_list("pk", "name")
    )
    notices = []
    for r, recipient, day, key in due:
        with translation.override(None):  # what was read, as the catalogue's msgid, shown translated
            what = str(READ_KINDS.get(r.what, r.what))
        # an organisation by its name; a department by its label
        reader = names.get(r.actor_organisation_id, "") if r.actor_organisation_id is not None else r.actor_label
        notices.append((recipient, {"reader": reader, "what": what, "day": day}, key))
    notify_many(event="data.read", rows=notices)
    given = [(recipient, key) for _r, recipient, _day, key in due]
    transaction.on_commit(partial(_remember_told, given))


def log_personal_reads_in_batches(
    *, actor: Actor, role: str, batches: Iterable[Iterable[int]], purpose: ReadPurpose, what: str
) -> int:
    """An export's reads: one row per person of each batch (the batches hold distinct persons), written as
    they come, by COPY on PostgreSQL. Call it inside the transaction that makes the export count, so the
    reads are logged with it or not at all. Returns the rows written."""
    now = timezone.now()
    who = (actor.user_id, actor.token_id, actor.organisation_id, role, actor.label, str(purpose), what)
    fields = ["at", "person_id", "actor_user_id", "actor_token_id", "actor_organisation_id"]
    fields += ["actor_role", "actor_label", "purpose", "what"]  # no agreement: an export is not a partner's
    table = connection.ops.quote_name(PersonalDataAccess._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY's text format, a batch a block: the person's id ends a line that is otherwise the same
            same = "\t".join(_copy_text(value) for value in (now.isoformat(), *who))
            columns = ", ".join([*fields[:1], *fields[2:], "person_id"])
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for batch in batches:
                    ids = [str(int(person_id)) for person_id in batch]
                    if ids:
                        copy.write(f"{same}\t" + f"\n{same}\t".join(ids) + "\n")
                        written += len(ids)
            return written
        at = connection.ops.adapt_datetimefield_value(now)
        sql = f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
        for batch in batches:
            rows = [(at, person_id, *who) for person_id in batch]
            cursor.executemany(sql, rows)
            written += len(rows)
    return written


def _copy_text(value: object) -> str:
    """A value as COPY's text format writes it: NULL as \\N; backslash, tab and line ends escaped."""
    if value is None:
        return "\\N"
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text


def _spool_dir() -> Path:
    return Path(settings.VAR_DIR) / "spool" / "reads"


def _spool(rows: list[PersonalDataAccess]) -> None:
    """Appends the rows to a file of their own (written whole, fsynced, then renamed into place)."""
    folder = _spool_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fields = [f.attname for f in PersonalDataAccess._meta.concrete_fields if f.attname != "id"]
    lines = [json.dumps({f: getattr(r, f) for f in fields}, default=str, ensure_ascii=False) for r in rows]
    name = f"{time.time_ns()}-{os.getpid()}-{uuid.uuid4().hex}.jsonl"
    temporary = folder / f".{name}.tmp"
    with open(temporary, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, folder / name)


def reads_load_spooled() -> int:
    """Loads the read-log rows that were spooled to files while the database was locked, oldest first, and
    removes their files; a file another process is loading is left to it. Returns the rows loaded; 0 when
    the write lock is still held (they are loaded by a later call)."""
    folder = _spool_dir()
    if not folder.is_dir():
        return 0
    loaded = 0
    for path in sorted(folder.glob("*.jsonl")):
        claimed = path.with_name(f".{path.name}.{os.getpid()}.loading")
        try:
            os.replace(path, claimed)  # one process claims a file
        except FileNotFoundError:
            continue
        rows = [
            PersonalDataAccess(**{**row, "at": dt.datetime.fromisoformat(row["at"])})
            for row in map(json.loads, claimed.read_text(encoding="utf-8").splitlines())
        ]
        if not write_briefly(partial(_load_spooled, rows)):
            os.replace(claimed, path)
            return loaded
        claimed.unlink()
        loaded += len(rows)
    return loaded


def _load_spooled(rows: list[PersonalDataAccess]) -> None:
    with transaction.atomic():
        PersonalDataAccess.objects.bulk_create(rows, batch_size=1000)
        reads_notify(rows)


def personal_reads(
    *,
    person_id: int | None = None,
    actor_user_id: int | None = None,
    actor_organisation_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    agreement: str | None = None,
    purpose: str | None = None,
) -> QuerySet[PersonalDataAccess]:
    """Reads, newest first (by id, so that pages can follow one another by id), with who read (user,
    organisation) joined for display. The views that show the log call ``reads_load_spooled`` first."""
    qs = PersonalDataAccess.objects.select_related("actor_user", "actor_organisation").order_by("-id")
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    if actor_user_id is not None:
        qs = qs.filter(actor_user_id=actor_user_id)
    if actor_organisation_id is not None:
        qs = qs.filter(actor_organisation_id=actor_organisation_id)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    if agreement:
        qs = qs.filter(agreement=agreement)
    if purpose:
        qs = qs.filter(purpose=purpose)
    return qs


def reader_of(read: PersonalDataAccess) -> tuple[str, str]:
    """Who read, as the person whose data it was sees it: the role, and the organisation's or officer's
    name (never an internal id or a token prefix; empty for an export run by the system)."""
    if read.actor_organisation is not None:
        return read.actor_role, read.actor_organisation.name
    if read.actor_user is not None:
        return read.actor_role, read.actor_user.get_full_name() or read.actor_user.username
    if read.agreement:  # a partner (another department): its name, as its reads are logged
        return read.actor_role, read.actor_label
    return read.actor_role, ""
