"""The jobs' error codes."""

from __future__ import annotations

from enum import StrEnum


class JobErrorCode(StrEnum):
    JOB_ACTIVE = "job_active"  # a job of that kind for that month is queued or running
    MONTH_NOT_CLOSED = "month_not_closed"  # a pay run for a month that has not ended
    INTERRUPTED = "job_interrupted"  # the worker running it stopped before it finished
    UNEXPECTED = "job_unexpected"  # an error no service named: the worker's log has the trace
    JOB_NOT_STALE = "job_not_stale"  # marked interrupted while finished or still showing life
