"""``verify``: every file a manifest names, checked against its recorded SHA-256 (or for being there,
where none is recorded). ``sweep``: attempt and temporary files no manifest names, once older than a
grace period (a writer still at work is never touched)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from socsec.core.stored import stored_file_problem

from .named import named_files

# what a writer leaves behind when interrupted, by folder under the data dir: an order batch's attempt
# files, an assessment's lines file, a bank file; and the temporary names of atomic writes anywhere
SWEPT = {"orders": "batch-*.parquet", "corrections": "batch-*.parquet", "assessments": "lines.parquet"}
SWEPT_PAYMENTS = "bank-instructions-*.csv"
TEMPORARY = ".*.tmp"
BY_WORKER = "lines.by-person.parquet"


@dataclass(frozen=True)
class Problem:
    path: Path
    problem: str  # missing, damaged
    owner: str


def verify(data_dir: Path | None = None) -> tuple[int, list[Problem]]:
    """(files checked, problems): each named file absent or not matching its recorded SHA-256."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    problems = []
    named = named_files()
    for f in named:
        path = data_dir / f.path
        # where no SHA-256 is recorded the file must at least be there
        problem = stored_file_problem(path, f.sha256) if f.sha256 else ("" if path.is_file() else "missing")
        if problem:
            problems.append(Problem(path, problem, f.owner))
    return len(named), problems


def sweep(data_dir: Path | None = None, grace_seconds: int | None = None, now: float | None = None) -> list[Path]:
    """Remove attempt and temporary files that no manifest names and that were last written more than
    ``grace_seconds`` ago; returns what was removed."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    grace = settings.SOCSEC_SWEEP_GRACE_SECONDS if grace_seconds is None else grace_seconds
    cutoff = (time.time() if now is None else now) - grace
    named = {str(data_dir / f.path) for f in named_files()}
    candidates: list[Path] = list(data_dir.rglob(TEMPORARY)) if data_dir.is_dir() else []
    for folder, pattern in SWEPT.items():
        candidates += (data_dir / folder).rglob(pattern)
    candidates += (data_dir / "payments").rglob(SWEPT_PAYMENTS)
    # a lines file's copy sorted by worker goes with its lines file
    candidates += [
        p for p in (data_dir / "assessments").rglob(BY_WORKER) if str(p.with_name("lines.parquet")) not in named
    ]
    removed = []
    for path in sorted(set(candidates)):
        if str(path) in named or not path.is_file():
            continue
        try:
            if path.stat().st_mtime > cutoff:
                continue
            path.unlink()
        except FileNotFoundError:
            continue  # gone meanwhile (renamed into place by its writer, or swept by another sweep)
        removed.append(path)
    return removed
