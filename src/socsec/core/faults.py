"""Named fault points for the fault tests (pure: no Django). ``SOCSEC_FAULT=point`` kills the process
(SIGKILL, as a power cut would) when it reaches ``point``; ``SOCSEC_FAULT=point:enospc`` raises a full
disk there, ``point:erofs`` a read-only file system, ``point:stop`` stops the process (SIGSTOP) for the test to
look at what it holds before killing it. Several points are separated by commas. Unset, or in the production
profile (``SOCSEC_PROFILE=production``, whatever ``SOCSEC_FAULT`` says), a fault point does nothing."""

from __future__ import annotations

import errno
import os
import signal

VARIABLE = "SOCSEC_FAULT"
ERRORS = {"enospc": errno.ENOSPC, "erofs": errno.EROFS, "eio": errno.EIO}


def fault(point: str, path: object = None) -> None:
    """Fail here if the environment names this point (see the module's doc)."""
    spec = os.environ.get(VARIABLE)
    if not spec or os.environ.get("SOCSEC_PROFILE", "").strip() == "production":
        return
    for item in spec.split(","):
        name, _, how = item.strip().partition(":")
        if name != point:
            continue
        if how in ERRORS:
            number = ERRORS[how]
            raise OSError(number, os.strerror(number), None if path is None else str(path))
        os.kill(os.getpid(), signal.SIGSTOP if how == "stop" else signal.SIGKILL)
