"""A progress bar through named steps, for commands that run long (``socsec assess``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO


class StepBar:
    """Progress through named steps on a stream (stderr by default): on a terminal, a text bar redrawn in
    place with a carriage return; elsewhere (logs, pipes) one plain line per step. Steps not reported
    (e.g. nothing to write) are skipped."""

    WIDTH = 24

    def __init__(
        self,
        steps: Sequence[tuple[str, str]],
        stream: TextIO | None = None,
        *,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.steps = list(steps)  # (key, label)
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self.drawn = False

    def __call__(self, key: str) -> None:
        keys = [k for k, _ in self.steps]
        if key in keys:
            index = keys.index(key)
            self._draw(index, f"{index + 1}/{len(self.steps)}", self.steps[index][1])

    def finish(self) -> None:
        total = len(self.steps)
        self._draw(total, "done", "")
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def abandon(self) -> None:
        """End the bar's line before an error message (on a terminal)."""
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, done: int, where: str, label: str) -> None:
        elapsed = self.clock() - self.started
        if self.tty:
            filled = round(self.WIDTH * done / len(self.steps))
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {where:>5} {label:<12}{elapsed:7.1f} s")
        else:
            self.stream.write(f"[{where}] {label}\n" if label else f"[{where}] {elapsed:.1f} s\n")
        self.drawn = True
        self.stream.flush()
