"""Unemployment insurance beyond the benefit: the skill-upgrading subsidy (a year of contributions, an amount
by certificate level) and the job-retention rebate for enterprises (layoffs within the target)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.audit.services import Actor
from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.models import RetentionRebate
from socsec.benefits.payments import pay_month
from socsec.benefits.rebates import retention_rebate_decide
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.world import SYSTEM


def officer(world):
    return Actor(label="officer", user_id=world.users["officer"].pk)


def test_skill_subsidy_for_an_intermediate_certificate(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    claim = claim_submit(
        actor=SYSTEM,
        person=world.employee,  # employed since 2015-03: far more than a year of contributions
        kind="SKILL_SUBSIDY",
        event_date=dt.date(2026, 3, 2),
        facts={"level": "INTERMEDIATE", "certificate": "S-4401-2026-0117"},
        today=dt.date(2026, 3, 5),
    )
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    claim = claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, {}),
        today=dt.date(2026, 3, 9),
    )
    award = claim.awards.get()
    assert (award.item, award.payer, award.periodic, award.amount_cents) == (
        "unemployment_skill_subsidy",
        "FUND",
        False,
        150000,  # Ren She Bu Fa [2017] No. 40: at most 1,500 yuan for an intermediate certificate
    )
    claim_approve(actor=officer(world), claim=claim, expected_version=claim.version)
    pay_month(actor=SYSTEM, month="2026-03", today=dt.date(2026, 4, 1))
    assert balance("fund:UNEMPLOYMENT:440000") == 150000


def test_rebate_for_an_sme_that_kept_its_staff(world):
    rebate = retention_rebate_decide(
        actor=officer(world),
        organisation=world.employer,  # registered in Guangzhou
        year=2024,
        staff=25,
        laid_off=2,  # 8%, within the 20% target of firms of 30 staff or fewer
        enterprise_size="SME",
        premiums_last_year_cents=1234500,
        today=dt.date(2025, 3, 1),
    )
    assert rebate.amount_cents == 740700  # 60% of 12,345.00 yuan (2023-2025)
    assert balance("payable:organisation:factory") == -740700
    assert sum(trial_balance().values()) == 0
    with pytest.raises(Conflict, match="rebate for 2024 is decided already"):
        retention_rebate_decide(
            actor=officer(world),
            organisation=world.employer,
            year=2024,
            staff=25,
            laid_off=2,
            enterprise_size="SME",
            premiums_last_year_cents=1234500,
            today=dt.date(2025, 3, 1),
        )


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"laid_off": 9}, "laid_off", "not eligible"),
        ({"laid_off": 30}, "laid_off", "is not between 0 and the staff (25)"),
        ({"enterprise_size": "HUGE"}, "enterprise_size", "'HUGE' is not LARGE or SME"),
        ({"year": 2031}, "year", "is not a finished year (up to 2024)"),
        ({"year": 2025}, "year", "2025 is not a finished year"),
    ],
)
def test_bad_rebates_write_nothing(world, unchanged, kw, field, words):
    args = {
        "actor": officer(world),
        "organisation": world.employer,
        "year": 2024,
        "staff": 25,
        "laid_off": 2,
        "enterprise_size": "SME",
        "premiums_last_year_cents": 1234500,
        "today": dt.date(2025, 3, 1),
        **kw,
    }
    with pytest.raises(ValidationFailed) as caught:
        retention_rebate_decide(**args)
    assert caught.value.field == field
    assert words in caught.value.message
    assert RetentionRebate.objects.count() == 0


def test_rebate_api_for_officers_only(world):
    body = json.dumps(
        {
            "organisation": "factory",
            "year": 2024,
            "staff": 25,
            "laid_off": 0,
            "enterprise_size": "LARGE",
            "premiums_last_year_cents": 100000,
        }
    )
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    assert platform.post("/api/retention-rebates", body, content_type="application/json").status_code == 403
    staff = Client()
    staff.force_login(world.users["officer"])
    made = staff.post("/api/retention-rebates", body, content_type="application/json")
    assert (made.status_code, made.json()["amount_cents"]) == (201, 30000)  # large: 30%
