"""The projections endpoint: supervisors only, shipped scenarios only, runs capped; plain JSON."""

from __future__ import annotations

import pytest

from tests.api.test_permission_matrix import ROLES, client_for


@pytest.mark.parametrize(("role", "expected"), list(zip(ROLES, [401, 403, 403, 403, 200, 403], strict=True)), ids=ROLES)
def test_only_a_supervisor_lists_the_scenarios(world, role, expected):
    response = client_for(world, role).get("/api/projections/scenarios")
    assert response.status_code == expected
    if expected == 200:
        assert [s["name"] for s in response.json()["items"]] == [
            "baseline",
            "contribution_rate_cut",
            "funded_tier",
            "platform_mandatory",
            "retirement_age_rise",
        ]


@pytest.mark.parametrize("role", ["anonymous", "worker", "platform", "officer", "auditor"])
def test_others_cannot_run_a_projection(world, role):
    assert client_for(world, role).get("/api/projections").status_code in (401, 403)


def test_a_supervisor_runs_scenarios_side_by_side(world):
    client = client_for(world, "supervisor")
    body = client.get("/api/projections?scenarios=baseline,platform_mandatory&stochastic=5").json()
    assert body["years"][0] == 2025 and len(body["years"]) == 100
    assert body["runs"] == 5 and body["percentiles"] == [5, 25, 50, 75, 95]
    assert [s["name"] for s in body["scenarios"]] == [
        "Baseline (current law)",
        "Mandatory pension coverage of platform workers from 2027",
    ]
    assert [row["scenario"] for row in body["summary"]] == [s["name"] for s in body["scenarios"]]
    assert len(body["scenarios"][0]["fan"]["pension_cost_rate"]) == 5
    women_1960s = next(r for r in body["replacement_rates"] if r["birth_cohort"] == "1960-1969")
    assert women_1960s["women"] is None  # retired before 2025: no new pensions (NaN becomes null)


def test_unknown_scenarios_paths_and_too_many_runs_are_refused(world):
    client = client_for(world, "supervisor")
    response = client.get("/api/projections?scenarios=baseline,../../etc/passwd")
    assert response.status_code == 422
    assert response.json()["field"] == "scenarios"
    assert response.json()["message"].startswith("unknown scenario(s) ../../etc/passwd; shipped: baseline, ")
    response = client.get("/api/projections?stochastic=1001")
    assert (response.status_code, response.json()["field"]) == (422, "stochastic")
