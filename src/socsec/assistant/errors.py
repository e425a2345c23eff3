"""The assistant's error codes."""

from __future__ import annotations

from enum import StrEnum


class AssistantErrorCode(StrEnum):
    QUESTION_EMPTY = "question_empty"
    QUESTION_TOO_LONG = "question_too_long"
    NOT_HANDED_OVER = "question_not_handed_over"  # only a question the assistant did not know goes to an officer
    ENQUIRY_ANSWERED = "enquiry_already_answered"
    REPLY_EMPTY = "reply_empty"
