"""The insured-records export: the file holds exactly the rows, as the CSV the projection reads; the reads
are logged with it; a failed or killed export leaves no file under its name and logs nothing."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from socsec.audit.models import PersonalDataAccess
from socsec.benefits.insured_records import RECORD_HEADER
from socsec.benefits.records_export import insured_records_export
from socsec.core.csvsafe import csv_writer
from tests.benefits.test_insured_record_slices import one_by_one
from tests.world import SYSTEM


def as_csv(rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(RECORD_HEADER)
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("slice_persons", [1, 2, 1000])
def test_the_file_holds_the_rows_and_the_reads_are_logged(records, tmp_path, slice_persons):
    expected = one_by_one(2027)
    done = insured_records_export(actor=SYSTEM, year=2027, path=tmp_path / "out.csv", slice_persons=slice_persons)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == as_csv([row for _, row in expected])
    assert (done.persons, done.active) == (4, 3)
    logged = PersonalDataAccess.objects.filter(what="insured records", purpose="EXPORT")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(p for p, _ in expected)
    assert {(r.actor_label, r.actor_role, r.at.tzinfo is not None) for r in logged} == {("test", "SYSTEM", True)}
    assert os.listdir(tmp_path) == ["out.csv"]  # no temporary file left


@pytest.mark.parametrize("point", ["records.slice_written:enospc", "records.before_rename:eio"])
def test_a_failed_export_leaves_no_file_and_logs_nothing(records, tmp_path, monkeypatch, point):
    (tmp_path / "out.csv").write_text("the previous export\n")
    monkeypatch.setenv("SOCSEC_FAULT", point)
    with pytest.raises(OSError):
        insured_records_export(actor=SYSTEM, year=2027, path=tmp_path / "out.csv", slice_persons=2)
    assert (tmp_path / "out.csv").read_text() == "the previous export\n"  # untouched
    assert os.listdir(tmp_path) == ["out.csv"]
    assert not PersonalDataAccess.objects.filter(what="insured records").exists()


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="a subprocess on the embedded SQLite database")
def test_a_killed_export_leaves_no_file_under_its_name(demo_var, tmp_path):
    var = demo_var.copy_to(tmp_path / "var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    command = [sys.executable, "-m", "socsec.cli", "export", "insured-records", "--year", "2027"]
    out = tmp_path / "exports" / "records.csv"

    def reads() -> int:
        with closing(sqlite3.connect(var / "socsec.sqlite3")) as db:
            sql = "SELECT count(*) FROM audit_personaldataaccess WHERE what = 'insured records'"
            return int(db.execute(sql).fetchone()[0])

    for point in ("records.slice_written", "records.before_rename"):
        killed = subprocess.run(
            [*command, "--out", str(out)], env=env | {"SOCSEC_FAULT": point}, capture_output=True, timeout=300
        )
        assert killed.returncode == -9
        assert not out.exists()
        assert reads() == 0
    done = subprocess.run([*command, "--out", str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(RECORD_HEADER)
    assert reads() == len(lines) - 1 > 0
