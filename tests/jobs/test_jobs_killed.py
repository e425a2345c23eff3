"""A worker process killed in the middle of a job (SIGKILL at the pay run's fault point, before its
commit) leaves nothing of the run, and the job can be started again: the next start marks it interrupted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SHOW = (
    "import json; from socsec.jobs.models import Job; from socsec.benefits.models import PaymentRun; "
    "print(json.dumps({'jobs': list(Job.objects.order_by('id').values_list('status', 'error_code')), "
    "'runs': PaymentRun.objects.count()}))"
)
START = (
    "from socsec.audit.services import Actor; from socsec.jobs.services import job_start; "
    "print(job_start(actor=Actor.system('test'), kind='PAY_RUN', month='2026-05').pk)"
)


def socsec(var, *args: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    env["SOCSEC_VAR_DIR"] = str(var)
    if fault:
        env["SOCSEC_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", "manage", *args], env=env, capture_output=True, text=True, timeout=300
    )


def worker(var, fault: str = "") -> subprocess.CompletedProcess[str]:
    return socsec(var, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--verbosity", "0", fault=fault)


def state(var) -> dict:
    return json.loads(socsec(var, "shell", "-c", SHOW).stdout.strip().splitlines()[-1])


def test_a_worker_killed_mid_job_leaves_the_job_rerunnable(tmp_path, migrated_var):
    var = migrated_var.copy_to(tmp_path)
    assert socsec(var, "shell", "-c", START).returncode == 0
    killed = worker(var, fault="pay.before_commit")
    assert killed.returncode == -9  # SIGKILL inside the pay run's transaction
    assert state(var) == {"jobs": [["RUNNING", ""]], "runs": 0}  # left running; nothing of the run kept
    again = socsec(var, "shell", "-c", START)
    assert again.returncode == 0, again.stderr
    assert worker(var).returncode == 0
    assert state(var) == {"jobs": [["FAILED", "job_interrupted"], ["SUCCEEDED", ""]], "runs": 1}
