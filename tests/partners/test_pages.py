"""The partners on the pages: the officers' list and a partner's agreements, feeds and refusals; the
pensioners to look at; the auditors' read log with its filters; the worker's "who read my data" naming
the department and its agreement's purpose, in English and Chinese. The persons shown are logged."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from socsec.audit.models import PersonalDataAccess
from socsec.benefits.models import Award, Claim
from socsec.partners.access import PartnerCall
from socsec.partners.lookups import persons_lookup
from socsec.partners.models import Agreement
from socsec.partners.proof_of_life import pensioners_check_year
from tests.world import SYSTEM


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def partner_read(civil, world) -> None:
    Agreement.objects.filter(pk=civil.agreement.pk).update(purpose_zh="死亡后停发待遇")
    civil.agreement.refresh_from_db()
    call = PartnerCall(agreement=civil.agreement, scopes=frozenset(civil.agreement.scopes))
    persons_lookup(call=call, resident_ids=[world.rider.resident_id], fields=["birth_date"], today=dt.date.today())


def test_the_worker_sees_the_departments_read_and_why(civil, world):
    partner_read(civil, world)
    english = client_as(world, "worker").get("/me/coverage/").content.decode()
    assert "Another department · Civil Affairs Bureau" in english
    assert "stop pensions paid after a death (agreement MCA-2026-01)" in english
    chinese = client_as(world, "worker", "zh-hans").get("/me/coverage/").content.decode()
    assert "其他部门 · 民政局" in chinese
    assert "死亡后停发待遇（协议 MCA-2026-01）" in chinese
    assert "提供给其他部门的个人信息" in chinese


def test_officers_see_partners_and_their_agreements(civil, world):
    client = client_as(world, "officer", "zh-hans")
    listing = client.get("/officer/partners/").content.decode()
    assert "民政局" in listing and "MCA-2026-01" in listing and "有效" in listing
    detail = client.get("/officer/partners/civil-affairs/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Social Insurance Law art. 14" in text
    assert "报送民政死亡登记" in text and "出生日期" in text
    assert client.get("/officer/partners/nobody/").status_code == 404
    assert client_as(world, "worker").get("/officer/partners/").status_code == 403


def test_the_auditors_read_log_filters_by_agreement(civil, world):
    partner_read(civil, world)
    client = client_as(world, "auditor")
    page = client.get("/audit/data-access/", {"agreement": "MCA-2026-01"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Civil Affairs Bureau" in text and "data exchange with another department under an agreement" in text
    assert text.count('<td><a href="?person_id=') == 1
    assert PersonalDataAccess.objects.count() == 1  # the partner's read; the log names persons by number
    assert client_as(world, "officer").get("/audit/data-access/").status_code == 403


def test_the_read_log_api_filters_by_agreement_and_purpose(civil, world):
    partner_read(civil, world)
    client = client_as(world, "auditor")
    body = client.get("/api/personal-data-access", {"agreement": "MCA-2026-01"}).json()
    assert [(i["person_id"], i["reader"], i["agreement"], i["purpose"]) for i in body["items"]] == [
        (world.rider.pk, "Civil Affairs Bureau", "MCA-2026-01", "PARTNER_EXCHANGE")
    ]
    by_purpose = client.get("/api/personal-data-access", {"purpose": "PARTNER_EXCHANGE"}).json()
    assert len(by_purpose["items"]) == 1
    assert client.get("/api/personal-data-access", {"purpose": "NOT_ONE"}).status_code == 422


def test_the_pensioners_to_look_at_are_listed_and_logged(world):
    claim = Claim.objects.create(
        person=world.freelancer,
        kind="PENSION",
        status="AWARDED",
        event_date=dt.date(2015, 1, 1),
        reported_by="OFFICER",
        submitted_on=dt.date(2015, 1, 2),
        decision_due=dt.date(2015, 3, 3),
    )
    Award.objects.create(claim=claim, item="p", label="p", payer="FUND", periodic=True, amount_cents=1, explanation={})
    year = dt.date.today().year
    pensioners_check_year(actor=SYSTEM, year=year)
    page = client_as(world, "officer").get("/officer/pensioner-checks/").content.decode()
    assert world.freelancer.name in page and "no sign in the data: needs attention" in page
    assert PersonalDataAccess.objects.filter(what="pensioner check", person_id=world.freelancer.pk).count() == 1
