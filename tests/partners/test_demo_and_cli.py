"""The demo's part: a civil affairs bureau under its agreement, its death register applied, and its read
on the demo worker's history. And the commands: a feed from a file, and the yearly check of pensioners."""

from __future__ import annotations

import sqlite3

from tests.test_cli import run


def _rows(db, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_the_demo_shows_a_partners_agreement_feed_and_read(tmp_path, demo_var):
    demo_var.copy_to(tmp_path)
    db = tmp_path / "socsec.sqlite3"
    assert _rows(db, "SELECT COUNT(*) FROM partners_partner")[0][0] == 5
    feeds = _rows(db, "SELECT kind, rows_applied, rows_refused FROM partners_feed ORDER BY id")
    assert feeds == [("deaths", 1, 1), ("platforms", 1, 0), ("incomes", 2, 0), ("accounts", 2, 0)]
    assert _rows(db, "SELECT status FROM partners_paymentaccount ORDER BY status") == [
        ("CLOSED",),
        ("UNCHECKED",),
        ("VALID",),
    ]
    assert _rows(db, "SELECT credit_code, status, flagged FROM partners_platformregistration") == [
        ("91110000MA01ABCD1M", "ACTIVE", 0)
    ]
    assert _rows(db, "SELECT COUNT(*) FROM benefits_deathnotice")[0][0] == 2  # and the risk demo's late notice
    worker = _rows(db, "SELECT person_id FROM accounts_user WHERE username = 'worker'")[0][0]
    reads = _rows(
        db,
        "SELECT actor_label, agreement, purpose FROM audit_personaldataaccess"
        f" WHERE person_id = {worker} AND agreement IS NOT NULL",
    )
    assert reads == [("Civil Affairs Bureau", "MCA-2026-01", "PARTNER_EXCHANGE")]
    assert _rows(db, "SELECT COUNT(*) FROM partners_pensionercheckrun")[0][0] == 1


def test_a_feed_from_a_file_and_the_check_of_pensioners(tmp_path, demo_var):
    demo_var.copy_to(tmp_path)
    feed = tmp_path / "register.csv"
    feed.write_text("resident_id,died_on\n110105193001010013,2026-01-05\n", encoding="utf-8")
    done = run(
        "partners", "feed", "--agreement", "MCA-2026-01", "--kind", "deaths", str(feed), var=tmp_path, check=False
    )
    assert done.returncode == 1
    assert "1 rows, 0 applied, 0 already known, 1 refused" in done.stdout
    assert (
        "row 2 resident_id [unknown_person]: resident_id: no person with this resident ID is registered" in done.stdout
    )
    again = run(
        "partners", "feed", "--agreement", "MCA-2026-01", "--kind", "deaths", str(feed), var=tmp_path, check=False
    )
    assert "already received: nothing done again" in again.stdout
    checked = run("partners", "check-pensioners", "--year", "2026", var=tmp_path)
    assert checked.stdout.startswith("pensioners of 2026: ")


def test_a_partner_and_its_agreement_from_the_command_line(tmp_path, demo_var):
    demo_var.copy_to(tmp_path)
    run("partners", "register", "--code", "bank-2", "--name", "Second Bank", "--kind", "BANK", var=tmp_path)
    made = run(
        "partners", "agreement", "--partner", "bank-2", "--reference", "BANK-2027-01",
        "--purpose", "Account checks", "--legal-basis", "Card agreement", "--scope", "accounts:send",
        "--send", "resident_id", "--send", "result", "--valid-from", "2027-01-01", "--valid-until", "2027-12-31",
        var=tmp_path,
    )  # fmt: skip
    assert made.stdout.startswith("agreement BANK-2027-01: client id ")
    assert "client secret (shown once): " in made.stdout
    refused = run(
        "partners", "agreement", "--partner", "bank-2", "--reference", "BANK-2027-02", "--purpose", "x",
        "--legal-basis", "y", "--scope", "persons:write", "--valid-from", "2027-01-01", "--valid-until", "2027-12-31",
        var=tmp_path, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "scopes: persons:write is not one of" in refused.stdout + refused.stderr
