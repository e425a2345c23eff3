"""The campaign pages through Django's test client: the segment's size as the filters change, a campaign
refused field by field (in Chinese) with nothing written, one sent once however often the form is sent,
its conversion page; who may open them."""

from __future__ import annotations

import pytest
from django.test import Client

from socsec.campaigns.models import Campaign, CampaignMember
from socsec.notifications.models import Notice
from tests.campaigns.conftest import crowd  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Pension for riders",
    "platform": "zipper",
    "province": "140000",
    "ordered_last_month": "",
    "paid_own": "",
    "control_percent": "25",
    "subject_zh": "养老保险",
    "text_zh": "您可以在网上参加职工养老保险。",
    "subject_en": "Pension",
    "text_en": "You may join the employee pension online.",
    "idempotency_key": "form-1",
}


def client_as(world, role: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_the_segment_size_is_shown_before_sending(world, crowd):  # noqa: F811
    client = client_as(world, "officer", "zh-hans")
    page = client.get("/officer/campaigns/new/")
    assert page.status_code == 200
    assert 'hx-get="/officer/campaigns/preview/"' in page.content.decode()
    size = client.get(
        "/officer/campaigns/preview/", {"platform": "zipper", "province": "140000", "control_percent": 25}
    )
    text = size.content.decode()
    assert (
        'data-size="16"' in text
        and "该细分人群今天有 16 人。" in text
        and "约 12 人将收到，4 人留作对照（25%）。" in text
    )
    young = client.get("/officer/campaigns/preview/", {"platform": "zipper", "age_from": "100"}).content.decode()
    assert 'data-size="0"' in young and "今天没有人在这个细分人群中" in young
    bad = client.get("/officer/campaigns/preview/", {"age_from": "50", "age_to": "20"}).content.decode()
    assert "请先改正下面标出的筛选条件" in bad


def test_a_bad_campaign_is_refused_field_by_field_in_chinese(world, crowd):  # noqa: F811
    client = client_as(world, "officer", "zh-hans")
    page = client.post("/officer/campaigns/new/", {**GOOD, "text_zh": "", "control_percent": "60"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "请用中文和英文写信息。" in text and "对照组为细分人群的百分之 0 到 50。" in text
    empty = client.post("/officer/campaigns/new/", {**GOOD, "age_from": "100"})
    assert empty.status_code == 422
    assert "今天没有人在这个细分人群中：宣传活动至少需要一人。" in empty.content.decode()
    assert (Campaign.objects.count(), CampaignMember.objects.count(), Notice.objects.count()) == (0, 0, 0)


def test_a_campaign_is_sent_once_and_its_results_shown(world, crowd):  # noqa: F811
    client = client_as(world, "officer")
    sent = client.post("/officer/campaigns/new/", GOOD)
    campaign = Campaign.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/officer/campaigns/{campaign.pk}/"
    again = client.post("/officer/campaigns/new/", GOOD)  # a second click, a reload
    assert again["Location"] == sent["Location"]
    assert Campaign.objects.count() == 1
    assert Notice.objects.filter(event="campaign.message").count() == campaign.treated
    assert campaign.treated + campaign.control == 16
    detail = client.get(sent["Location"]).content.decode()
    assert f'<dd id="told">{campaign.treated}</dd>' in detail
    assert "works for Zipper Courier" in detail and 'id="chart-campaign-conversion"' in detail
    assert client.get("/officer/campaigns/").content.decode().count(f"/officer/campaigns/{campaign.pk}/") == 1
    refused = client.get(sent["Location"], {"threshold": "0"})
    assert refused.status_code == 422
    assert client_as(world, "supervisor").get(sent["Location"]).status_code == 200
    assert client.get("/officer/campaigns/999999/").status_code == 404


@pytest.mark.parametrize("role", ["worker", "platform", "auditor"])
def test_only_officers_and_supervisors_run_campaigns(world, role):
    client = client_as(world, role)
    assert client.get("/officer/campaigns/").status_code == 403
    assert client.post("/officer/campaigns/new/", GOOD).status_code == 403
    assert Campaign.objects.count() == 0
