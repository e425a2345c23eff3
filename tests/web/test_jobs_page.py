"""The officer's page of month jobs: start a job (queued on the database backend), see its progress as
the htmx fragment polled every 2 s, its figures once done, a second job for the month refused, errors in
the reader's language."""

from __future__ import annotations

from django.test import Client

from socsec.jobs.models import Job
from tests.contributions.test_ingest import MONTH, order, send
from tests.jobs.worker import run_pending


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def test_an_officer_starts_the_assessment_and_reads_its_figures(world, data_dir, platform):
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    officer = client_as(world, "officer")
    started = officer.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH})
    job = Job.objects.get()
    assert (started.status_code, started["Location"]) == (302, f"/officer/jobs/{job.pk}/")
    waiting = officer.get(f"/officer/jobs/{job.pk}/").content.decode()
    assert f'hx-get="/officer/jobs/{job.pk}/" hx-trigger="every 2s"' in waiting
    assert "Waiting for the background worker to take it." in waiting
    assert 'aria-valuenow="0"' in waiting
    run_pending()
    fragment = officer.get(f"/officer/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<section id="job-progress"') and "hx-trigger" not in fragment  # polling stops
    assert 'aria-valuemax="5" aria-valuenow="5"' in fragment
    assert "<dt>Invoices issued</dt><dd>1</dd>" in fragment
    assert "<dt>Amount invoiced (yuan)</dt><dd>0.03</dd>" in fragment


def test_a_second_job_for_the_month_is_refused_on_the_page_in_chinese(world, data_dir):
    officer = client_as(world, "officer", "zh-hans")
    officer.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH})
    job = Job.objects.get()
    again = officer.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH})
    page = again.content.decode()
    assert again.status_code == 409
    assert f"{MONTH} 的同类任务已在等待或运行（任务 {job.pk}）：请等其完成" in page
    assert f'<a href="/officer/jobs/{job.pk}/">查看正在进行的任务</a>' in page
    assert Job.objects.count() == 1
    bad = officer.post("/officer/jobs/", {"kind": "PAY_RUN", "month": "2999-01"})
    assert bad.status_code == 422
    assert "月份：2999-01 尚未结束；自 2999-02-01 起方可运行" in bad.content.decode()
    assert officer.post("/officer/jobs/", {"kind": "PAY_RUN", "month": "May"}).status_code == 422
    assert Job.objects.count() == 1


def test_only_officers_and_supervisors_start_jobs(world):
    auditor = client_as(world, "auditor")
    assert 'id="job-start"' not in auditor.get("/officer/jobs/").content.decode()
    assert auditor.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH}).status_code == 403
    assert Job.objects.count() == 0


def test_officers_find_their_new_pages_in_the_nav(world):
    page = client_as(world, "officer").get("/officer/persons/").content.decode()
    assert 'href="/officer/jobs/">Month jobs<' in page
    assert 'href="/officer/persons/new/">Register a person<' in page
    auditor = client_as(world, "auditor").get("/officer/persons/").content.decode()
    assert 'href="/officer/jobs/"' not in auditor and 'href="/officer/persons/new/"' not in auditor


def test_an_officer_marks_a_job_without_a_sign_of_life_interrupted_after_confirming(world):
    import datetime as dt

    from django.utils import timezone

    officer = client_as(world, "officer", "zh-hans")
    officer.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH})
    job = Job.objects.get()
    fresh = officer.get(f"/officer/jobs/{job.pk}/").content.decode()
    assert 'id="job-stale"' not in fresh
    old = timezone.now() - dt.timedelta(minutes=45)
    Job.objects.filter(pk=job.pk).update(status="RUNNING", worker="elsewhere:7", started_at=old, heartbeat_at=old)
    page = officer.get(f"/officer/jobs/{job.pk}/").content.decode()
    assert "此任务已超过 30 分钟没有任何进展：执行它的后台进程可能已停止。" in page
    assert f'<a href="/officer/jobs/{job.pk}/interrupt/">标记为已中断</a>' in page
    confirm = officer.get(f"/officer/jobs/{job.pk}/interrupt/").content.decode()
    assert "<h1>将此任务标记为已中断？</h1>" in confirm and 'id="job-interrupt"' in confirm
    assert Job.objects.get().status == "RUNNING"  # asking changes nothing
    assert client_as(world, "auditor").post(f"/officer/jobs/{job.pk}/interrupt/").status_code == 403
    done = officer.post(f"/officer/jobs/{job.pk}/interrupt/")
    assert (done.status_code, done["Location"]) == (302, f"/officer/jobs/{job.pk}/")
    assert Job.objects.get().status == "FAILED"
    again = officer.post(f"/officer/jobs/{job.pk}/interrupt/")
    assert again.status_code == 409
    assert f"任务 {job.pk} 并非已等待或运行 30 分钟而无任何进展" in again.content.decode()
    restarted = officer.post("/officer/jobs/", {"kind": "ASSESSMENT", "month": MONTH})
    assert restarted.status_code == 302 and Job.objects.count() == 2
