"""Two real SocSec agencies for a test: each a ``socsec serve`` subprocess on its own port with its own
database (a SQLite file in its own var dir; with DATABASE_URL, a PostgreSQL database of its own on that
server), its own agency code, region and signing key. The test drives them from outside: HTTP, the
``socsec`` command, and SQL on their databases."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from socsec.interagency.signing import new_key_text

SOCSEC = [sys.executable, "-m", "socsec.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_admin(url: str, statement: str) -> None:
    """Runs one statement (CREATE or DROP DATABASE) on the server of ``url``, from its maintenance database."""
    import psycopg

    with psycopg.connect(database_url(url, "postgres"), autocommit=True) as conn:
        conn.execute(statement)


def database_url(url: str, name: str) -> str:
    """``url`` naming the database ``name`` on the same server."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


class Agency:
    def __init__(
        self,
        *,
        code: str,
        region: str,
        var: Path,
        extra_env: dict[str, str] | None = None,
        template: str | None = None,
    ) -> None:
        self.code, self.region, self.var = code, region, var
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen[str] | None = None
        base = os.environ.get("DATABASE_URL", "")
        self.database_url = ""
        if base:  # a database of its own on the same server
            name = f"socsec_{code.lower().replace('-', '_')}_{uuid.uuid4().hex[:8]}"
            copied = f' TEMPLATE "{template}"' if template else ""  # a migrated database (tests/conftest.py)
            pg_admin(base, f'CREATE DATABASE "{name}"{copied}')
            self.database_url = database_url(base, name)
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
            "SOCSEC_VAR_DIR": str(var),
            "SOCSEC_AGENCY_CODE": code,
            "SOCSEC_AGENCY_REGION": region,
            "SOCSEC_AGENCY_BASE_URL": self.base_url,
            "SOCSEC_AGENCY_SIGNING_KEY": new_key_text(),
            **(extra_env or {}),
        }
        if self.database_url:
            self.env["DATABASE_URL"] = self.database_url

    def migrate(self) -> None:
        if self.database_url or not (self.var / "socsec.sqlite3").exists():
            self.run("migrate", timeout=600)

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*SOCSEC, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"socsec {' '.join(args)} ({self.code}): {done.returncode}\n{done.stderr[-3000:]}")
        return done

    def module(self, name: str, *args: str, timeout: float = 900) -> str:
        """Runs ``python -m name args`` on this agency's database; its output."""
        done = subprocess.run(
            [sys.executable, "-m", name, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise AssertionError(f"{name} on {self.code}: {done.stderr[-3000:]}")
        return done.stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*SOCSEC, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def start(self) -> None:
        self.server = subprocess.Popen(
            [*SOCSEC, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 180  # a loaded machine starts it slowly
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=30) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
            if self.server.poll() is not None:
                raise AssertionError(f"socsec serve ({self.code}) exited with {self.server.returncode}")
        raise AssertionError(f"socsec serve ({self.code}) did not answer")

    def kill(self) -> None:
        """SIGKILL: no shutdown, whatever it was doing."""
        assert self.server is not None
        self.server.send_signal(signal.SIGKILL)
        self.server.wait(timeout=30)
        self.server = None

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
            self.server = None

    def drop(self) -> None:
        self.stop()
        if self.database_url:
            name = urlparse(self.database_url).path.lstrip("/")
            pg_admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        """The rows of a read on this agency's database."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return [tuple(row) for row in conn.execute(query).fetchall()]
        with sqlite3.connect(self.var / "socsec.sqlite3", timeout=30) as conn:
            return [tuple(row) for row in conn.execute(query).fetchall()]

    def one(self, query: str) -> Any:
        (row,) = self.sql(query)
        return row[0]
