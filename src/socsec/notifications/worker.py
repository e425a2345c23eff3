"""The delivery worker as a thread beside the web server (the demo's ``socsec serve --worker``); production
runs ``socsec notify deliver`` as a process of its own."""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

from .sending import deliver_due

log = logging.getLogger(__name__)


def start_delivery_thread(interval: float = 5.0) -> threading.Thread:
    """A daemon thread sending what the outbox holds every ``interval`` seconds; an error is logged and the
    next round tries again (what failed stays in the outbox)."""

    def loop() -> None:
        while True:
            try:
                deliver_due()
            except Exception:
                log.exception("notifications: a delivery round failed; the next one tries again")
            finally:
                close_old_connections()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="socsec-notify", daemon=True)
    thread.start()
    return thread
