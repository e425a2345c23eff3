"""A platform's reads of a person are each logged, and the person is told once a day per reader: once this
process saw that notice committed, the next reads that day write the read row alone (no notice query)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.audit.models import PersonalDataAccess
from socsec.audit.reads import reads_told_forget
from socsec.notifications.models import Notice


def test_the_days_notice_is_written_once_and_every_read_is_logged(world, django_capture_on_commit_callbacks):
    reads_told_forget()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    path = f"/api/persons/{world.rider.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert sum('"audit_personaldataaccess"' in sql for sql in sqls) == 1
    assert not any('"notifications_notice"' in sql or '"registry_organisation"' in sql for sql in sqls)
    reads_told_forget()  # another process: writes the notice again, which changes nothing
    assert client.get(path).status_code == 200
    assert PersonalDataAccess.objects.filter(person=world.rider, what="person").count() == 3
    assert Notice.objects.filter(event="data.read", recipient__endswith=str(world.rider.pk)).count() == 1


def test_a_notice_not_committed_is_not_remembered(world):
    reads_told_forget()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    path = f"/api/persons/{world.rider.pk}"
    assert client.get(path).status_code == 200  # the test's transaction never commits: nothing remembered
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    assert any('"notifications_notice"' in q["sql"] for q in queries.captured_queries)
