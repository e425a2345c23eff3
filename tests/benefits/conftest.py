"""The benefits tests' own fixtures."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.benefits import bank_files, payments
from socsec.benefits.models import BenefitPayment
from socsec.contributions.own.payments import own_contribution_pay
from socsec.registry.services import engagement_create, person_register
from tests.benefits.pensions import pension_in_payment
from tests.world import SYSTEM, resident_id


@pytest.fixture(autouse=True)
def bank_file_as_read_back(monkeypatch):
    """Every payment run of these tests (recoveries, beneficiaries, reviews, dependants, held accounts)
    checks that the bank file it wrote as it paid is the one its payments give when read back, byte for
    byte, and names the same persons in the same order."""
    real = bank_files.bank_file_record

    def checked(run, instruction, path, made=None):
        if made is not None:
            text, named = made
            assert text.text() == bank_files.bank_file(run, instruction)
            paid = BenefitPayment.objects.filter(run=run, instruction=instruction).order_by("id")
            assert list(named) == list(dict.fromkeys(paid.values_list("award__claim__person_id", flat=True)))
            assert text.rows == paid.count()
        return real(run, instruction, path, made)

    monkeypatch.setattr(payments, "bank_file_record", checked)


@pytest.fixture
def records(world):
    """Beside the world: own payments of several months and overlapping a labour relation, a pensioner, a
    person past the statutory age with no pension, a labour relation that ended."""
    pay = dict(actor=SYSTEM, scheme="EMPLOYEE_PENSION", declared_base_cents=1000000)
    own_contribution_pay(
        person=world.rider, period_start=dt.date(2026, 3, 1), months=3, today=dt.date(2026, 3, 2), **pay
    )
    own_contribution_pay(person=world.rider, period_start=dt.date(2026, 11, 1), today=dt.date(2026, 11, 2), **pay)
    own_contribution_pay(  # paid ahead into the start year: only the months that have come count
        person=world.rider, period_start=dt.date(2026, 12, 1), months=3, today=dt.date(2026, 12, 2), **pay
    )
    worker = person_register(
        actor=SYSTEM, resident_id=resident_id("440106", "19880204", 44), name="陈静", residence_region="440100"
    )
    engagement_create(
        actor=SYSTEM,
        person=worker,
        organisation=world.employer,
        category="LABOUR_RELATION",
        sector="MANUFACTURING",
        work_region="440100",
        start_date=dt.date(2019, 5, 1),
        end_date=dt.date(2021, 8, 31),
    )
    retired = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "19500101", 55), name="赵刚", residence_region="110100"
    )
    old = person_register(
        actor=SYSTEM, resident_id=resident_id("110105", "19510101", 65), name="孙丽", residence_region="110100"
    )
    pension_in_payment(retired)
    return world, worker, retired, old
