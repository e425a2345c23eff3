import datetime as dt

import pytest

from socsec.audit.models import AuditEntry
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.registry.models import Engagement, Person
from socsec.registry.services import (
    engagement_create,
    engagement_end,
    engagements_import,
    person_register,
    persons_import,
    worker_register,
)
from tests.world import SYSTEM, resident_id

VALID = resident_id("110105", "19920229", 17)  # a man born on 29 February 1992


def test_register_reads_birth_date_and_sex_from_the_id_and_audits(world):
    person = person_register(actor=SYSTEM, resident_id=VALID.lower(), name="  赵 敏 ", residence_region="110100")
    assert (person.resident_id, person.birth_date, person.sex, person.name) == (
        VALID,
        dt.date(1992, 2, 29),
        "M",
        "赵 敏",
    )
    entry = AuditEntry.objects.get(action="person.register", object_id=str(person.pk))
    assert entry.actor_label == "test"
    assert entry.before is None
    assert "resident_id" not in entry.after  # withheld from the trail by the audit policy
    assert entry.after["birth_date"] == "1992-02-29"


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"resident_id": VALID[:-1] + ("1" if VALID[-1] != "1" else "2")},
            "resident_id",
            "the check digit does not match",
        ),
        ({"resident_id": "11010519920229"}, "resident_id", "must have 18 characters"),
        ({"resident_id": "1101051992022A017X"}, "resident_id", "17 digits"),
        (
            {"birth_date": dt.date(1992, 3, 1)},
            "birth_date",
            "contradicts the resident ID, which gives 1992-02-29",
        ),
        ({"sex": "F"}, "sex", "F contradicts the resident ID"),
        ({"residence_region": "999999"}, "residence_region", "unknown region code '999999'"),
        ({"name": " "}, "name", "is required"),
    ],
)
def test_bad_person_input_names_the_field_and_writes_nothing(world, unchanged, kwargs, field, message):
    args = {"resident_id": VALID, "name": "赵敏", "residence_region": "110100", **kwargs}
    with pytest.raises(ValidationFailed) as caught:
        person_register(actor=SYSTEM, **args)
    assert caught.value.field == field
    assert message in caught.value.message


def test_one_person_per_id(world):
    with pytest.raises(Conflict) as caught:
        person_register(actor=SYSTEM, resident_id=world.rider.resident_id, name="someone", residence_region="110100")
    assert (caught.value.code, caught.value.status, caught.value.field) == (
        "person_exists",
        409,
        "resident_id",
    )


def test_bulk_import_is_all_or_nothing_and_lists_every_bad_row(world, unchanged):
    rows = [
        {"resident_id": VALID, "name": "一", "residence_region": "110100"},
        {"resident_id": VALID, "name": "二", "residence_region": "110100"},
        {"resident_id": "123", "name": "三", "residence_region": "440300"},
        {"resident_id": world.rider.resident_id, "name": "四", "residence_region": "777777"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        persons_import(actor=SYSTEM, rows=rows)
    assert caught.value.details["rows"] == [
        {"row": 2, "field": "resident_id", "message": "repeats row 1."},
        {"row": 3, "field": "resident_id", "message": "must have 18 characters."},
        {"row": 4, "field": "residence_region", "message": "unknown region code '777777'."},
    ]


def test_bulk_import_reports_ids_already_registered(world, unchanged):
    with pytest.raises(ValidationFailed) as caught:
        persons_import(
            actor=SYSTEM,
            rows=[{"resident_id": world.rider.resident_id, "name": "x", "residence_region": "110100"}],
        )
    assert caught.value.details["rows"] == [{"row": 1, "field": "resident_id", "message": "is already registered."}]


def _engagement(world, **overrides):
    args = {
        "actor": SYSTEM,
        "person": world.freelancer,
        "organisation": world.courier,
        "category": "CIVIL_LAW",
        "sector": "INSTANT_DELIVERY",
        "work_region": "140100",
        "start_date": dt.date(2026, 2, 1),
    }
    args.update(overrides)
    return engagement_create(**args)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"category": "GIG"}, "category", "'GIG' is not one of LABOUR_RELATION"),
        ({"sector": "MINING"}, "sector", "'MINING' is not one of"),
        ({"work_region": "000000"}, "work_region", "unknown region code '000000'"),
        ({"end_date": dt.date(2026, 1, 31)}, "end_date", "2026-01-31 is before the start date 2026-02-01"),
        ({"start_date": dt.date(1987, 12, 31)}, "start_date", "1987-12-31 is before the earliest date"),
    ],
)
def test_bad_engagement_input_names_the_field_and_writes_nothing(world, unchanged, overrides, field, message):
    with pytest.raises(ValidationFailed) as caught:
        _engagement(world, **overrides)
    assert caught.value.field == field
    assert message in caught.value.message


def test_no_work_under_sixteen(world):
    child = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "20100602", 21), name="小明", residence_region="110100"
    )
    with pytest.raises(ValidationFailed) as caught:
        _engagement(world, person=child, start_date=dt.date(2026, 6, 1))
    assert caught.value.message == "start_date: the person is under 16 on 2026-06-01 (Labour Law Art. 15)."
    assert _engagement(world, person=child, start_date=dt.date(2026, 6, 2)).pk


def test_overlapping_engagements_with_one_organisation_are_refused(world, unchanged):
    with pytest.raises(Conflict) as caught:
        _engagement(world, person=world.rider, work_region="110100", start_date=dt.date(2025, 1, 1))
    assert caught.value.code == "overlapping_engagement"
    assert f"overlaps engagement {world.rider_eng_courier.pk} with zipper (2024-03-01 to open)" in caught.value.message


