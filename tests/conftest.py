"""Shared fixtures. Domain tests run on whichever database DATABASE_URL names (SQLite when unset);
the test command runs the suite on both, and the tests that use no database only on SQLite."""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid

if "SOCSEC_VAR_DIR" not in os.environ:  # a var dir of the run's own, gone when the run ends
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-test-")
    atexit.register(shutil.rmtree, os.environ["SOCSEC_VAR_DIR"], ignore_errors=True)
elif "PYTEST_XDIST_WORKER" in os.environ:  # each parallel worker keeps its files apart from the others'
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(
        prefix=f"{os.environ['PYTEST_XDIST_WORKER']}-", dir=os.environ["SOCSEC_VAR_DIR"]
    )
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
# The `socsec` commands the tests start in subprocesses take tests/settings.py (a fast password hash);
# Django is set up in this process already, and pytest_configure gives it the same hash.
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (os.path.dirname(os.path.dirname(os.path.abspath(__file__))), os.environ.get("PYTHONPATH")) if p
)

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.world import World, WorldCopy, socsec_models


def _patch_sqlite_flush() -> None:
    """Transactional tests (the browser tests' live server) empty every table between tests. The audit
    tables (the trail, the log of reads) refuse DELETE by trigger, so around a test-database flush the
    triggers are dropped and put back. Only the flush of the test database is affected."""
    from django.db.backends.sqlite3.base import DatabaseOperations

    from socsec.audit import triggers

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not {triggers.TABLE, triggers.READS_TABLE} & set(tables):
            return statements
        drop = [*triggers.SQLITE_DROP, *triggers.READS_SQLITE_DROP]
        return [*drop, *statements, *triggers.SQLITE_CREATE, *triggers.READS_SQLITE_CREATE]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def _patch_force_login() -> None:
    """Agency staff reach their pages only with a verified second factor. A test client's
    ``force_login`` of a staff user therefore also gives the user a confirmed TOTP device and verifies it
    in the session, as the verify page does after a code: the middleware's real check still runs. A test
    of the check itself logs in with ``login_without_second_factor``. Being a shortcut, not a login, it
    records no login event (the login page's do: tests/accounts/test_login.py)."""
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from socsec.accounts import login_events

    original = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        user_logged_in.disconnect(dispatch_uid="socsec.login")
        try:
            original(self, user, backend)
        finally:
            user_logged_in.connect(login_events.on_logged_in, dispatch_uid="socsec.login")
        from tests.second_factor import verify_session

        verify_session(self, user)

    Client.force_login = force_login  # type: ignore[method-assign]
    Client.login_without_second_factor = original  # type: ignore[attr-defined]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: fast logins
    settings.SOCSEC_RISK_ON_EVENTS = False  # tests/risk switch the event screening on where they look at it
    _patch_force_login()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        _patch_sqlite_flush()


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _uses_database(item: pytest.Item) -> bool:
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return (
        item.get_closest_marker("django_db") is not None
        or bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        or (cls is not None and issubclass(cls, TransactionTestCase))
    )


# The browser files that also run on PostgreSQL: the walks of every role through its tasks. The other
# browser tests check pages (layout, language, accessibility), which do not depend on the database, so
# they run once, in the SQLite pass.
BROWSER_ON_POSTGRES = {"test_role_walks_browser.py"}


# The files that take longest (a minute to three: the --durations of CI runs on 2 cores), run first.
# scripts/test hands each pytest-xdist worker whole files in the order collected (--dist loadfile
# --no-loadscope-reorder): started last, one of them kept one worker busy for minutes while the other had
# nothing left (70 s of the PostgreSQL pass, 30 s of SQLite's). Longest first, so that the short files fill in.
LONGEST_FIRST = (
    "tests/api/test_fuzz.py",
    "tests/interagency/test_two_agencies.py",
    "tests/web/test_all_pages_browser.py",
    "tests/test_kill_campaign.py",
    "tests/web/test_role_walks_browser.py",
    "tests/test_cli.py",
    "tests/contributions/test_ingest_stream.py",
    "tests/contributions/test_assessment_many_workers.py",
    "tests/storage/test_backup_postgresql.py",
    "tests/registry/test_encryption.py",
    "tests/batch/test_spark.py",
    "tests/contributions/test_ingest_killed.py",
)


