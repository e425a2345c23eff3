"""The feedback app's error codes."""

from __future__ import annotations

from enum import StrEnum


class FeedbackErrorCode(StrEnum):
    ALREADY_RATED = "service_already_rated"
    RATING_WINDOW_CLOSED = "rating_window_closed"
