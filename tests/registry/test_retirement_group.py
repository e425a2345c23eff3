"""A person's original retirement group (men 60, women 55 or women workers 50) is recorded with their sex:
stated at registration or the sex's first group, refused when it is not one of the sex's; the rules refuse
an unknown sex code instead of taking it for a woman of the 55 group."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from socsec.core.errors import ValidationFailed
from socsec.registry.models import Person
from socsec.registry.services import person_register
from socsec.rules.engine import RuleViolation, calc
from tests.world import SYSTEM, resident_id


def test_a_woman_worker_is_registered_in_the_50_group_and_retires_by_its_steps(world):
    worker = person_register(
        actor=SYSTEM,
        resident_id=resident_id("110105", "19760301", 22),
        name="钱芳",
        residence_region="110100",
        retirement_group="WOMEN_50",
    )
    assert (worker.sex, worker.retirement_group) == ("F", "WOMEN_50")
    on = "2026-01-01"
    group = {"sex": worker.sex, "retirement_group": worker.retirement_group}
    assert calc("statutory_retirement_age_months", on, birth_date=worker.birth_date, **group).value == 608


def test_without_a_group_men_are_60_and_women_55(world):
    man = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "19800101", 11), name="孙强", residence_region="110100"
    )
    woman = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "19800101", 12), name="李娜", residence_region="110100"
    )
    assert [(man.sex, man.retirement_group), (woman.sex, woman.retirement_group)] == [
        ("M", "MEN_60"),
        ("F", "WOMEN_55"),
    ]


def test_a_group_of_the_other_sex_is_refused_and_nothing_written(world):
    before = Person.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        person_register(
            actor=SYSTEM,
            resident_id=resident_id("110105", "19800101", 13),
            name="周伟",
            residence_region="110100",
            retirement_group="WOMEN_50",
        )
    assert refused.value.details["fields"] == {
        "retirement_group": ["'WOMEN_50' is not a retirement group of sex M (MEN_60)."]
    }
    assert Person.objects.count() == before


def test_the_database_refuses_a_group_of_the_other_sex(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=world.rider.pk).update(
            retirement_group="WOMEN_50" if world.rider.sex == "M" else "MEN_60"
        )


@pytest.mark.parametrize(
    ("sex", "group", "message"),
    [
        ("X", "WOMEN_55", "sex 'X' is not M or F"),
        ("", "WOMEN_55", "sex '' is not M or F"),
        ("M", "WOMEN_50", "retirement group 'WOMEN_50' is not one of sex M (MEN_60)"),
        ("F", "MEN_60", "retirement group 'MEN_60' is not one of sex F (WOMEN_55, WOMEN_50)"),
        ("F", "", "retirement group '' is not one of sex F (WOMEN_55, WOMEN_50)"),
    ],
)
def test_the_rules_refuse_an_unknown_sex_or_group(sex, group, message):
    with pytest.raises(RuleViolation, match=re.escape(message)):
        calc("statutory_retirement_age_months", "2026-01-01", birth_date="1976-03-01", sex=sex, retirement_group=group)
    with pytest.raises(RuleViolation, match=re.escape(message)):
        calc(
            "coverage_employee_pension",
            "2026-01-01",
            birth_date="1976-03-01",
            sex=sex,
            retirement_group=group,
            labour_relation=True,
            other_work=False,
        )
