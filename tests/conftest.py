"""Shared fixtures. Domain tests run on whichever database DATABASE_URL names (SQLite when unset);
the test command runs the suite on both."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "SOCSEC_VAR_DIR" not in os.environ:  # a var dir of the run's own, gone when the run ends
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-test-")
    atexit.register(shutil.rmtree, os.environ["SOCSEC_VAR_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.world import World, WorldCopy, socsec_models


def _patch_sqlite_flush() -> None:
    """Transactional tests (the browser tests' live server) empty every table between tests. The audit
    table refuses DELETE by trigger, so around a test-database flush the triggers are dropped and put
    back. Only the flush of the test database is affected."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from socsec.audit import triggers

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if "audit_auditentry" not in tables:
            return statements
        return [*triggers.SQLITE_DROP, *statements, *triggers.SQLITE_CREATE]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: fast logins
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        _patch_sqlite_flush()


@pytest.fixture(scope="session")
def world_copy() -> WorldCopy:
    return WorldCopy()


@pytest.fixture
def world(db: None, world_copy: WorldCopy) -> World:
    """The small registry of tests/world.py: built through the services once, then written back."""
    return world_copy.world()


@pytest.fixture
def data_dir(settings, tmp_path):
    """The data dir (order files, lines, bank files) of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def platform(world: World):
    """The RideGo platform's API client, with its token."""
    from django.test import Client

    return Client(headers={"Authorization": f"Bearer {world.platform_token}"})


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("SOCSEC_CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def table_counts() -> dict[str, int]:
    """Rows in every table the services write: every table of every SocSec app."""
    return {model._meta.label: model._base_manager.count() for model in socsec_models()}


@pytest.fixture
def unchanged() -> Iterator[None]:
    """Asserts that nothing was written during the test body."""
    before = table_counts()
    yield
    assert table_counts() == before


ON = dt.date(2026, 5, 1)
