"""The officer overview reads the kept counts of a date, says when they were counted, and lets staff count
again: the button queues the count on the task worker, which keeps a snapshot equal to a full count."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from socsec.coverage.counts import coverage_counts
from socsec.coverage.models import CoverageCountsSnapshot
from socsec.coverage.overview import coverage_overview
from tests.jobs.worker import run_pending

DAY = dt.date(2026, 5, 1)


def client_of(world, role: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[role])
    return client


def test_a_date_never_counted_says_so_and_the_button_counts_it(world, django_capture_on_commit_callbacks):
    officer = client_of(world, "officer")
    page = officer.get(f"/officer/overview/?on={DAY}").content.decode()
    assert "Everyone's coverage on 2026-05-01 has not been counted yet." in page
    assert 'action="/officer/overview/refresh/"' in page and "Count now" in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = officer.post("/officer/overview/refresh/", {"on": DAY.isoformat()})
    assert (answer.status_code, answer["Location"]) == (302, f"/officer/overview/?on={DAY}&queued=1")
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("socsec.coverage.tasks.refresh_coverage_counts", "READY")
    assert CoverageCountsSnapshot.objects.count() == 0  # queued only: the worker counts
    assert "The count is under way in the background" in officer.get(answer["Location"]).content.decode()
    run_pending()
    shown, at = coverage_overview(DAY)
    assert shown == coverage_counts(DAY) and at is not None
    page = officer.get(f"/officer/overview/?on={DAY}").content.decode()
    assert "On 2026-05-01: 3 registered persons, 5 active engagements." in page
    assert f"Counted at {timezone.localtime(at):%Y-%m-%d %H:%M}; registrations" in page
    assert "Count again now" in page


def test_the_overview_in_chinese(world):
    page = client_of(world, "officer", "zh-hans").get(f"/officer/overview/?on={DAY}").content.decode()
    assert "2026-05-01 的全体参保情况尚未统计。" in page and "立即统计" in page


def test_a_worker_cannot_ask_for_a_count(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_of(world, "worker").post("/officer/overview/refresh/", {"on": DAY.isoformat()})
    assert answer.status_code == 403
    assert DBTaskResult.objects.count() == 0


def test_a_count_before_the_rules_is_not_queued(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_of(world, "officer").post("/officer/overview/refresh/", {"on": "1960-01-01"})
    assert (answer.status_code, answer["Location"]) == (302, "/officer/overview/?on=1960-01-01")
    assert DBTaskResult.objects.count() == 0
