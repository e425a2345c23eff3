"""``socsec verify``, ``sweep``, ``backup`` and ``restore``: the data files as a whole."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import django_setup


def cmd_verify(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.storage.checks import verify

    checked, problems = verify()
    for p in problems:
        print(f"{p.problem}: {p.path} ({p.owner})")
    print(f"{checked} stored file(s) checked, {len(problems)} missing or damaged")
    return 1 if problems else 0


def cmd_sweep(args: argparse.Namespace) -> int:
    django_setup()
    import getpass

    from socsec.audit.reads import reads_load_spooled
    from socsec.audit.services import Actor
    from socsec.contributions.orders.withdrawal import orders_abandon_stale
    from socsec.storage.checks import sweep

    for batch_id in orders_abandon_stale(actor=Actor.system(f"cli:{getpass.getuser()}")):
        print(f"batch {batch_id}: left WRITING by a killed process, marked FAILED (its key is free)")
    if loaded := reads_load_spooled():
        print(f"{loaded} read-log row(s) kept in files while the database was locked loaded")
    removed = sweep(grace_seconds=args.grace)
    for path in removed:
        print(f"removed {path}")
    print(f"{len(removed)} file(s) no manifest names removed")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.storage.backup import backup

    manifest = backup(Path(args.dir))
    print(f"backup {args.dir}: {manifest['engine']} database and {len(manifest['files'])} data file(s)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.storage.backup import restore

    manifest = restore(Path(args.dir), replace=args.replace)
    print(
        f"restored {args.dir} (made {manifest['created_at']}): {manifest['engine']} database and "
        f"{len(manifest['files'])} data file(s); run `socsec migrate` if this version is newer",
        file=sys.stdout,
    )
    return 0


def add_storage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = sub.add_parser("verify", help="check every stored file against its manifest (exit 1: a problem)")
    verify.set_defaults(func=cmd_verify)
    sweep = sub.add_parser("sweep", help="remove attempt and temporary files that no manifest names")
    sweep.add_argument(
        "--grace", type=int, default=None, help="seconds a file must be old (default SOCSEC_SWEEP_GRACE_SECONDS)"
    )
    sweep.set_defaults(func=cmd_sweep)
    backup = sub.add_parser("backup", help="the database and the data files it names, into a new folder")
    backup.add_argument("dir")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="a backup, checked whole, into this database and data dir")
    restore.add_argument("dir")
    restore.add_argument("--replace", action="store_true", help="write over a database that holds data")
    restore.set_defaults(func=cmd_restore)
