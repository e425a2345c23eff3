"""The data-quality pages and API: the officer's dashboard (counts per rule and province, the trend's
data, CSV), a finding's page with its prefilled proposal (a bad value refused on the page with 422,
nothing written), the worker's confirmation (twice: 409; another's: 404) and the API's pages."""

from __future__ import annotations

import json

from django.test import Client

from socsec.quality.models import Correction, Finding, QualityRun
from socsec.registry.models import Engagement
from tests.conftest import table_counts

from .test_corrections import findings  # noqa: F401  (the fixture)


def login(world, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users[role])
    return client


def test_the_dashboard_shows_each_rule_by_province_with_its_trend_and_csv(findings):  # noqa: F811
    w = findings
    assert login(w, "worker").get("/officer/quality/").status_code == 403
    assert login(w, "platform").get("/api/quality/findings").status_code == 403
    client = login(w, "auditor")
    page = client.get("/officer/quality/").content.decode()
    run = QualityRun.objects.get()
    assert "Last check as on 2026-05-01" in page and ": 7 findings." in page
    assert "Birth date contradicts the resident ID" in page
    assert "Beijing: 1" in page and "Guangdong: 2" in page
    assert "Run the check now" not in page  # an auditor reads only
    assert "Registered birth date 1972-01-02; the resident ID gives 1972-01-01." in page
    assert (
        f"Engagement {w.rider_eng_courier.pk} with Zipper Courier (from 2024-03-01): last order on 2025-10-03, "
        "none since 2025-11-01." in page
    )
    charts = json.loads(page.split('id="projection-charts" type="application/json">')[1].split("</script>")[0])
    assert charts["years"] == [f"2026-05-01 #{run.pk}"]
    assert {t["name"]: t["y"] for t in charts["charts"][0]["traces"]} == {
        "Platform engagement with no orders for 6 months": [2],
        "Birth date contradicts the resident ID": [1],
        "Contribution withheld by a platform the person is not engaged with": [1],
        "Engagement open after the person's death": [2],
        "Monthly benefit but no phone or e-mail": [1],
        "Bank account number fails its check digit": [0],
    }
    csv = client.get("/officer/quality/?format=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Run,Date,Rule,Province,Findings"
    assert sorted(csv[1:]) == sorted(
        f"{run.pk},2026-05-01,{rule},{province},{n}"
        for rule, province, n in [
            ("award_without_contact", "110000", 1),
            ("birth_date_not_id", "140000", 1),
            ("engagement_after_death", "440000", 2),
            ("engagement_no_orders", "110000", 1),
            ("engagement_no_orders", "440000", 1),
            ("withheld_without_engagement", "140000", 1),
        ]
    )
    filtered = client.get("/officer/quality/?rule=birth_date_not_id").content.decode()
    assert "Registered birth date" in filtered and "Zipper Courier" not in filtered


def test_an_officer_proposes_and_the_worker_confirms_on_the_portal(findings):  # noqa: F811
    w = findings
    zipper = Finding.objects.get(subject=f"engagement:{w.rider_eng_courier.pk}")
    officer = login(w, "officer")
    page = officer.get(f"/officer/quality/findings/{zipper.pk}/").content.decode()
    assert 'value="2025-10-03"' in page
    assert "Filled in from data we hold (taken from the platform&#x27;s last reported order)" in page
    before = table_counts()
    refused = officer.post(f"/officer/quality/findings/{zipper.pk}/", {"new_value": "2031-01-01"})
    assert refused.status_code == 422
    assert "must fall between the engagement&#x27;s start 2024-03-01 and today" in refused.content.decode()
    after = table_counts()  # the page shown again logs its read of the person's data, and nothing else
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit.PersonalDataAccess": 1}
    done = officer.post(
        f"/officer/quality/findings/{zipper.pk}/", {"new_value": "2025-10-03", "note": "No orders since"}
    )
    assert done.status_code == 302
    correction = Correction.objects.get()
    death = Finding.objects.filter(rule="engagement_after_death").first()
    page = officer.get(f"/officer/quality/findings/{death.pk}/").content.decode()
    assert "An officer follows this finding up; the person is not asked to confirm it." in page

    worker = login(w, "worker")
    mine = worker.get("/my/corrections/").content.decode()
    assert "Now —; proposed 2025-10-03 (taken from the platform&#x27;s last reported order)" in mine
    assert "No orders since" in mine
    assert worker.post(f"/my/corrections/{correction.pk}/confirm/").status_code == 302
    assert Engagement.objects.get(pk=w.rider_eng_courier.pk).end_date.isoformat() == "2025-10-03"
    before = table_counts()
    twice = worker.post(f"/my/corrections/{correction.pk}/reject/")
    assert twice.status_code == 409
    assert f"correction {correction.pk} was confirmed by the person and applied already" in twice.content.decode()
    assert worker.post(f"/my/corrections/{correction.pk}/other/").status_code == 404
    assert table_counts() == before


def test_another_persons_correction_is_not_found_and_nothing_changes(findings):  # noqa: F811
    w = findings
    birth = Finding.objects.get(rule="birth_date_not_id")
    login(w, "officer").post(f"/officer/quality/findings/{birth.pk}/", {"new_value": "1972-01-01"})
    correction = Correction.objects.get()
    before = table_counts()
    worker = login(w, "worker")  # the rider; the correction is the freelancer's
    assert worker.post(f"/my/corrections/{correction.pk}/confirm/").status_code == 404
    assert "Nothing to confirm" in worker.get("/my/corrections/").content.decode()
    assert table_counts() == before
    assert Correction.objects.get().state == "PROPOSED"


def test_the_api_pages_the_counts_and_the_findings(findings):  # noqa: F811
    w = findings
    client = login(w, "officer")
    run = QualityRun.objects.get()
    counts = client.get("/api/quality/counts?rule=engagement_no_orders").json()
    assert counts == {
        "items": [
            {"run": run.pk, "on": "2026-05-01", "rule": "engagement_no_orders", "province": "110000", "count": 1},
            {"run": run.pk, "on": "2026-05-01", "rule": "engagement_no_orders", "province": "440000", "count": 1},
        ],
        "next_cursor": None,
    }
    page = client.get("/api/quality/findings?rule=birth_date_not_id").json()
    assert [(f["subject"], f["evidence"]) for f in page["items"]] == [
        (f"person:{w.freelancer.pk}", {"birth_date": "1972-01-02", "id_birth_date": "1972-01-01"})
    ]
    first = client.get("/api/quality/findings?limit=4").json()
    assert len(first["items"]) == 4 and first["next_cursor"]
    rest = client.get(f"/api/quality/findings?limit=4&cursor={first['next_cursor']}").json()
    assert len(rest["items"]) == 3 and rest["next_cursor"] is None
