"""``socsec serve`` (waitress, or Granian's worker processes with ``--processes``) writes an access line
per request, with the client's address taken from a trusted proxy's ``X-Forwarded-For``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from socsec.cli.serve_prefork import ProcessVariablesDropped, TrustedProxy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("server_options", [[], ["--processes", "2", "--threads", "2"]], ids=["waitress", "prefork"])
def test_serve_logs_each_request_without_its_query(tmp_path, migrated_var, server_options):
    var = migrated_var.copy_to(tmp_path / "var")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "socsec.cli",
            "serve",
            "--port",
            str(port),
            "--trusted-proxy",
            "127.0.0.1",
            *server_options,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its workers too are stopped at the end, whatever happened
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
        _answers(request)
        assert logged.wait(timeout=20), "".join(lines)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        finally:
            _stop_group(server)
        reader.join(timeout=10)
    access = [line for line in lines if '"GET /healthz"' in line]
    assert len(access) == 1, "".join(lines)
    assert access[0].startswith('203.0.113.5 "GET /healthz" 200 ')
    assert "ss_secret" not in "".join(lines)


def test_workers_stopped_while_they_load_the_site_stop_at_once(tmp_path, migrated_var):
    """Stopped as soon as Granian has started its worker processes, while each still loads the site, the
    server exits within seconds (a worker used to miss the stop and run on until killed 30 s later)."""
    var = migrated_var.copy_to(tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    command = [sys.executable, "-m", "socsec.cli", "serve", "--port", str(_free_port()), "--processes", "2"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # Granian's own log
            if "Spawning worker-2" in line:
                break
        server.terminate()
        assert server.wait(timeout=15) == 0
    finally:
        _stop_group(server)


def test_workers_stop_when_the_process_watching_them_dies(tmp_path, migrated_var):
    """Killed, the process that watches the workers cannot stop them: each notices it is gone (within a
    second) and stops, instead of serving the port on with nothing to replace or stop it."""
    var = migrated_var.copy_to(tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    port = _free_port()
    command = [sys.executable, "-m", "socsec.cli", "serve", "--port", str(port), "--processes", "2"]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    try:
        assert server.stdout is not None
        workers: list[int] = []
        for line in server.stdout:  # Granian's own log: "Started worker-N" once it serves
            if "Spawning worker-" in line:
                workers.append(int(line.rsplit(" ", 1)[1]))
            if "Started worker-2" in line:
                break
        assert len(workers) == 2
        _answers(f"http://127.0.0.1:{port}/healthz")  # the workers are up
        server.kill()
        server.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.2)
        assert not any(_alive(pid) for pid in workers)
    finally:
        _stop_group(server)


def _answers(request: str | urllib.request.Request) -> None:
    """Asks until the server answers 200 (it may be starting: a loaded machine, the suite running in
    parallel, starts it slowly)."""
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 200
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _alive(pid: int) -> bool:
    """Running (a worker reaped by no one once it exits is a zombie until the session's leader goes)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _stop_group(server: subprocess.Popen[str]) -> None:
    """Kills what is left of the server's session: its workers too, if it died before them."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def _seen(proxy: str, environ: dict[str, str]) -> dict[str, str]:
    seen: dict[str, str] = {}

    def app(env: dict[str, str], start_response: object) -> list[bytes]:
        seen.update(env)
        return []

    TrustedProxy(app, proxy)({"wsgi.url_scheme": "http", **environ}, lambda *a: None)
    return seen


def test_the_trusted_proxy_names_the_client_and_the_scheme():
    seen = _seen(
        "10.0.0.1",
        {
            "REMOTE_ADDR": "10.0.0.1",
            "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.5",
            "HTTP_X_FORWARDED_PROTO": "https",
        },
    )
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("203.0.113.5", "https")
    assert "HTTP_X_FORWARDED_FOR" not in seen


def test_another_peer_cannot_forge_its_address_or_scheme():
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "HTTP_X_FORWARDED_PROTO": "https"}
    for proxy in ("10.0.0.1", ""):
        seen = _seen(proxy, {"REMOTE_ADDR": "192.0.2.9", **forged})
        assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("192.0.2.9", "http")
        assert "HTTP_X_FORWARDED_FOR" not in seen and "HTTP_X_FORWARDED_PROTO" not in seen


def test_the_process_variables_granian_adds_are_not_the_requests():
    seen: dict[str, str] = {}

    def app(env: dict[str, str], start_response: object) -> list[bytes]:
        seen.update(env)
        return []

    process = {"DATABASE_URL": "postgresql://u:pw@db/socsec", "HTTP_PROXY": "http://10.0.0.2:3128", "PATH_INFO": "/"}
    environ = process | {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "HTTP_ACCEPT": "*/*"}
    ProcessVariablesDropped(app, process)(environ, lambda *a: None)
    assert seen == {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "HTTP_ACCEPT": "*/*"}


def test_a_requests_own_names_in_the_process_environment_are_not_passed_on(monkeypatch):
    """A process variable named as a request's own (CONTENT_TYPE, CONTENT_LENGTH, ...) would stand in a
    request that has none (Granian builds each environ on the process's): the workers drop them."""
    from socsec.cli.serve_prefork import REQUEST_KEYS, site

    monkeypatch.setenv("CONTENT_TYPE", "leaked/type")
    monkeypatch.setenv("CONTENT_LENGTH", "12")
    monkeypatch.setenv("SOCSEC_SOME_SETTING", "1")
    app = site("")
    assert "CONTENT_TYPE" not in os.environ and "CONTENT_LENGTH" not in os.environ
    assert isinstance(app, ProcessVariablesDropped)
    assert "SOCSEC_SOME_SETTING" in app.names and not REQUEST_KEYS & set(app.names)
