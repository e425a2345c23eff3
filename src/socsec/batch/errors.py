"""The batch layer's error: a month or its order files cannot be assessed."""

from __future__ import annotations


class AssessmentError(ValueError):
    """The month or the order files cannot be assessed; the message says which and why."""


class UnreadableFiles(AssessmentError):
    """Order files of the month that are not readable Parquet (damaged on disk): nothing is assessed
    until each is repaired or its batch withdrawn."""

    def __init__(self, month: str, paths: list[str]) -> None:
        super().__init__(f"cannot read the orders of {month}: damaged file(s) {', '.join(paths)}")
        self.paths = paths
