"""``socsec serve`` writes an access line per request, with the client's address taken from a trusted
proxy's ``X-Forwarded-For``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_logs_each_request_without_its_query(tmp_path, migrated_var):
    var = migrated_var.copy_to(tmp_path / "var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    server = subprocess.Popen(
        [sys.executable, "-m", "socsec.cli", "serve", "--port", str(port), "--trusted-proxy", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    logged = threading.Event()

    def read_stderr() -> None:  # the line is written once the body is sent: wait for it, then stop
        assert server.stderr is not None
        for line in server.stderr:
            lines.append(line)
            if '"GET /healthz"' in line:
                logged.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz?token=ss_secret",
            headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"},
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("socsec serve did not answer")
        assert logged.wait(timeout=20), "".join(lines)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    access = [line for line in lines if '"GET /healthz"' in line]
    assert len(access) == 1, "".join(lines)
    assert access[0].startswith('203.0.113.5 "GET /healthz" 200 ')
    assert "ss_secret" not in "".join(lines)
