"""The delivery worker killed mid-send (a real process, SIGKILL) and started again: every notice reaches
every channel exactly once (the SMS provider's record, the mail server's messages) and every delivery
ends sent. The worker is killed once just after the SMS provider took a message (before it was marked
sent) and once just after an email was claimed (before the mail server saw it)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import query, run

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="subprocesses on the embedded SQLite database; no database touched"
)

NOTICES = 20
SETUP = f"""
from django.db import transaction
from socsec.accounts.models import User
from socsec.notifications.models import Contact
from socsec.notifications.services import notify_many
with transaction.atomic():
    users = [User.objects.create(username=f"officer{{i}}", role="OFFICER") for i in range(4)]
    for i, user in enumerate(users):
        Contact.objects.create(recipient=f"user:{{user.pk}}", language="en", email=f"officer{{i}}@example.cn",
                               email_on=True, phone=f"+861380013800{{i}}", sms_on=True)
    rows = [(f"user:{{users[n % 4].pk}}", {{"month": "2026-10", "new": n, "amount": "1.00"}}, str(n))
            for n in range({NOTICES})]
    notify_many(event="payrun.done", rows=rows)
"""


def deliver(var: Path, smtp_port: int, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "SOCSEC_VAR_DIR": str(var),
        "SOCSEC_SMTP_HOST": "127.0.0.1",
        "SOCSEC_SMTP_PORT": str(smtp_port),
        "SOCSEC_NOTIFY_LEASE_SECONDS": "0",  # a claim left by a dead worker is taken back at once
        "SOCSEC_FAULT": fault,
    }
    command = [sys.executable, "-m", "tests.faultrun", "notify", "deliver", "--once"]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_a_worker_killed_mid_send_then_restarted_sends_each_notice_once_per_channel(tmp_path, migrated_var, smtp):
    var = migrated_var.copy_to(tmp_path / "var")
    run(var, "manage", "shell", "-c", SETUP)
    port = smtp.port

    killed = deliver(var, port, "notify.after_send.sms")  # the provider took the first SMS
    assert killed.returncode == -9, killed.stderr
    assert query(var, "SELECT count(*) FROM notifications_smsrecord") == [(1,)]
    assert query(var, "SELECT channel, count(*) FROM notifications_delivery WHERE state = 'SENDING' GROUP BY 1") == [
        ("SMS", 1)
    ]
    killed = deliver(var, port, "notify.before_send.email")  # an email claimed, not yet handed over
    assert killed.returncode == -9, killed.stderr
    done = deliver(var, port)
    assert done.returncode == 0, done.stderr

    states = query(var, "SELECT channel, state, count(*) FROM notifications_delivery GROUP BY 1, 2 ORDER BY 1, 2")
    assert states == [("EMAIL", "SENT", NOTICES), ("INBOX", "SENT", NOTICES), ("SMS", "SENT", NOTICES)]
    keys = [k for (k,) in query(var, "SELECT key FROM notifications_smsrecord")]
    notices = [n for (n,) in query(var, "SELECT id FROM notifications_notice ORDER BY id")]
    assert sorted(keys) == sorted(f"notice-{n}-sms" for n in notices)
    sent_ids = Counter(mail["Message-ID"] for mail in smtp.received)
    assert sent_ids == Counter({f"<notice-{n}-email@socsec.local>": 1 for n in notices})
    retried = query(var, "SELECT channel, attempts FROM notifications_delivery WHERE attempts > 1 ORDER BY channel")
    assert retried == [("EMAIL", 2), ("SMS", 2)]  # the two killed sends, each sent once after the restart
