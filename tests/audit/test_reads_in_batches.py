"""An export's reads logged in batches: one row per person, every field as given, whatever characters the
reader's label holds (COPY's text format on PostgreSQL escapes them)."""

from __future__ import annotations

from array import array

from django.db import transaction

from socsec.audit.models import PersonalDataAccess, ReadPurpose
from socsec.audit.reads import log_personal_reads_in_batches
from socsec.audit.services import Actor


def test_each_person_of_each_batch_is_logged_with_the_reader_as_given(world):
    people = [world.rider.pk, world.employee.pk]
    actor = Actor(label="cli:a\tb\\c\nd\re \\N", user_id=world.users["officer"].pk)
    with transaction.atomic():
        written = log_personal_reads_in_batches(
            actor=actor,
            role="SYSTEM",
            batches=[array("q", people), array("q"), [people[0]]],
            purpose=ReadPurpose.EXPORT,
            what="insured records",
        )
    assert written == 3
    rows = PersonalDataAccess.objects.order_by("id").values_list(
        "person_id",
        "actor_user_id",
        "actor_token_id",
        "actor_organisation_id",
        "actor_role",
        "actor_label",
        "purpose",
        "what",
    )
    officer = world.users["officer"].pk
    same = (officer, None, None, "SYSTEM", "cli:a\tb\\c\nd\re \\N", "EXPORT", "insured records")
    assert list(rows) == [(people[0], *same), (people[1], *same), (people[0], *same)]
    assert len({r.at for r in PersonalDataAccess.objects.all()}) == 1
    assert all(r.at.tzinfo is not None for r in PersonalDataAccess.objects.all())
