"""``python -m tests.faultrun ARGS``: the ``socsec`` command with the faults only tests inject.

- ``FAULT_COMMIT=before:N`` / ``after:N`` kills the process (SIGKILL) just before / after its Nth
  database commit; ``FAULT_COMMIT_COUNT=PATH`` writes how many commits the command made to PATH;
  ``FAULT_COMMIT=pause:N`` with ``FAULT_PAUSE=PATH`` creates PATH before the Nth commit and waits there
  until PATH is removed (a test acts while the command is caught half way).
- ``FAKE_CLOCK_DAYS=D`` moves the application's clock D days ahead (the database's stays).
The project's own fault points (``SOCSEC_FAULT``, socsec.core.faults) work here as anywhere."""

from __future__ import annotations

import atexit
import datetime as dt
import os
import signal
import sys
import time
from pathlib import Path


def _count_commits() -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper

    when, _, number = os.environ.get("FAULT_COMMIT", ":0").partition(":")
    target, count_to = int(number), os.environ.get("FAULT_COMMIT_COUNT")
    original = BaseDatabaseWrapper._commit
    commits = [0]

    def _commit(self: BaseDatabaseWrapper) -> None:
        commits[0] += 1
        if commits[0] == target and when == "pause":
            mark = Path(os.environ["FAULT_PAUSE"])
            mark.touch()
            while mark.exists():
                time.sleep(0.02)
        if commits[0] == target and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        original(self)
        if commits[0] == target and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)

    BaseDatabaseWrapper._commit = _commit  # type: ignore[method-assign]
    if count_to:
        atexit.register(lambda: Path(count_to).write_text(str(commits[0])))


def _move_clock(days: int) -> None:
    from django.utils import timezone

    real = timezone.now
    timezone.now = lambda: real() + dt.timedelta(days=days)


def main() -> int:
    if os.environ.get("FAULT_COMMIT") or os.environ.get("FAULT_COMMIT_COUNT"):
        _count_commits()
    if os.environ.get("FAKE_CLOCK_DAYS"):
        _move_clock(int(os.environ["FAKE_CLOCK_DAYS"]))
    from socsec.cli import main as socsec

    return socsec(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