def _longest_first(root: Path, items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONGEST_FIRST)}
    order = {id(item): (rank.get(item.path.relative_to(root).as_posix(), len(rank)), n) for n, item in enumerate(items)}
    items.sort(key=lambda item: order[id(item)])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first (``LONGEST_FIRST``). The PostgreSQL pass runs only the tests that use the
    database: pytest-django refuses a database to any other test, so on PostgreSQL it would repeat the
    SQLite pass's run unchanged. Of the browser tests it runs only the role walks (``BROWSER_ON_POSTGRES``)."""
    _longest_first(config.rootpath, items)
    if not os.environ.get("DATABASE_URL"):
        return
    skip = pytest.mark.skip(reason="no database: runs once, in the SQLite pass")
    skip_page = pytest.mark.skip(reason="a page check: runs once, in the SQLite pass")
    for item in items:
        if not _uses_database(item):
            item.add_marker(skip)
        elif item.get_closest_marker("browser") is not None and item.path.name not in BROWSER_ON_POSTGRES:
            item.add_marker(skip_page)


def _agency_day() -> dt.date:
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


# The agency's calendar day when this process began, before any test module was imported: the modules
# that take "today" at import (TODAY, DAY, MONTH) take this one. SOCSEC_TEST_RUN_DAY (YYYY-MM-DD, a day
# before today) tries a run that began that day and went past the agency's midnight: the application's
# clock is set back to that day while the test modules are imported, then runs on (``_one_day_per_run``).
RUN_DAY = _agency_day()
_REAL_NOW = None
if os.environ.get("SOCSEC_TEST_RUN_DAY"):
    from django.utils import timezone as _timezone

    _REAL_NOW, _BEFORE = _timezone.now, RUN_DAY - dt.date.fromisoformat(os.environ["SOCSEC_TEST_RUN_DAY"])
    _timezone.now = lambda: _REAL_NOW() - _BEFORE  # type: ignore[assignment, misc]
    RUN_DAY -= _BEFORE


def pytest_collection_finish(session: pytest.Session) -> None:
    """The modules are imported: a run trying SOCSEC_TEST_RUN_DAY goes on past its midnight."""
    if _REAL_NOW is not None:
        from django.utils import timezone

        timezone.now = _REAL_NOW


@pytest.fixture(autouse=True)
def _one_day_per_run(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A run that goes past the agency's midnight (16:00 UTC) keeps the day it began on: the tests'
    expectations were computed from that day, and the code under test reads today from the application's
    clock (``timezone.now()``, ``timezone.localdate()``) or from the database's (``socsec.core.clock``, where
    the month that has ended decides money). Only after midnight is anything replaced: both clocks are then
    set back by the whole days since the run began, so they still agree with each other, the dates and
    times the code stores and shows fall on the run's day, and a test that moves a clock (forty days ahead,
    say) still moves its day. (Commands a test runs in another process keep the real clock.)"""
    from django.utils import timezone

    from socsec.core import clock

    behind = timezone.localdate() - RUN_DAY
    if behind:
        real_now, real_database_now = timezone.now, clock.database_now

        def now() -> dt.datetime:
            return real_now() - behind

        for module in list(sys.modules.values()):  # and where it was taken by its name (axes' lockouts)
            try:
                taken = getattr(module, "now", None) is real_now
            except Exception:  # noqa: BLE001  # a lazy module may fail to give any attribute: it took nothing
                taken = False
            if taken:
                monkeypatch.setattr(module, "now", now)
        monkeypatch.setattr(clock, "database_now", lambda: real_database_now() - behind)
    yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The API's rate-limit counters live in the process's cache, the keys it found live and the read
    notices it saw given in its memory: each test starts with none (a notice remembered from an earlier
    test of the same worker left the next test's read untold)."""
    from django.core.cache import cache

    from socsec.accounts.tokens import verified_tokens_forget
    from socsec.audit.reads import reads_told_forget

    cache.clear()
    verified_tokens_forget()
    reads_told_forget()
    yield


