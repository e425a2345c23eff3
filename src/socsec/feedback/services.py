"""Writes: a person rates a service completed for them."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, NotFound, ValidationFailed

from .catalogue import rating_window_days
from .completions import completions
from .errors import FeedbackErrorCode
from .models import Service, ServiceRating

COMMENT_MAX = 500


def service_rate(
    *,
    actor: Actor,
    person_id: int,
    service: str,
    subject_id: int,
    rating: int,
    comment: str = "",
    today: dt.date,
) -> ServiceRating:
    """Record the person's rating (1-5, with an optional comment) of a service completed for them within
    the rating window; once per service. Anything else is refused and nothing is written."""
    if service not in Service.values:
        raise ValidationFailed("unknown service %(service)s", field="service", params={"service": service})
    if not 1 <= rating <= 5:
        raise ValidationFailed(
            "a rating is a whole number from 1 to 5, not %(rating)s", field="rating", params={"rating": rating}
        )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            "the comment has %(length)s characters; at most %(most)s",
            field="comment",
            params={"length": len(comment), "most": COMMENT_MAX},
        )
    kind = Service(service)
    done = (
        completions(kind, today).filter(subject=subject_id, person_id=person_id).values("done_on", "province").first()
    )
    if done is None:  # not completed, or not this person's: the same answer
        raise NotFound(
            "no completed service “%(service)s” %(subject)s of yours",
            field="subject_id",
            params={"service": kind.label, "subject": subject_id},
        )
    window = rating_window_days(today)
    if (today - done["done_on"]).days > window:
        raise ValidationFailed(
            "“%(service)s” was completed on %(day)s; a service may be rated within %(days)s days",
            field="subject_id",
            code=FeedbackErrorCode.RATING_WINDOW_CLOSED,
            params={"service": kind.label, "day": done["done_on"].isoformat(), "days": window},
        )
    try:
        with transaction.atomic():
            given = ServiceRating.objects.create(
                person_id=person_id,
                service=kind,
                subject_id=subject_id,
                rating=rating,
                comment=comment,
                province_code=done["province"],
                completed_on=done["done_on"],
            )
            audit_record(actor=actor, action="feedback.service.rated", instance=given)
    except IntegrityError:
        raise Conflict(
            "“%(service)s” %(subject)s has already been rated",
            code=FeedbackErrorCode.ALREADY_RATED,
            params={"service": kind.label, "subject": subject_id},
        ) from None
    return given
