"""Registry writes. Each runs in one transaction, validates every field before writing anything, and
leaves an audit entry. Errors name the field and the reason.

One module per entity: ``regions``, ``organisations``, ``persons``, ``engagements``, ``engagement_ends``
(the limits on ending one, officers' decisions), ``workers`` (a platform registering a worker: person
and engagement together), ``worker_uploads`` (many from a spreadsheet, row by row); ``rows`` holds the
errors of bulk imports. The public writes are re-exported here."""

from .engagement_ends import EndLimit, engagement_end, engagement_end_decide, register_end_limit
from .engagements import engagement_create, engagements_import
from .organisations import organisation_create, organisation_rename
from .persons import PersonData, person_birth_date_correct, person_register, persons_import
from .regions import region_create
from .rows import RowError
from .worker_uploads import WORKER_COLUMNS, WorkersUpload, workers_upload
from .workers import worker_register

__all__ = [
    "EndLimit",
    "PersonData",
    "RowError",
    "WORKER_COLUMNS",
    "WorkersUpload",
    "engagement_create",
    "engagement_end",
    "engagement_end_decide",
    "engagements_import",
    "organisation_create",
    "person_birth_date_correct",
    "organisation_rename",
    "person_register",
    "persons_import",
    "region_create",
    "register_end_limit",
    "worker_register",
    "workers_upload",
]
