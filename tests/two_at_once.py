"""Two requests at the same moment, each in a thread of its own (its own database connection): the first
runs until it signals ``inside`` (it holds what the second will wait for), then the second starts."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def first_then_second(
    first: Callable[[], object], second: Callable[[], object], inside: threading.Event, events: list[str]
) -> dict[str, object]:
    """Each call's answer (or the exception it raised) by name ("first", "second"); ``events`` gets
    "<name> answered" as each ends. The threads are named "first" and "second" (a hook tells them apart)."""
    answers: dict[str, object] = {}
    calls = {"first": first, "second": second}

    def run(name: str) -> None:
        try:
            answers[name] = calls[name]()
        except Exception as exc:  # handed to the test
            answers[name] = exc
        finally:
            events.append(f"{name} answered")
            connections.close_all()

    threads = {name: threading.Thread(target=run, args=(name,), name=name) for name in calls}
    threads["first"].start()
    assert inside.wait(30), "the first request never got inside"
    threads["second"].start()
    for thread in threads.values():
        thread.join()
    return answers
