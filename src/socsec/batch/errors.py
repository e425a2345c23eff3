"""The batch layer's error: a month or its order files cannot be assessed."""

from __future__ import annotations


class AssessmentError(ValueError):
    """The month or the order files cannot be assessed; the message says which and why."""
