"""Stored data files checked against the SHA-256 their manifest keeps, before anything reads them. A
file found absent or changed is refused with its path (``StoredFileDamaged``); nothing reads on. Pure:
no Django."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from .errors import DomainError, ErrorCode

_checked: dict[str, tuple[int, int, str]] = {}  # path: (size, mtime_ns, sha256) as last read in this process
_lock = threading.Lock()


class StoredFileDamaged(DomainError):
    """A stored file is absent or no longer what its manifest recorded."""

    status = 503
    code = ErrorCode.FILE_DAMAGED


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when there is no such file."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def stored_file_problem(path: Path, sha256: str) -> str:
    """'' when the file is there as recorded; else 'missing' or 'damaged'. A file read once in this
    process and unchanged since (same size and modification time) is not read again."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return "missing"
    key = str(path)
    with _lock:
        seen = _checked.get(key)
    if seen == (stat.st_size, stat.st_mtime_ns, sha256):
        return ""
    actual = file_sha256(path)
    if actual is None:
        return "missing"
    if actual != sha256:
        return "damaged"
    with _lock:
        _checked[key] = (stat.st_size, stat.st_mtime_ns, sha256)
    return ""


def stored_file_check(path: Path, sha256: str, owner: str) -> None:
    """Raise ``StoredFileDamaged`` naming the file (and what holds it: ``owner``) unless it is as recorded."""
    problem = stored_file_problem(path, sha256)
    if problem == "missing":
        raise StoredFileDamaged(
            "stored file %(path)s of %(owner)s is missing",
            params={"path": str(path), "owner": owner},
            details={"path": str(path), "problem": problem},
        )
    if problem:
        raise StoredFileDamaged(
            "stored file %(path)s of %(owner)s is damaged: its SHA-256 is not the %(sha256)s recorded",
            params={"path": str(path), "owner": owner, "sha256": sha256},
            details={"path": str(path), "problem": problem},
        )