def test_engagements_may_follow_each_other_and_run_with_other_organisations(world):
    engagement_end(
        actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2025, 12, 31), today=dt.date(2026, 1, 5)
    )
    later = _engagement(world, person=world.rider, work_region="110100", start_date=dt.date(2026, 1, 1))
    assert later.pk
    entry = AuditEntry.objects.get(action="engagement.end")
    assert (entry.before["end_date"], entry.after["end_date"]) == (None, "2025-12-31")


def test_an_organisation_cannot_register_engagements_for_another(world, unchanged):
    platform_actor = SYSTEM.__class__(label="token:ridego", organisation_id=world.platform.pk)
    with pytest.raises(Forbidden):
        _engagement(world, actor=platform_actor)


def test_worker_registration_is_one_transaction(world, unchanged):
    actor = SYSTEM.__class__(label="token:zipper", organisation_id=world.courier.pk)
    with pytest.raises(ValidationFailed) as caught:
        worker_register(
            actor=actor,
            organisation=world.courier,
            person={"resident_id": VALID, "name": "赵敏", "residence_region": "110100"},
            engagement={
                "category": "CIVIL_LAW",
                "sector": "INSTANT_DELIVERY",
                "work_region": "110100",
                "start_date": dt.date(2026, 3, 1),
                "end_date": dt.date(2026, 2, 1),
            },
        )
    assert caught.value.field == "engagement.end_date"
    assert not Person.objects.with_resident_id(VALID).exists()


def test_worker_registration_reuses_a_registered_person_and_keeps_the_registered_name(world):
    actor = SYSTEM.__class__(label="token:zipper", organisation_id=world.courier.pk)
    engagement = {
        "category": "CIVIL_LAW",
        "sector": "INSTANT_DELIVERY",
        "work_region": "440100",
        "start_date": dt.date(2026, 3, 1),
    }
    person_fields = {"resident_id": world.employee.resident_id, "name": "李娜", "residence_region": "440100"}
    person, eng, created = worker_register(
        actor=actor,
        organisation=world.courier,
        person=person_fields,
        engagement={**engagement, "end_date": dt.date(2026, 12, 31)},
    )
    assert (person.pk, created, eng.organisation_id) == (world.employee.pk, False, world.courier.pk)
    # another name is not refused (the refusal would tell that the ID is registered): it is put on record
    again, later, created_again = worker_register(
        actor=actor,
        organisation=world.courier,
        person={**person_fields, "name": "李四"},
        engagement={**engagement, "start_date": dt.date(2027, 1, 1)},
    )
    again.refresh_from_db()
    assert (again.pk, again.name, created_again) == (world.employee.pk, world.employee.name, False)
    flagged = AuditEntry.objects.filter(action="worker.name_differs")
    assert list(flagged.values_list("object_id", flat=True)) == [str(later.pk)]


def test_engagement_import_checks_overlaps_inside_the_batch(world, unchanged):
    row = {
        "person": world.freelancer,
        "organisation": world.courier,
        "category": "CIVIL_LAW",
        "sector": "INSTANT_DELIVERY",
        "work_region": "140100",
        "start_date": dt.date(2026, 1, 1),
    }
    with pytest.raises(ValidationFailed) as caught:
        engagements_import(actor=SYSTEM, rows=[row, {**row, "start_date": dt.date(2026, 6, 1)}])
    assert caught.value.details["rows"] == [
        {"row": 2, "field": "start_date", "message": "overlaps row 1 (same person and organisation)."}
    ]
    assert Engagement.objects.filter(person=world.freelancer).count() == 1


def test_engagement_import_checks_overlaps_with_the_register(world, unchanged):
    """The rider's courier engagement runs from 2024-03-01, open: a row inside it is refused, a row that
    ends the day before it starts is not (but the batch is written whole or not at all)."""
    row = {
        "person": world.rider,
        "organisation": world.courier,
        "category": "CIVIL_LAW",
        "sector": "INSTANT_DELIVERY",
        "work_region": "110100",
        "start_date": dt.date(2023, 1, 1),
        "end_date": dt.date(2024, 2, 29),
    }
    with pytest.raises(ValidationFailed) as caught:
        engagements_import(
            actor=SYSTEM,
            rows=[row, {**row, "start_date": dt.date(2026, 6, 1), "end_date": None}, {**row, "end_date": None}],
        )
    assert caught.value.details["rows"] == [
        {"row": 2, "field": "start_date", "message": "overlaps a registered engagement with the same organisation."},
        {"row": 3, "field": "start_date", "message": "overlaps row 1 (same person and organisation)."},
        {"row": 3, "field": "start_date", "message": "overlaps a registered engagement with the same organisation."},
    ]


def test_ending_an_engagement_later_cannot_run_into_the_next(world):
    engagement_end(
        actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2025, 12, 31), today=dt.date(2026, 1, 5)
    )
    _engagement(world, person=world.rider, work_region="110100", start_date=dt.date(2026, 1, 1))
    with pytest.raises(Conflict) as caught:
        engagement_end(
            actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2026, 6, 30), today=dt.date(2026, 7, 5)
        )
    assert (caught.value.field, caught.value.code) == ("end_date", "overlapping_engagement")


def test_weak_passwords_are_refused(world, unchanged):
    from socsec.accounts.services import user_create

    with pytest.raises(ValidationFailed) as caught:
        user_create(actor=SYSTEM, username="li", password="short", role="OFFICER")
    assert caught.value.field == "password"
    assert "too short" in caught.value.message
