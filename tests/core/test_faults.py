"""Fault points: a named point kills (or stops) the process that reaches it, and nothing in the production
profile, whatever the environment says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REACH = "from socsec.core.faults import fault; fault('here'); print('went on')"


def reach(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", REACH], env=os.environ | env, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_named_point_kills_and_another_does_nothing():
    assert reach(SOCSEC_FAULT="here").returncode == -signal.SIGKILL
    went_on = reach(SOCSEC_FAULT="elsewhere, there:enospc")
    assert (went_on.returncode, went_on.stdout) == (0, "went on\n")


def test_in_the_production_profile_no_point_fires():
    went_on = reach(SOCSEC_FAULT="here", SOCSEC_PROFILE="production")
    assert (went_on.returncode, went_on.stdout) == (0, "went on\n")


def test_stop_holds_the_process_until_it_is_killed():
    proc = subprocess.Popen(
        [sys.executable, "-c", REACH], env=os.environ | {"SOCSEC_FAULT": "here:stop"}, stdout=subprocess.PIPE, text=True
    )
    stat = Path(f"/proc/{proc.pid}/stat")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and stat.read_text().split(") ")[1][0] != "T":
        time.sleep(0.01)
    assert stat.read_text().split(") ")[1][0] == "T"  # stopped, not gone on
    proc.kill()
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert proc.stdout is not None and proc.stdout.read() == ""
