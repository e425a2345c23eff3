"""The service-feedback pages through Django's test client: a worker rates a service completed for them
(and a bad rating is refused with nothing written); the supervisor's figures and CSV; who may open which."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from socsec.feedback.models import ServiceRating
from tests.feedback.conftest import decided_claim

pytestmark = pytest.mark.django_db


def client_as(world, role: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


@pytest.fixture
def decided(world):
    today = timezone.localdate()
    return decided_claim(
        world.rider,
        submitted=today - dt.timedelta(days=30),
        due=today + dt.timedelta(days=30),
        decided=today - dt.timedelta(days=10),
    )


def test_a_worker_rates_a_decided_claim_once(world, decided):
    client = client_as(world, "worker")
    page = client.get("/me/services/")
    assert page.status_code == 200
    assert f'data-subject="{decided.pk}"' in page.content.decode()
    sent = client.post(
        "/me/services/", {"service": "CLAIM_DECISION", "subject": decided.pk, "rating": "4", "comment": "fast"}
    )
    assert sent.status_code == 302
    assert list(ServiceRating.objects.values_list("subject_id", "rating", "comment")) == [(decided.pk, 4, "fast")]
    page = client.get("/me/services/").content.decode()
    assert f'data-subject="{decided.pk}"' not in page and "4 / 5" in page
    again = client.post("/me/services/", {"service": "CLAIM_DECISION", "subject": decided.pk, "rating": "1"})
    assert again.status_code == 409
    assert "has already been rated" in again.content.decode()
    assert ServiceRating.objects.get().rating == 4


def test_a_bad_rating_is_refused_in_chinese_and_nothing_is_written(world, decided):
    client = client_as(world, "worker", "zh-hans")
    refused = client.post("/me/services/", {"service": "CLAIM_DECISION", "subject": decided.pk, "rating": "9"})
    assert refused.status_code == 422
    assert "请选择 1 到 5 的评分" in refused.content.decode()
    other = client.post("/me/services/", {"service": "CLAIM_DECISION", "subject": decided.pk + 999, "rating": "3"})
    assert other.status_code == 404
    assert ServiceRating.objects.count() == 0


def test_the_supervisor_sees_the_figures_and_downloads_them(world, decided):
    client = client_as(world, "supervisor")
    today = timezone.localdate()
    page = client.get("/supervisor/services/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-service="CLAIM_DECISION" data-province="110000"' in text
    assert "Regulations on Work-Related Injury Insurance Art 20(1)" in text
    download = client.get(f"/supervisor/services/?start={today - dt.timedelta(days=30)}&end={today}&format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["service", "province", "limit_days", "completed"]
    assert rows[1] == ["CLAIM_DECISION", "ALL", "60", "1", "1", "100.0", "20.0", "20", "0", ""]
    assert rows[2] == ["CLAIM_DECISION", "110000", "60", "1", "1", "100.0", "20.0", "20", "0", ""]
    bad = client.get("/supervisor/services/?start=2026-13-01")
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("officer", "/supervisor/services/", 403),
        ("worker", "/supervisor/services/", 403),
        ("supervisor", "/me/services/", 403),
        ("anonymous", "/me/services/", 302),
    ],
)
def test_who_may_open_which(world, role, url, status):
    assert client_as(world, role).get(url).status_code == status