@pytest.fixture(scope="session")
def world_copy() -> WorldCopy:
    return WorldCopy()


@pytest.fixture
def world(db: None, world_copy: WorldCopy) -> World:
    """The small registry of tests/world.py: built through the services once, then written back."""
    return world_copy.world()


@dataclass(frozen=True)
class VarDir:
    """A var dir (SQLite database, data files, secret key) made once per run by the `socsec` command,
    and what the command printed. Tests copy it into a var dir of their own and never write to it."""

    source: Path
    output: str

    def copy_to(self, var: Path) -> Path:
        shutil.copytree(self.source, var, dirs_exist_ok=True)
        # the shared file is kept out of WAL mode (see _var_once); the copy goes back to it, as the
        # command leaves a database it made
        with contextlib.closing(sqlite3.connect(var / "socsec.sqlite3")) as copied:
            copied.execute("PRAGMA journal_mode=WAL").fetchall()
        return var


def _socsec_var(var: Path, *args: str) -> VarDir:
    """Runs `socsec ARGS` in a subprocess on the SQLite database of `var`, whatever DATABASE_URL says."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    done = subprocess.run(
        [sys.executable, "-m", "socsec.cli", *args], capture_output=True, text=True, env=env, check=True, timeout=300
    )
    return VarDir(var, done.stdout)


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every parallel worker of this run shares (the parent of the workers' own)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if "PYTEST_XDIST_WORKER" in os.environ else base


@contextlib.contextmanager
def _run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """Held by one worker of the run at a time: what is built under it is built once per run."""
    shared = _shared_dir(tmp_path_factory)
    with open(shared / f"{name}.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield shared


def _var_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], VarDir]) -> VarDir:
    """A var dir built once per run, whichever worker asks first, and shared by all (never written to:
    tests copy it). Migrating an empty database takes about 40 s of CPU (Django renders the models' states
    over some 150 migrations), so each worker building its own would cost that again per worker."""
    with _run_lock(tmp_path_factory, name) as shared:
        root = shared / name
        if not (root / "done").exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            made = build(root / "var")
            # out of WAL mode: a reader of the shared file then leaves no -wal/-shm files behind for a
            # worker copying the directory meanwhile to miss
            with contextlib.closing(sqlite3.connect(root / "var" / "socsec.sqlite3")) as built:
                built.execute("PRAGMA journal_mode=DELETE").fetchall()
            (root / "output.txt").write_text(made.output)
            (root / "done").write_text("")
        return VarDir(root / "var", (root / "output.txt").read_text())


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory: pytest.TempPathFactory) -> VarDir:
    """An empty database, migrated once per run: `socsec migrate` on a new var dir."""
    return _var_once(tmp_path_factory, "migrated", lambda var: _socsec_var(var, "migrate"))


@pytest.fixture(scope="session")
def demo_var(tmp_path_factory: pytest.TempPathFactory, migrated_var: VarDir) -> VarDir:
    """The demo pilot, loaded once per run: `socsec demo --no-serve --workers 150` on a copy of the migrated
    var dir (its migrate then has nothing to apply)."""
    return _var_once(
        tmp_path_factory,
        "demo",
        lambda var: _socsec_var(migrated_var.copy_to(var), "demo", "--no-serve", "--workers", "150"),
    )


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """On PostgreSQL: a database migrated once per run (`socsec migrate`), which the test databases and
    the two agencies' databases are created from (CREATE DATABASE ... TEMPLATE), instead of each
    migrating its own. None on SQLite."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        return None
    from tests.interagency.agencies import database_url, pg_admin

    with _run_lock(tmp_path_factory, "postgres-template") as shared:
        named = shared / "postgres-template.txt"
        if not named.exists():
            name = f"socsec_template_{uuid.uuid4().hex[:8]}"
            pg_admin(base, f'CREATE DATABASE "{name}"')
            env = os.environ | {"DATABASE_URL": database_url(base, name)}
            try:
                subprocess.run(
                    [sys.executable, "-m", "socsec.cli", "migrate"],
                    env=env,
                    capture_output=True,
                    check=True,
                    timeout=600,
                )
            except BaseException:
                pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                raise
            named.write_text(name)
        return named.read_text()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's PostgreSQL template is dropped when the run ends (by the controller, after every worker)."""
    if "PYTEST_XDIST_WORKER" in os.environ or not os.environ.get("DATABASE_URL"):
        return
    named = session.config._tmp_path_factory.getbasetemp() / "postgres-template.txt"  # type: ignore[attr-defined]
    if named.exists():
        from tests.interagency.agencies import pg_admin

        pg_admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{named.read_text()}" WITH (FORCE)')


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database, made from the run's migrated database instead of migrating anew:
    on SQLite the in-memory test database is filled from ``migrated_var``'s file (SQLite's backup), on
    PostgreSQL it is created from ``postgres_template``. Django's own set-up then runs as usual; its
    migrate finds every migration applied (the migrations' own tests migrate back and forth themselves)."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    options = request.config.option
    if getattr(options, "reuse_db", False) or getattr(options, "create_db", False) or options.nomigrations:
        raise pytest.UsageError(
            "--reuse-db, --create-db and --nomigrations do not apply: the test database is made from the run's"
            " migrated one (tests/conftest.py)"
        )

    creation = connections["default"].creation
    test_name = creation._get_test_db_name()
    held = None
    if connections["default"].vendor == "sqlite":
        source = request.getfixturevalue("migrated_var").source / "socsec.sqlite3"
        if creation.is_in_memory_db(test_name):  # kept alive by this connection while the run lasts
            held = sqlite3.connect(test_name, uri=True, check_same_thread=False)
            with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)) as migrated:
                migrated.backup(held)
    else:
        from tests.interagency.agencies import pg_admin

        template = request.getfixturevalue("postgres_template")
        with _run_lock(tmp_path_factory, "postgres-template"):  # one copy of the template at a time
            pg_admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
            pg_admin(os.environ["DATABASE_URL"], f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=True,  # made above: Django keeps it, and drops it at the end (keepdb=False below)
        )
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(config, verbosity=request.config.option.verbose)
        except Exception as exc:  # a session another process left on it (a backup's): dropped all the same
            if connections["default"].vendor != "postgresql":
                raise
            from tests.interagency.agencies import pg_admin

            pg_admin(os.environ["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{test_name}" WITH (FORCE)')
            request.node.warn(pytest.PytestWarning(f"the test database was dropped with FORCE: {exc!r}"))
    if held is not None:
        held.close()


@pytest.fixture
def data_dir(settings, tmp_path):
    """The data dir (order files, lines, bank files) of the test's own."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def factory_months_as_recorded(settings):
    """The world's factory never hands anything over to the tax authority: with the tax collection's go-live
    after the tests' dates (2027-01), its employee's months count as recorded (the go-live's own tests:
    tests/taxexchange/test_go_live.py)."""
    settings.SOCSEC_TAX_EXCHANGE = {**settings.SOCSEC_TAX_EXCHANGE, "collected_from": "2027-01"}


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
    """Rows in every table the services write: every table of every SocSec app but the sessions (a login is
    not a write of the services, as Django's own session table never counted)."""
    return {
        model._meta.label: model._base_manager.count()
        for model in socsec_models()
        if model._meta.app_label != "usersessions"
    }


@pytest.fixture
def unchanged() -> Iterator[None]:
    """Asserts that nothing was written during the test body."""
    before = table_counts()
    yield
    assert table_counts() == before


ON = dt.date(2026, 5, 1)
