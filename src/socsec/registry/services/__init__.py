"""Registry writes. Each runs in one transaction, validates every field before writing anything, and
leaves an audit entry. Errors name the field and the reason.

One module per entity: ``regions``, ``organisations``, ``persons``, ``engagements``, ``workers`` (a
platform registering a worker: person and engagement together); ``rows`` holds the errors of bulk
imports. The public writes are re-exported here."""

from .engagements import engagement_create, engagement_end, engagements_import
from .organisations import organisation_create
from .persons import PersonData, person_register, persons_import
from .regions import region_create
from .rows import RowError
from .workers import worker_register

__all__ = [
    "PersonData",
    "RowError",
    "engagement_create",
    "engagement_end",
    "engagements_import",
    "organisation_create",
    "person_register",
    "persons_import",
    "region_create",
    "worker_register",
]
