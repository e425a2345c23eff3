"""The API's hot reads cost a fixed number of queries, whatever the data's size, once a platform's token
is remembered: a platform's invoices and an order batch one each (no token read, no session, no write),
a person with the read logged (the person, the check that the platform engages them and the name it declared
in one select, and the log's insert), and a worker's coverage with its explanation."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.contributions.models import AssessmentRun, Invoice, OrderBatch
from socsec.registry.services import engagement_create
from tests.world import SYSTEM


def _invoices(world, first: int, count: int) -> None:
    for n in range(first, first + count):
        month = f"2025-{n % 12 + 1:02d}"
        run = AssessmentRun.objects.create(
            month=month, sequence=n + 1, kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=100
        )
        Invoice.objects.create(
            run=run,
            platform=world.platform,
            province=world.platform.registered_region.parent,
            month=month,
            order_count=1,
            amount_cents=100,
            issued_on=dt.date(2025, 1, 1),
            due_on=dt.date(2025, 1, 15),
        )


def _queries(client: Client, path: str) -> list[str]:
    assert client.get(path).status_code == 200  # the token (or session) is read once here
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return [q["sql"] for q in queries.captured_queries]


def test_a_platforms_invoices_are_one_query_at_any_count(world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    _invoices(world, 0, 1)
    one = _queries(client, "/api/invoices")
    _invoices(world, 1, 12)
    many = _queries(client, "/api/invoices")
    assert len(one) == len(many) == 1
    assert len(client.get("/api/invoices").json()["items"]) == 13


def test_an_order_batch_is_one_query(world):
    batch = OrderBatch.objects.create(platform=world.platform, idempotency_key="k", content_sha256="0", source="api")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    queries = _queries(client, f"/api/orders/batches/{batch.pk}")
    assert len(queries) == 1 and "contributions_orderbatch" in queries[0]


def test_a_person_costs_the_same_queries_with_more_engagements(world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    path = f"/api/persons/{world.rider.pk}"
    before = _queries(client, path)
    for year in (2019, 2020, 2021):
        engagement_create(
            actor=SYSTEM,
            person=world.rider,
            organisation=world.platform,
            category="CIVIL_LAW",
            sector="RIDE_HAILING",
            work_region="440300",
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 6, 30),
        )
    after = _queries(client, path)
    assert len(before) == len(after)
    read = [sql for sql in after if '"registry_person"' in sql or '"registry_engagement"' in sql]
    assert len(read) == 1 and '"registry_engagement"' in read[0]  # the person, the check and the declaration
    assert not any('"accounts_apitoken"' in sql for sql in after)
    assert sum(sql.startswith('INSERT INTO "audit_personaldataaccess"') for sql in after) == 1  # still logged


def test_a_workers_explained_coverage_costs_the_same_queries_with_more_engagements(world):
    client = Client()
    client.force_login(world.users["worker"])
    path = "/api/me/coverage?explain=true&on=2026-05-01"
    before = _queries(client, path)
    engagement_create(
        actor=SYSTEM,
        person=world.rider,
        organisation=world.agency,
        category="CIVIL_LAW",
        sector="OTHER_SERVICES",
        work_region="110100",
        start_date=dt.date(2025, 1, 1),
    )
    after = _queries(client, path)
    assert len(before) == len(after) <= 6
    assert not any(sql.startswith(("UPDATE", "INSERT")) for sql in after)
