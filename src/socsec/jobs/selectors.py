"""Reading jobs for the page."""

from __future__ import annotations

from django.db.models import QuerySet

from socsec.core.errors import NotFound

from .models import Job


def job_get(*, job_id: int) -> Job:
    job = Job.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None:
        raise NotFound("job %(job)s was not found", params={"job": job_id})
    return job


def jobs_recent(*, limit: int = 20) -> QuerySet[Job]:
    return Job.objects.select_related("started_by").order_by("-id")[:limit]
