"""The projection's starting point from the actual insured persons: the registry and the contribution
records exported as one row per person, read by the actuarial model's records mode."""

from __future__ import annotations

import datetime as dt

from socsec.actuarial.run import run_projection
from socsec.actuarial.scenario import shipped_scenarios
from socsec.benefits.insured_records import RECORD_HEADER
from socsec.benefits.selectors import insured_records
from socsec.contributions.own.payments import own_contribution_pay
from tests.world import SYSTEM


def test_export_rows(world, factory_months_as_recorded):
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(2026, 11, 1),
        months=1,
        declared_base_cents=1000000,
        today=dt.date(2026, 11, 2),
    )
    rows = {(r[0], r[1]): r for r in insured_records(year=2027)}
    # 李娜, born 1985-07: 41 on 2027-01-01; employed since 2015-03: 142 months to 2026-12, at the average wage
    assert rows[("female", 41)] == ("female", 41, "active", 11.8333, 1.0, 0.0, 0)
    # the rider: one month on a base of 10,000 yuan against Beijing's 12,386: index 0.8074; 8% in the account
    rider = next(r for r in rows.values() if r[0] == "male" and r[3] == round(1 / 12, 4))
    assert rider[2:] == ("active", 0.0833, 0.8074, 800.0, 0)
    assert len(rows) == 2  # the freelancer has no employee-pension months


def test_a_projection_starts_from_the_records(world, tmp_path):
    records = tmp_path / "insured.csv"
    records.write_text(
        ",".join(RECORD_HEADER) + "\n" + "\n".join(",".join(map(str, r)) for r in insured_records(year=2027)) + "\n"
    )
    baseline = next(p for p in shipped_scenarios() if p.stem == "baseline")
    scenario = tmp_path / "from_records.yaml"
    scenario.write_text(
        f"extends: {baseline}\nname: From the records\ninitial:\n  history: records\n  records: insured.csv\n"
        "  records_weight: 1000\n"
    )
    result = run_projection([baseline, scenario])
    names = [row["scenario"] for row in result.to_tables()["summary"]]
    assert names == ["Baseline (current law)", "From the records"]
    summary = result.to_tables()["summary"]
    # starting from the 2 recorded insured persons x 1,000 is not the modelled history: another cost path
    assert summary[0]["cost_rate_2050"] != summary[1]["cost_rate_2050"]
